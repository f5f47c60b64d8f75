import type { Readable } from 'node:stream';

/**
 * Destroys `body` with `error()` when it has delivered no data for `ms` while its reader was
 * ready for more: the kernel's own idle limit on whatever body a plugin's adapter returned (an
 * HTTP body already has the upstream client's, a plugin's hand-made stream has none). Time spent
 * paused by a slow reader (backpressure) never counts. Call it right after the reader attached its
 * 'data' listener (this one must not start the flow before the reader is there).
 */
export function destroyWhenIdle(body: Readable, ms: number, error: () => Error): void {
  if (!(ms > 0) || !Number.isFinite(ms) || body.destroyed || body.readableEnded) return;
  const timer = setTimeout(() => {
    if (body.destroyed || body.readableEnded) return;
    if (body.isPaused()) timer.refresh();
    else body.destroy(error());
  }, ms);
  timer.unref();
  const touch = (): void => void timer.refresh();
  const stop = (): void => {
    clearTimeout(timer);
    body.off('data', touch);
  };
  body.on('data', touch);
  body.once('end', stop);
  body.once('close', stop);
}
