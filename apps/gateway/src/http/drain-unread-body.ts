import type { IncomingMessage, ServerResponse } from 'node:http';

/** How much of an unread request body is read and discarded after an early answer (401, 413). */
export const DRAIN_LIMIT_BYTES = 1024 * 1024;
/** How long the rest of the body is waited for after an early answer. */
export const DRAIN_LIMIT_MS = 5000;

export interface DrainLimits {
  bytes: number;
  ms: number;
}

/**
 * An answer sent before the request body was read (401 before the body, 413 over the limit) must
 * reach the client: closing a connection that still has unread data makes the kernel send a
 * reset, which also discards the answer if the client has not read it yet (it sees EPIPE /
 * ECONNRESET instead of the status). So the rest of the body is read and discarded, up to
 * `limits.bytes` (a body that ends within it leaves the connection usable: its framing is
 * intact). Past that, reading stops (TCP flow control holds the client back, no reset) and the
 * gateway's side is ended after the answer (the client reads the answer, then end of stream); the
 * connection is closed when the client stops, or `limits.ms` after the answer at the latest (a
 * lingering close, as nginx's `lingering_close`).
 *
 * Call it before the answer is sent. Returns false (and does nothing) when the body was read
 * already. When it returns true, the answer must not say `connection: close` (Fastify adds it to a
 * body it gave up on): Node would close the socket right after the answer, with the client still
 * sending, which is the reset this avoids. The drain decides when to close.
 */
export function drainUnreadBody(
  req: IncomingMessage,
  res: ServerResponse,
  limits: DrainLimits = { bytes: DRAIN_LIMIT_BYTES, ms: DRAIN_LIMIT_MS },
): boolean {
  if (req.complete || req.destroyed) return false;
  const socket = req.socket;
  // The client asked to close (or speaks HTTP/1.0): Node ends such an answer with
  // socket.destroySoon(), which resets a connection whose client is still sending. On this socket
  // it only ends the gateway's side; the drain below closes the connection.
  const closing = !res.shouldKeepAlive;
  if (closing) Object.defineProperty(socket, 'destroySoon', { value: () => socket.end(), configurable: true });
  let seen = 0;
  const onData = (chunk: Buffer): void => {
    seen += chunk.length;
    if (seen <= limits.bytes) return;
    req.off('data', onData);
    req.pause();
    if (res.writableFinished) socket.end();
    else res.once('finish', () => socket.end());
  };
  const onEnd = (): void => {
    req.off('data', onData);
    // The whole body was read: a keep-alive connection goes on; a closing one closes at once.
    if (!closing) {
      clearTimeout(timer);
      socket.off('close', onClose);
    } else if (res.writableFinished) socket.destroy();
    else res.once('finish', () => socket.destroy());
  };
  const timer = setTimeout(() => socket.destroy(), limits.ms);
  timer.unref();
  const onClose = (): void => clearTimeout(timer);
  socket.once('close', onClose);
  req.on('data', onData);
  req.once('end', onEnd);
  req.resume();
  return true;
}
