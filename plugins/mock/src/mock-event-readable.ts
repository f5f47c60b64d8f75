import { Readable } from 'node:stream';
import { MockPlanPacer, type MockStreamPlan } from './mock-stream-plan.js';

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new DOMException('This operation was aborted', 'AbortError');
}

/**
 * A byte stream that renders a plan's pieces only when the reader asks for them (`_read`),
 * each no earlier than its due time, one piece per chunk. With no delays it fills at most up
 * to the high-water mark and then waits for the reader: memory stays bounded however slowly
 * the consumer reads. When `signal` aborts, the pending timer is cleared and the stream is
 * destroyed with the abort reason (as undici does to a response body), so nothing stays
 * scheduled.
 */
export class MockEventReadable extends Readable {
  private readonly pacer: MockPlanPacer;
  private timer: NodeJS.Timeout | undefined;
  private ended = false;
  private readonly onAbort: (() => void) | undefined;

  constructor(
    plan: MockStreamPlan,
    private readonly signal?: AbortSignal,
    highWaterMark?: number,
  ) {
    super(highWaterMark === undefined ? undefined : { highWaterMark });
    this.pacer = new MockPlanPacer(plan);
    if (signal) {
      // A local first: a function literal assigned straight to a property is allocated in the old generation by V8.
      const onAbort = (): void => void this.destroy(abortError(signal));
      this.onAbort = onAbort;
      if (signal.aborted) process.nextTick(onAbort);
      else signal.addEventListener('abort', onAbort, { once: true });
    }
  }

  /** Pieces handed to the stream so far. */
  get produced(): number {
    return this.pacer.taken;
  }

  override _read(): void {
    this.pump();
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    if (!this.destroyed) this.pump();
  };

  private pump(): void {
    const pacer = this.pacer;
    for (;;) {
      // A 'data' listener may have destroyed the stream (abort) inside push().
      if (this.destroyed) return;
      const wait = pacer.waitMs();
      if (wait < 0) break;
      if (wait > 0) {
        this.timer ??= setTimeout(this.onTimer, wait);
        return;
      }
      if (!this.push(pacer.take())) return;
    }
    if (!this.ended) {
      this.ended = true;
      this.push(null);
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.signal && this.onAbort) this.signal.removeEventListener('abort', this.onAbort);
    callback(error);
  }
}
