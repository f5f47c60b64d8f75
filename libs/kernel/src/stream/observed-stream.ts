import { Transform, type TransformCallback } from 'node:stream';
import { Subject, type Observable } from 'rxjs';

/**
 * Rewrites a chunk on its way to the client without re-serialising it (model name, the usage
 * chunk the gateway itself asked for). Returns the chunk to send (possibly the same one, or an
 * empty buffer to drop it).
 */
const EMPTY = Buffer.alloc(0);

export type ChunkRewriter = (chunk: Buffer) => Buffer;

/**
 * The byte path of a passthrough stream: upstream bytes go to the client as they arrive, with
 * Node's backpressure (when the client reads slowly, writes to this stream stop being accepted,
 * `pipe` pauses the upstream body, and the upstream read stops). Observers get a side copy
 * through `chunks$`: they see each chunk after it was handed on and cannot slow or alter it.
 */
export class ObservedStream extends Transform {
  private readonly side = new Subject<Buffer>();
  readonly chunks$: Observable<Buffer> = this.side.asObservable();
  private bytes = 0;
  /** The last four bytes sent, big-endian (for atEventBoundary). */
  private last4 = 0x0d0a0d0a;

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

  private sent(out: Buffer): void {
    this.bytes += out.length;
    for (let i = Math.max(0, out.length - 4); i < out.length; i++) this.last4 = ((this.last4 << 8) | out[i]!) >>> 0;
    this.push(out);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const out = this.rewrite ? this.rewrite(chunk) : chunk;
    if (out.length > 0) this.sent(out);
    done();
    if (this.side.observed) this.side.next(chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.rewrite) {
      const rest = this.rewrite(EMPTY);
      if (rest.length > 0) this.sent(rest);
    }
    done();
    this.side.complete();
  }

  /** Ends the stream with a final event (an error in the client's protocol) after what was sent. */
  finishWith(finalEvent: string | null): void {
    if (this.writableEnded || this.destroyed) return;
    if (finalEvent) this.end(Buffer.from(finalEvent));
    else this.end();
  }

  override _destroy(err: Error | null, cb: (error: Error | null) => void): void {
    if (!this.side.closed) this.side.complete();
    cb(err);
  }
}
