import type { IrEmbeddingRequest, IrEmbeddingResponse } from '../ir/ir-embedding.js';
import type { CodecContext } from './protocol-codec.js';

/**
 * The embeddings side of a protocol codec (ProtocolCodec.embeddings). The client side
 * (decodeRequest, encodeResponse) serves an embeddings ingress; the backend side (encodeRequest,
 * decodeResponse) serves a backend whose wire protocol answers embeddings. The kernel translates an
 * embeddings request through the IR when the ingress's codec has the client side and the wire
 * protocol's codec the backend side; otherwise the request is a 400 naming what cannot be translated.
 * Embedding replies are never streamed.
 */
export interface EmbeddingCodec {
  /** The client's body as an IR embedding request; throws a 400 GatewayError for input it cannot express. */
  decodeRequest?(body: Record<string, unknown>, ctx: CodecContext): IrEmbeddingRequest;
  /** The IR reply as the client's body; `request` is the decoded request (its encoding format, its inputs). */
  encodeResponse?(response: IrEmbeddingResponse, request: IrEmbeddingRequest, ctx: CodecContext): Record<string, unknown>;
  /** The IR request as the backend's body; throws a 400 GatewayError for what the backend cannot take (token ids, too many inputs). */
  encodeRequest?(request: IrEmbeddingRequest, ctx: CodecContext): Record<string, unknown>;
  /** The backend's reply (parsed JSON) as IR; throws a 502 GatewayError when it is not the protocol's shape. */
  decodeResponse?(body: unknown, request: IrEmbeddingRequest, ctx: CodecContext): IrEmbeddingResponse;
}
