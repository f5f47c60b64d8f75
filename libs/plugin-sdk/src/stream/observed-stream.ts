import { Subject, type Observable } from 'rxjs';
import { RelayReadable } from './relay-readable.js';

const EMPTY = Buffer.alloc(0);

/**
 * Rewrites a chunk on its way to the client without re-serialising it (model name, the usage
 * chunk the gateway itself asked for). Returns the chunk to send (possibly the same one, or an
 * empty buffer to drop it); an empty input flushes what the rewriter held back.
 */
export type ChunkRewriter = (chunk: Buffer) => Buffer;

/**
 * The byte path of a stream: the source's chunks go to the client as they arrive, with Node's
 * backpressure (when the client reads slowly, `push` returns false, the source is paused, and the
 * upstream read stops; the client reading again resumes it). A RelayReadable: one stream hop per
 * chunk, no Writable side. Observers get a side copy through `chunks$`: they see each chunk after
 * it was handed on and cannot slow or alter it.
 */
export class ObservedStream extends RelayReadable {
  private readonly side = new Subject<Buffer>();
  readonly chunks$: Observable<Buffer> = this.side.asObservable();
  private bytes = 0;
  /** The last four bytes sent, big-endian (for atEventBoundary). */
  private last4 = 0x0d0a0d0a;
  private finished = false;

  constructor(private readonly rewrite?: ChunkRewriter) {
    super({ highWaterMark: 16 * 1024 });
  }

  get bytesOut(): number {
    return this.bytes;
  }

  /** Whether what was sent so far ends with a complete SSE event (a blank line), or nothing was sent. */
  get atEventBoundary(): boolean {
    return (this.last4 & 0xffff) === 0x0a0a || this.last4 === 0x0d0a0d0a;
  }

  /** Takes a chunk as if the source had sent it (tests, in-process producers). */
  write(chunk: Buffer): boolean {
    this.relay(chunk);
    return this.readableLength < this.readableHighWaterMark;
  }

  /** Ends the stream after what was sent (flushing what a rewriter held). */
  end(): void {
    this.relayEnd();
  }

  protected relay(chunk: Buffer): void {
    if (this.finished) return;
    const out = this.rewrite ? this.rewrite(chunk) : chunk;
    if (out.length > 0) this.sent(out);
    if (this.side.observed) this.side.next(chunk);
  }

  protected relayEnd(): void {
    if (this.finished) return;
    if (this.rewrite) {
      const rest = this.rewrite(EMPTY);
      if (rest.length > 0) this.sent(rest);
    }
    this.close(null);
  }

  private sent(out: Buffer): void {
    this.bytes += out.length;
    const n = out.length;
    if (n >= 4) this.last4 = out.readUInt32BE(n - 4);
    else for (let i = 0; i < n; i++) this.last4 = ((this.last4 << 8) | out[i]!) >>> 0;
    this.send(out);
  }

  private close(finalEvent: string | null): void {
    this.finished = true;
    this.detach();
    if (finalEvent) this.sent(Buffer.from(finalEvent));
    this.push(null);
    this.side.complete();
  }

  /** Ends the stream with a final event (an error in the client's protocol) after what was sent; the source is detached. */
  finishWith(finalEvent: string | null): void {
    if (this.finished || this.destroyed) return;
    this.close(finalEvent);
  }

  override _destroy(err: Error | null, cb: (error: Error | null) => void): void {
    this.finished = true;
    if (!this.side.closed) this.side.complete();
    super._destroy(err, cb);
  }
}
