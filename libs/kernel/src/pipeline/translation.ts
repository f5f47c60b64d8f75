import { GatewayError } from '@switchyard/plugin-sdk';
import type { IrRequest } from '@switchyard/plugin-sdk';
import type { IrStreamEvent } from '@switchyard/plugin-sdk';
import type { IrUsage } from '@switchyard/plugin-sdk';
import type { KernelLogger } from '@switchyard/plugin-sdk';
import type { PluginRegistry } from '../plugin/plugin-registry.js';
import type {
  CodecContext,
  ProtocolCodec,
  SseEvent,
  StreamDecoder,
  StreamEncoder,
  StreamErrorEvent,
  StreamFramer,
  StreamFraming,
  WireProtocol,
} from '@switchyard/plugin-sdk';
import type { Protocol } from '@switchyard/plugin-sdk';
import { createSseParser, MAX_SSE_EVENT_BYTES, RelayReadable } from '@switchyard/plugin-sdk';
import { EmbeddingTranslation } from './embedding-translation.js';

type ClientSide = Required<Pick<ProtocolCodec, 'decodeRequest' | 'encodeResponse' | 'createStreamEncoder'>>;
type BackendSide = Required<Pick<ProtocolCodec, 'encodeRequest' | 'decodeResponse' | 'createStreamDecoder'>> &
  Pick<ProtocolCodec, 'serves' | 'streamFraming'>;

/**
 * One request translated between the client's protocol and the backend's, through the kernel's
 * intermediate representation: the ingress codec decodes the request and encodes the reply; the
 * backend's codec encodes the request and decodes the reply (N+M codecs, never one per pair).
 */
export class Translation {
  private constructor(
    private readonly client: ClientSide,
    private readonly backend: BackendSide,
    readonly ctx: CodecContext,
    private readonly redact: (text: string) => string,
    /** Set for an embeddings ingress: the request and its reply go through the codecs' embeddings side. */
    private readonly embedding?: EmbeddingTranslation,
  ) {}

  /** The translation, or a 400 naming what this build cannot translate. */
  static between(
    registry: PluginRegistry,
    ingress: Protocol,
    wire: WireProtocol,
    ctx: CodecContext,
    redact: (text: string) => string = (t) => t,
  ): Translation {
    const c = registry.codec(ingress);
    const b = registry.codec(wire);
    const embedding = EmbeddingTranslation.between(c, b, ingress, wire);
    if (embedding) return new Translation(c as ClientSide, b as BackendSide, ctx, redact, embedding);
    if (!c?.decodeRequest || !c.encodeResponse || !c.createStreamEncoder) {
      throw GatewayError.unsupportedOperation(`no codec can decode ${ingress} requests in this build`);
    }
    if (!b?.encodeRequest || !b.decodeResponse || !b.createStreamDecoder) {
      throw GatewayError.unsupportedOperation(`no codec can encode ${wire} requests for this backend in this build`);
    }
    return new Translation(c as ClientSide, b as BackendSide, ctx, redact);
  }

  /**
   * The client's body (already shaped by profiles) as the backend's body for `realModel`; `shapeIr` may change
   * the decoded IR first (a profile's thinking keys).
   */
  request(body: Record<string, unknown>, realModel: string, stream: boolean, shapeIr?: (ir: IrRequest) => void): Record<string, unknown> {
    if (this.embedding) return this.embedding.request(body, realModel, this.ctx);
    const ir = this.client.decodeRequest(body, this.ctx);
    this.checkServed(ir, stream);
    this.ctx.includeUsage = ir.includeUsage === true;
    ir.model = realModel;
    ir.stream = stream;
    shapeIr?.(ir);
    return this.backend.encodeRequest(ir, this.ctx);
  }

  /** Several answers or logprobs only where the backend's codec serves them (complete replies): else a 400, never one answer as if asked for. */
  private checkServed(ir: IrRequest, stream: boolean): void {
    const served = this.backend.serves;
    const why = (what: string) =>
      stream ? `${what} cannot be streamed through a translation` : `the backend's protocol has no ${what} the gateway maps`;
    if ((ir.choices ?? 1) > 1 && (stream || !served?.choices)) {
      throw GatewayError.invalidRequest(
        `n: ${ir.choices} choices are not available for model '${this.ctx.clientModel}': ${why('several choices')}; send n: 1 (or ${ir.choices} requests)`,
        'n',
      );
    }
    if (ir.logprobs && (stream || !served?.logprobs)) {
      throw GatewayError.invalidRequest(
        `logprobs are not available for model '${this.ctx.clientModel}': ${why('token log-probabilities')}`,
        'logprobs',
      );
    }
    if (ir.prompt && !served?.prompt) {
      throw GatewayError.invalidRequest(
        `model '${this.ctx.clientModel}' cannot continue a prompt: the backend's protocol has no legacy completion the gateway maps`,
        'prompt',
      );
    }
  }

  /** A complete backend reply as the client's reply bytes. */
  response(upstream: Buffer): Buffer {
    let json: unknown;
    try {
      json = JSON.parse(upstream.toString('utf8'));
    } catch {
      throw GatewayError.badGateway('the backend sent a reply that is not JSON', 'upstream_malformed');
    }
    if (this.embedding) return Buffer.from(JSON.stringify(this.embedding.response(json, this.ctx)));
    const ir = this.backend.decodeResponse(json, this.ctx);
    return Buffer.from(JSON.stringify(this.client.encodeResponse(ir, this.ctx)));
  }

  /**
   * A stream from the backend's stream bytes (SSE, or the codec's own framing) to the client's
   * SSE, event by event: `attach` it to the backend's body (a RelayReadable, not a Transform: see
   * there why). `onUsage` sees the
   * backend's usage even when the client's protocol leaves it out (a chat client that did not
   * ask for usage), so metrics and the journal still count tokens. `onError` sees each error event
   * sent to the client (the upstream's own, or one the decoder made of a malformed event).
   */
  stream(onUsage?: (usage: IrUsage) => void, onError?: (error: StreamErrorEvent) => void): TranslatingStream {
    return new TranslatingStream(
      this.backend.createStreamDecoder(this.ctx),
      this.client.createStreamEncoder(this.ctx),
      this.redact,
      onUsage,
      onError,
      this.backend.streamFraming,
    );
  }
}

/** The bytes of a translated stream (Translation.stream), read from the backend's body once attached. */
export class TranslatingStream extends RelayReadable {
  private readonly parser: StreamFramer;
  private out = '';
  /**
   * The upstream's own mid-stream failure (the first IR `error` event that passed), once there was
   * one: the stream still ends normally, with the client protocol's error event, and the exchange
   * is recorded as failed with this error.
   */

  constructor(
    private readonly decoder: StreamDecoder,
    private readonly encoder: StreamEncoder,
    private readonly redact: (text: string) => string,
    private readonly onUsage?: (usage: IrUsage) => void,
    private readonly onError?: (error: StreamErrorEvent) => void,
    framing?: StreamFraming,
  ) {
    super({ highWaterMark: 16 * 1024 });
    const onEvent = (event: SseEvent): void => this.emitAll(this.decoder.push(event));
    this.parser = framing
      ? framing.createFramer(onEvent)
      : createSseParser(onEvent, () =>
          this.destroy(GatewayError.badGateway(`the backend sent a stream event larger than ${MAX_SSE_EVENT_BYTES} bytes`)),
        );
  }

  /**
   * The client-protocol event(s) ending the stream for a failure outside the upstream's stream
   * (transport error, timeout), when the client's encoder writes its own (StreamEncoder.failure);
   * null to let the kernel write its generic error event.
   */
  failureEvent(error: GatewayError): string | null {
    if (!this.encoder.failure) return null;
    return this.encoder.failure(
      new GatewayError({ status: error.status, kind: error.kind, message: this.redact(error.message), code: error.code }),
    );
  }

  private emitAll(events: IrStreamEvent[]): void {
    for (const e of events) {
      if (e.type === 'usage') this.onUsage?.(e.usage);
      if (e.type !== 'error') {
        this.out += this.encoder.push(e);
        continue;
      }
      // An upstream's mid-stream error may echo a secret (in its message or its type).
      const error: StreamErrorEvent = { ...e, message: this.redact(e.message), errorType: this.redact(e.errorType) };
      this.onError?.(error);
      this.out += this.encoder.push(error);
    }
  }

  private flushOut(): void {
    if (this.out.length > 0) {
      this.send(Buffer.from(this.out));
      this.out = '';
    }
  }

  /** A malformed stream (the framer or decoder threw) ends this one with that error. */
  protected relay(chunk: Buffer): void {
    if (this.destroyed) return;
    try {
      this.parser.feed(chunk);
      this.flushOut();
    } catch (err) {
      this.destroy(err as Error);
    }
  }

  protected relayEnd(): void {
    if (this.destroyed) return;
    try {
      this.parser.end();
      this.emitAll(this.decoder.end());
      this.out += this.encoder.end();
      this.flushOut();
      this.push(null);
    } catch (err) {
      this.destroy(err as Error);
    }
  }
}

/** A CodecContext whose dropped fields go to a debug log line. */
export function codecContext(
  clientModel: string,
  requestId: string,
  logger: KernelLogger,
  /** The logger already binds the request id (a request's own logger): not repeated on each line. */
  boundRequestId = false,
): CodecContext {
  return {
    clientModel,
    requestId,
    dropped(field: string) {
      if (logger.isLevelEnabled('debug'))
        logger.debug(
          boundRequestId ? { field } : { requestId, field },
          'field dropped in translation: the target protocol cannot express it',
        );
    },
  };
}
