import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { IncomingHeaders, UpstreamReply } from '../plugin/provider-plugin.js';

/** What a reply body buffers for a reader that does not read (the reader's own stream buffers as much again). */
export const UPSTREAM_BODY_HIGH_WATER_MARK = 16 * 1024;

/** Why a request was dropped when the caller's signal carries no reason of its own. */
function abortReason(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : Object.assign(new Error('the request was aborted'), { name: 'AbortError' });
}

/**
 * A reply body fed straight from undici's dispatch handler: chunks are pushed as the parser
 * produces them; when the consumer falls behind, the connection's read is paused and resumed on
 * demand (backpressure down to the socket). Destroying it before its end aborts the request.
 * It only relays: when its reader stalls, it holds at most `UPSTREAM_BODY_HIGH_WATER_MARK` bytes
 * (plus the chunk that crossed it) and the rest waits in the socket, not in a second buffer here
 * (issue #19: memory per open stream; it was 64 KB, undici's default).
 */
class UpstreamBody extends Readable {
  constructor(private readonly controller: Dispatcher.DispatchController) {
    super({ highWaterMark: UPSTREAM_BODY_HIGH_WATER_MARK });
  }

  override _read(): void {
    if (this.controller.paused) this.controller.resume();
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    if (!this.readableEnded && !this.controller.aborted) {
      this.controller.abort(err ?? Object.assign(new Error('the reply body was closed before its end'), { name: 'AbortError' }));
    }
    cb(err);
  }
}

/**
 * One request through undici's dispatch API with a minimal handler: resolves on the status and
 * headers with the body unread. Leaner per request than `request()` (no async resource, no
 * general-purpose body mixin); the caller's signal aborts the request, also mid-body.
 * `mapError` turns a transport failure before the headers into the caller's error.
 */
export function dispatchUpstream(
  dispatcher: Dispatcher,
  options: { origin: string; path: string; method: 'GET' | 'POST'; headers: Record<string, string>; body?: string | Buffer },
  signal: AbortSignal,
  mapError: (err: Error) => Error,
): Promise<UpstreamReply> {
  return new Promise<UpstreamReply>((resolve, reject) => {
    if (signal.aborted) {
      reject(abortReason(signal));
      return;
    }
    dispatcher.dispatch(options, replyHandler(signal, mapError, resolve, reject));
  });
}

/**
 * The dispatch handler of one request. Built apart from `dispatchUpstream` so that its closures,
 * which live as long as the reply's body (a stream: minutes), do not hold that function's scope,
 * and with it the request body (issue #19: an 88 KB request body kept alive by every open stream).
 */
function replyHandler(
  signal: AbortSignal,
  mapError: (err: Error) => Error,
  resolve: (reply: UpstreamReply) => void,
  reject: (err: Error) => void,
): Dispatcher.DispatchHandler {
  let controller: Dispatcher.DispatchController | null = null;
  let body: UpstreamBody | null = null;
  const onAbort = (): void => {
    const reason = abortReason(signal);
    if (body) body.destroy(reason);
    else controller?.abort(reason);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  const settled = (): void => signal.removeEventListener('abort', onAbort);
  return {
    onRequestStart(c) {
      controller = c;
      if (signal.aborted) c.abort(abortReason(signal));
    },
    onResponseStart(c, statusCode, headers) {
      if (statusCode < 200) return; // 1xx: the final status follows
      const b = (body = new UpstreamBody(c));
      b.once('close', settled);
      resolve({ status: statusCode, headers: headers as IncomingHeaders, body: b });
    },
    onResponseData(c, chunk) {
      if (body && !body.push(chunk)) c.pause();
    },
    onResponseEnd() {
      body?.push(null);
    },
    onResponseError(_c, err) {
      if (!body) {
        settled();
        reject(signal.aborted ? abortReason(signal) : mapError(err));
      } else if (!body.destroyed) {
        body.destroy(err);
      }
    },
  };
}
