import { closeSync, createWriteStream, fstatSync, mkdirSync, openSync } from 'node:fs';
import { lstat, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

/** Why lines were dropped (the `reason` attribute of `switchyard.journal.dropped`). */
export type JournalDropReason = 'queue_full' | 'write_error' | 'shutdown';

export interface JournalWriterOptions {
  /** The journal file, or "-" for stdout. */
  path: string;
  /** Rotate when the file would grow past this many bytes (0: by day only). */
  maxSizeBytes?: number;
  /** Lines held in memory while the writer catches up; more are dropped (default 10,000). */
  maxQueueLines?: number;
  /** Characters held in memory likewise (default 64 Mi; bodies make lines large). */
  maxQueueBytes?: number;
  /** Bytes written per batch at most (default 1 MiB). */
  maxBatchBytes?: number;
  /** The clock for daily rotation, ms since the epoch (default Date.now). Days are UTC. */
  now?: () => number;
  /** Called when lines are dropped (the gateway counts them in `switchyard.journal.dropped`). */
  onDrop?: (count: number, reason: JournalDropReason) => void;
  /** Called when a write, rename or reopen fails (the gateway logs it). */
  onError?: (err: Error, what: string) => void;
  /** Where "-" writes (default process.stdout). */
  stdout?: Writable;
  /** Opens the file's stream (default: an appending fs.WriteStream); tests inject a slow or stalled one. */
  openSink?: (file: string) => Writable;
  /** How long `close()` waits for the queue to drain before dropping the rest (default 5 s). */
  closeTimeoutMs?: number;
  /** After a write error or a failed reopen, how long before the next attempt; lines meanwhile are dropped (default 1 s). */
  retryDelayMs?: number;
  /**
   * At most one write per this many ms (default 50): a line after a quiet spell goes out at once,
   * lines that come faster wait for the next write and go out together. One asynchronous write
   * costs about the same whether it carries one line or two hundred: the syscall plus waking a
   * thread-pool thread and the event loop, 150–300 µs of CPU on a small VM (issue #19); 0 = write
   * every line as soon as it can.
   */
  minWriteIntervalMs?: number;
}

/** The day (UTC, YYYY-MM-DD) of a time in ms. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `requests.jsonl` rotated on `day`, the `n`th time that day: requests-2026-11-22.jsonl, requests-2026-11-22.1.jsonl, … */
export function rotatedJournalName(file: string, day: string, n = 0): string {
  const ext = path.extname(file);
  const base = ext ? file.slice(0, -ext.length) : file;
  return `${base}-${day}${n > 0 ? `.${n}` : ''}${ext}`;
}

/** A short reason for a failed mkdir / open, for the start-up error. */
export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${e.path ?? 'the file or its directory'})`;
    case 'EEXIST':
    case 'ENOTDIR':
      return `a parent of it is not a directory (${e.path ?? ''})`;
    case 'EISDIR':
      return 'it is a directory';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return e.code ? `${e.code}: ${e.message.replace(/^\w+: /, '')}` : String(e.message ?? err);
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch {
    return false;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<{ ok: true; value: T } | { ok: false }> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false }), ms);
    timer.unref?.();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve({ ok: true, value });
      },
      () => {
        clearTimeout(timer);
        resolve({ ok: true, value: undefined as T });
      },
    );
  });
}

/**
 * The journal's file writer, off the request path: `write` only queues a line (bounded: when
 * the queue is full, for instance because the disk stalls, the line is dropped and counted, and
 * the request never waits); an async loop drains the queue in batches to the file (or stdout),
 * rotating it daily (UTC) and past `maxSizeBytes`: the current file is renamed
 * `<name>-YYYY-MM-DD<ext>` (then `.1`, `.2`, … for more rotations that day) and a new one opened.
 * `close()` drains what is queued, within a time limit, and closes the file.
 */
export class JournalWriter {
  readonly path: string;
  readonly toStdout: boolean;
  private readonly maxSizeBytes: number;
  private readonly maxQueueLines: number;
  private readonly maxQueueBytes: number;
  private readonly maxBatchBytes: number;
  private readonly now: () => number;
  private readonly closeTimeoutMs: number;
  private readonly retryDelayMs: number;
  private readonly minWriteIntervalMs: number;
  /** When the last batch was handed to the sink (performance.now()). */
  private lastWriteAt = -Infinity;
  private queue: string[] = [];
  private queuedChars = 0;
  private inFlight = 0;
  private sink: Writable | null = null;
  private fileDay = '';
  private fileSize = 0;
  private rotatable = true;
  private draining = false;
  private closed = false;
  private closing: Promise<void> | null = null;
  private broken = false;
  private retryAt = 0;
  private idleWaiters: Array<() => void> = [];
  private written = 0;
  private dropped = 0;
  private rotations = 0;

  constructor(private readonly options: JournalWriterOptions) {
    this.toStdout = options.path === '-';
    this.path = this.toStdout ? '-' : path.resolve(options.path);
    this.maxSizeBytes = Math.max(0, options.maxSizeBytes ?? 0);
    this.maxQueueLines = Math.max(1, options.maxQueueLines ?? 10_000);
    this.maxQueueBytes = Math.max(1, options.maxQueueBytes ?? 64 * 1024 * 1024);
    this.maxBatchBytes = Math.max(1, options.maxBatchBytes ?? 1024 * 1024);
    this.now = options.now ?? Date.now;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 5000;
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    this.minWriteIntervalMs = Math.max(0, options.minWriteIntervalMs ?? 50);
  }

  /** Lines written so far. */
  get linesWritten(): number {
    return this.written;
  }

  /** Lines dropped so far (queue full, write errors, shutdown). */
  get linesDropped(): number {
    return this.dropped;
  }

  /** Lines waiting in the queue (not counting a batch being written). */
  get queued(): number {
    return this.queue.length;
  }

  /** Rotations done so far. */
  get rotationCount(): number {
    return this.rotations;
  }

  /**
   * Opens the file (creating its directory), synchronously, so that a path that cannot be
   * written fails at start-up. Throws an Error naming the path and the cause.
   */
  open(): void {
    if (this.sink) return;
    if (this.toStdout) {
      this.attach(this.options.stdout ?? process.stdout);
      return;
    }
    try {
      this.openFile();
    } catch (err) {
      throw new Error(`cannot write the journal file ${this.path}: ${describeFsError(err)}`, { cause: err });
    }
  }

  /** Queues one line (JSON text without its newline). Never blocks; false when the line was dropped. */
  write(line: string): boolean {
    if (this.closed) {
      this.drop(1, 'shutdown');
      return false;
    }
    if (this.broken && this.retryAt > Date.now()) {
      this.drop(1, 'write_error');
      return false;
    }
    const size = line.length + 1;
    if (this.queue.length >= this.maxQueueLines || (this.queue.length > 0 && this.queuedChars + size > this.maxQueueBytes)) {
      this.drop(1, 'queue_full');
      return false;
    }
    this.queue.push(line);
    this.queuedChars += size;
    this.schedule();
    return true;
  }

  /** Resolves once everything queued so far has been written (or dropped). */
  flush(): Promise<void> {
    if (!this.draining && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops taking lines, writes what is queued (waiting at most `closeTimeoutMs`; what is left
   * then is dropped and counted) and closes the file. Stdout is flushed, not closed.
   */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    this.closed = true;
    const flushed = await withTimeout(this.flush(), this.closeTimeoutMs);
    if (!flushed.ok) {
      const left = this.queue.length + this.inFlight;
      this.queue = [];
      this.queuedChars = 0;
      this.inFlight = 0;
      if (left > 0) this.drop(left, 'shutdown');
    }
    const sink = this.sink;
    this.sink = null;
    if (!sink || this.toStdout) return;
    this.detach(sink);
    if (flushed.ok) await withTimeout(this.endSink(sink), this.closeTimeoutMs);
    else sink.destroy();
  }

  private drop(count: number, reason: JournalDropReason): void {
    this.dropped += count;
    this.options.onDrop?.(count, reason);
  }

  private report(err: unknown, what: string): void {
    this.options.onError?.(err instanceof Error ? err : new Error(String(err)), what);
  }

  private readonly onSinkError = (err: Error): void => {
    if (this.broken) return;
    this.report(err, 'write');
    this.broken = true;
    this.retryAt = Date.now() + this.retryDelayMs;
  };

  private attach(sink: Writable): void {
    this.sink = sink;
    sink.on('error', this.onSinkError);
  }

  /** A sink being let go: late errors (a write that failed after all) must not crash the process. */
  private detach(sink: Writable): void {
    sink.off('error', this.onSinkError);
    sink.on('error', () => undefined);
  }

  private openFile(): void {
    mkdirSync(path.dirname(this.path), { recursive: true });
    const fd = openSync(this.path, 'a');
    try {
      const st = fstatSync(fd);
      // A device (/dev/stdout) or a pipe is written as it is, never rotated.
      this.rotatable = st.isFile();
      this.fileSize = st.size;
      this.fileDay = utcDay(st.size > 0 ? st.mtimeMs : this.now());
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    if (this.options.openSink) {
      closeSync(fd);
      this.attach(this.options.openSink(this.path));
    } else {
      this.attach(createWriteStream(this.path, { fd, flags: 'a' }));
    }
  }

  private async endSink(sink: Writable): Promise<void> {
    sink.end();
    await finished(sink).catch(() => undefined);
  }

  private schedule(): void {
    if (this.draining) return;
    this.draining = true;
    const wait = this.untilNextWrite();
    if (wait > 0) setTimeout(() => void this.drain(), wait);
    else setImmediate(() => void this.drain());
  }

  /** Milliseconds until the next batch may be written (0 when closing: close() should not wait). */
  private untilNextWrite(): number {
    if (this.closed) return 0;
    return this.lastWriteAt + this.minWriteIntervalMs - performance.now();
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        if (this.broken && !this.reopen()) {
          const n = this.queue.length;
          this.queue = [];
          this.queuedChars = 0;
          this.drop(n, 'write_error');
          break;
        }
        const wait = this.untilNextWrite();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (this.queue.length === 0) break;
        const lines = this.takeBatch(this.batchLimit());
        this.inFlight = lines.length;
        const text = lines.join('\n') + '\n';
        const bytes = Buffer.byteLength(text);
        if (!this.toStdout && this.rotatable) await this.rotateIfNeeded(bytes);
        this.lastWriteAt = performance.now();
        const err = this.sink ? await this.writeTo(this.sink, text) : new Error('the journal is not open');
        if (this.inFlight === 0) break; // close() gave up on this batch and counted it
        this.inFlight = 0;
        if (err) {
          this.onSinkError(err);
          this.drop(lines.length, 'write_error');
        } else {
          this.fileSize += bytes;
          this.written += lines.length;
        }
      }
    } catch (err) {
      // Not expected (writes report through their callback): drop rather than loop.
      this.report(err, 'drain');
      const n = this.queue.length + this.inFlight;
      this.queue = [];
      this.queuedChars = 0;
      this.inFlight = 0;
      if (n > 0) this.drop(n, 'write_error');
    } finally {
      this.draining = false;
      this.wakeIdle();
    }
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** A batch fills at most the room left in the file before a size rotation (one line at least). */
  private batchLimit(): number {
    if (this.toStdout || !this.rotatable || this.maxSizeBytes === 0) return this.maxBatchBytes;
    return Math.min(this.maxBatchBytes, Math.max(1, this.maxSizeBytes - this.fileSize));
  }

  private takeBatch(limit: number): string[] {
    let n = 0;
    let size = 0;
    while (n < this.queue.length && (n === 0 || size + this.queue[n]!.length + 1 <= limit)) {
      size += this.queue[n]!.length + 1;
      n++;
    }
    const lines = this.queue.splice(0, n);
    this.queuedChars -= size;
    return lines;
  }

  private writeTo(sink: Writable, text: string): Promise<Error | null> {
    return new Promise((resolve) => {
      try {
        sink.write(text, (err) => resolve(err ?? null));
      } catch (err) {
        resolve(err as Error);
      }
    });
  }

  /** After a write error: open the file again (stdout: try again), at most once per retry delay. */
  private reopen(): boolean {
    if (this.retryAt > Date.now()) return false;
    if (this.toStdout) {
      if (!this.sink) this.attach(this.options.stdout ?? process.stdout);
      this.broken = false;
      return true;
    }
    const old = this.sink;
    this.sink = null;
    if (old) {
      this.detach(old);
      old.destroy();
    }
    try {
      this.openFile();
      this.broken = false;
      this.retryAt = 0;
      return true;
    } catch (err) {
      this.report(err, 'reopen');
      this.retryAt = Date.now() + this.retryDelayMs;
      return false;
    }
  }

  private async rotateIfNeeded(incoming: number): Promise<void> {
    const today = utcDay(this.now());
    if (this.fileSize === 0) {
      this.fileDay = today;
      return;
    }
    const newDay = today !== this.fileDay;
    const tooBig = this.maxSizeBytes > 0 && this.fileSize + incoming > this.maxSizeBytes;
    if (newDay || tooBig) await this.rotate();
  }

  private async rotate(): Promise<void> {
    const old = this.sink;
    this.sink = null;
    if (old) {
      this.detach(old);
      await this.endSink(old);
    }
    try {
      let n = 0;
      while (await exists(rotatedJournalName(this.path, this.fileDay, n))) n++;
      await rename(this.path, rotatedJournalName(this.path, this.fileDay, n));
      this.rotations++;
    } catch (err) {
      this.report(err, 'rotate'); // keep appending to the same file
    }
    try {
      this.openFile();
    } catch (err) {
      this.report(err, 'reopen');
      this.broken = true;
    }
  }
}
