import type { Readable } from 'node:stream';
import type { KernelLogger } from '@switchyard/plugin-sdk';
import type { IncomingHeaders } from '@switchyard/plugin-sdk';
import type { Protocol } from '@switchyard/plugin-sdk';
import type { Exchange } from './exchange.js';

/** A parsed client request, from an HTTP controller or an in-process caller. */
export interface GatewayRequest {
  protocol: Protocol;
  body: Record<string, unknown>;
  /** The request's bytes as received, when there are any (lets passthrough skip re-serialising). */
  rawBody?: Buffer;
  headers: IncomingHeaders;
  /** The query string without `?` (e.g. `beta=true`). */
  query?: string;
  /**
   * A sub-operation of the protocol's endpoint (`count_tokens` for /v1/messages/count_tokens).
   * Served only by a backend that speaks the protocol natively (passthrough); 400 otherwise.
   */
  operation?: string;
  requestId: string;
  /** The inbound key's configured name, or its HMAC; never the key. */
  clientKeyId?: string | null;
  /** Aborts the upstream when the client goes away. */
  signal: AbortSignal;
  /** A logger bound to this request (its id on every line); the pipeline's own otherwise. */
  logger?: KernelLogger;
}

/** The answer: a complete body, or a byte stream read with backpressure. */
export interface GatewayReply {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer | Readable;
  stream: boolean;
  exchange: Exchange;
}

/** The request pipeline behind the HTTP controllers; another program can call it in-process. */
export interface RequestPipeline {
  handle(request: GatewayRequest): Promise<GatewayReply>;
}
