import { GatewayError } from '@switchyard/plugin-sdk';
import type { IrEmbeddingRequest } from '@switchyard/plugin-sdk';
import type { EmbeddingCodec } from '@switchyard/plugin-sdk';
import type { CodecContext, ProtocolCodec, WireProtocol } from '@switchyard/plugin-sdk';
import type { Protocol } from '@switchyard/plugin-sdk';

type ClientEmbeddings = Required<Pick<EmbeddingCodec, 'decodeRequest' | 'encodeResponse'>>;
type BackendEmbeddings = Required<Pick<EmbeddingCodec, 'encodeRequest' | 'decodeResponse'>>;

/**
 * One embeddings request translated through the IR (Translation for an embeddings ingress): the
 * ingress codec decodes the request and encodes the reply, the backend codec encodes the request
 * and decodes the reply. Replies are complete JSON bodies, never streams.
 */
export class EmbeddingTranslation {
  private ir: IrEmbeddingRequest | null = null;

  private constructor(
    private readonly client: ClientEmbeddings,
    private readonly backend: BackendEmbeddings,
  ) {}

  /**
   * The embeddings translation when the ingress's codec decodes embeddings, else null (a
   * generation ingress); a 400 when the backend's wire protocol has no embeddings codec.
   */
  static between(
    client: ProtocolCodec | undefined,
    backend: ProtocolCodec | undefined,
    ingress: Protocol,
    wire: WireProtocol,
  ): EmbeddingTranslation | null {
    const c = client?.embeddings;
    if (!c?.decodeRequest || !c.encodeResponse) return null;
    const b = backend?.embeddings;
    if (!b?.encodeRequest || !b.decodeResponse) {
      throw GatewayError.unsupportedOperation(`no codec can translate ${ingress} requests to ${wire} in this build`);
    }
    return new EmbeddingTranslation(c as ClientEmbeddings, b as BackendEmbeddings);
  }

  /** The client's body as the backend's body for `realModel`. */
  request(body: Record<string, unknown>, realModel: string, ctx: CodecContext): Record<string, unknown> {
    const ir = this.client.decodeRequest(body, ctx);
    ir.model = realModel;
    this.ir = ir;
    return this.backend.encodeRequest(ir, ctx);
  }

  /** The backend's reply (parsed JSON) as the client's reply body. */
  response(json: unknown, ctx: CodecContext): Record<string, unknown> {
    if (!this.ir) throw new Error('EmbeddingTranslation.response before request');
    const reply = this.backend.decodeResponse(json, this.ir, ctx);
    if (reply.vectors.length !== this.ir.inputs.length) {
      throw GatewayError.badGateway(
        `the backend sent ${reply.vectors.length} embeddings for ${this.ir.inputs.length} inputs`,
        'upstream_malformed',
      );
    }
    return this.client.encodeResponse(reply, this.ir, ctx);
  }
}
