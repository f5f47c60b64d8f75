import { measurementOf } from '../observability/exchange-measurement.js';
import type { Exchange, ExchangeObserver } from '../pipeline/exchange.js';
import { journalRecord, type CapturedBodies } from './journal-record.js';

/** Where journal lines go: a JournalWriter, or anything with the same `write`. */
export interface JournalLineSink {
  write(line: string): boolean;
  close?(): Promise<void>;
}

export interface JournalObserverOptions {
  /** Add `request_body` and `response_body` (journal `include_bodies`). */
  includeBodies?: boolean;
  /** A stream's captured text stops here (default 4 MiB); the line then says `response_body_truncated`. */
  maxStreamBodyBytes?: number;
  /** Called if building a line fails (a bug; the request is unaffected). */
  onError?: (err: unknown) => void;
}

class StreamCapture {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly max: number) {}

  add(chunk: Buffer): void {
    if (this.truncated) return;
    const room = this.max - this.size;
    if (chunk.length > room) {
      if (room > 0) this.chunks.push(chunk.subarray(0, room));
      this.size = this.max;
      this.truncated = true;
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  text(): string {
    return Buffer.concat(this.chunks, this.size).toString('utf8');
  }
}

/**
 * Writes one journal line (SPEC §5) per model request when it ends, however it ends, from the
 * measurement every observer shares. Building and serialising the line happens after the
 * response is out; the line is only queued (the writer drains it to disk asynchronously).
 */
export class JournalObserver implements ExchangeObserver {
  readonly wantsBodies: boolean;
  private readonly maxStreamBodyBytes: number;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly sink: JournalLineSink,
    private readonly options: JournalObserverOptions = {},
  ) {
    this.wantsBodies = options.includeBodies === true;
    this.maxStreamBodyBytes = options.maxStreamBodyBytes ?? 4 * 1024 * 1024;
  }

  /** Exchanges seen whose line is not written yet. */
  get inFlight(): number {
    return this.pending.size;
  }

  observe(exchange: Exchange): void {
    let capture: StreamCapture | null = null;
    if (this.wantsBodies) {
      exchange.onStream((chunks$) => {
        const c = (capture = new StreamCapture(this.maxStreamBodyBytes));
        chunks$.subscribe({ next: (chunk) => c.add(chunk), error: () => undefined });
      });
    }
    const p: Promise<void> = measurementOf(exchange)
      .then((m) => {
        let bodies: CapturedBodies | undefined;
        if (this.wantsBodies) {
          const c = capture as StreamCapture | null;
          bodies = c ? { streamText: c.text(), streamTruncated: c.truncated } : {};
        }
        this.sink.write(JSON.stringify(journalRecord(exchange, m, bodies)));
      })
      .catch((err: unknown) => this.options.onError?.(err))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /**
   * Waits (at most `timeoutMs`) for the lines of exchanges that already ended, or end meanwhile,
   * then closes the sink (which drains its queue).
   */
  async close(timeoutMs = 2000): Promise<void> {
    if (this.pending.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.pending]),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
          timer.unref();
        }),
      ]);
      clearTimeout(timer);
    }
    await this.sink.close?.();
  }
}
