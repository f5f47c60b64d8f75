import type { Readable } from 'node:stream';
import { createSseParser, MAX_SSE_EVENT_BYTES, type GatewayReply, type Protocol, type SseEvent } from '@switchyard/kernel';
import { abortError, SwitchyardError } from './switchyard-error.js';

/** HTTP-like statuses for an error event's type, when the exchange did not record one. */
const STATUS_BY_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  timeout_error: 504,
  overloaded_error: 529,
};

function parseData(event: SseEvent): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(event.data);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Whether an event ends the stream with an error in its protocol (the SDKs throw on these too). */
function isErrorEvent(event: SseEvent, data: Record<string, unknown>): boolean {
  if (event.event === 'error' || data.type === 'error') return true;
  return data.error !== undefined && data.error !== null && data.object === undefined && data.type === undefined;
}

/**
 * A streamed answer as an async iterable of parsed events: OpenAI chat or completion chunks,
 * Anthropic Messages events, or Responses events, exactly as an HTTP client would parse them
 * (`[DONE]` is not yielded). An error event ends the iteration by throwing a SwitchyardError
 * (`midStream: true`); breaking out of the loop, `abort()`, or the call's AbortSignal cancel
 * the upstream request. Iterate it once.
 */
export class SwitchyardStream<E> implements AsyncIterable<E> {
  /** The status the gateway answered with (200). */
  readonly status: number;
  /** The reply's headers (`x-switchyard-real-model`, the upstream's rate-limit headers, …). */
  readonly headers: Readonly<Record<string, string | string[]>>;
  private readonly body: Readable;
  private iterated = false;

  constructor(
    private readonly reply: GatewayReply,
    readonly protocol: Protocol,
    readonly requestId: string,
    private readonly signal?: AbortSignal,
  ) {
    this.status = reply.status;
    this.headers = reply.headers;
    this.body = reply.body as Readable;
    if (signal) {
      const onAbort = (): void => {
        this.body.destroy(abortError(signal));
      };
      if (signal.aborted) onAbort();
      else {
        signal.addEventListener('abort', onAbort, { once: true });
        this.body.once('close', () => signal.removeEventListener('abort', onAbort));
      }
    }
  }

  /** Stops reading and cancels the upstream request (an iteration in progress ends). */
  abort(): void {
    this.body.destroy();
  }

  /**
   * The SSE bytes as the HTTP ingress would send them, for a program that forwards them as they
   * are (instead of iterating). Either this or the iterator, not both.
   */
  toReadable(): Readable {
    if (this.iterated) throw new Error('this stream is already being iterated');
    this.iterated = true;
    return this.body;
  }

  [Symbol.asyncIterator](): AsyncIterator<E> {
    if (this.iterated) throw new Error('a Switchyard stream can be iterated only once');
    this.iterated = true;
    return this.events();
  }

  private async *events(): AsyncGenerator<E> {
    const queue: SseEvent[] = [];
    let overflow = false;
    const parser = createSseParser(
      (e) => queue.push(e),
      () => (overflow = true),
    );
    const body = this.body;
    try {
      let ended = false;
      const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
      while (!ended) {
        let next: IteratorResult<Buffer | string>;
        try {
          next = await iterator.next();
        } catch (err) {
          if (this.signal?.aborted) throw abortError(this.signal);
          throw err;
        }
        if (next.done) {
          parser.end();
          ended = true;
        } else {
          parser.feed(next.value);
        }
        if (overflow) {
          throw new SwitchyardError({
            status: 502,
            body: {
              error: { message: `stream event larger than ${MAX_SSE_EVENT_BYTES} bytes`, type: 'server_error', param: null, code: null },
            },
            message: `stream event larger than ${MAX_SSE_EVENT_BYTES} bytes`,
            requestId: this.requestId,
            protocol: this.protocol,
            midStream: true,
          });
        }
        while (queue.length > 0) {
          const event = queue.shift()!;
          if (event.data === '[DONE]') continue;
          const data = parseData(event);
          if (data === null) continue; // comments and keep-alives carry no JSON
          if (isErrorEvent(event, data)) throw await this.errorFrom(data);
          yield data as E;
        }
      }
    } finally {
      // Ends the exchange (499 when cut short) and, when cut short, the upstream request.
      if (!body.destroyed) body.destroy();
    }
  }

  private async errorFrom(data: Record<string, unknown>): Promise<SwitchyardError> {
    // The stream ends right after its error event; the exchange then has the status it recorded.
    this.body.destroy();
    const end = await Promise.race([this.reply.exchange.done, new Promise<null>((r) => setTimeout(() => r(null), 100).unref())]);
    const inner = (typeof data.error === 'object' && data.error !== null ? data.error : data) as Record<string, unknown>;
    const type = typeof inner.type === 'string' ? inner.type : typeof inner.code === 'string' ? inner.code : undefined;
    let status = end && end.status >= 400 && end.status !== 499 ? end.status : undefined;
    status ??= (type && STATUS_BY_TYPE[type]) || 500;
    const message = typeof inner.message === 'string' ? inner.message : 'the stream ended with an error';
    return new SwitchyardError({ status, body: data, message, requestId: this.requestId, protocol: this.protocol, midStream: true });
  }
}
