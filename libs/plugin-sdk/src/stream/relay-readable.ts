import { Readable } from 'node:stream';

/**
 * A Readable fed from another stream's `data` events rather than a Transform behind `pipe`: one
 * stream hop per chunk instead of two, and no Writable side. Node's WritableState makes its write
 * callback as `this.onwrite = (er) => …`, a function literal assigned to a property, which V8
 * allocates in the old generation; holding the stream, that dead closure kept every finished
 * Transform, and all it reached, alive through young-generation collections (issue #19: a
 * quarter of a translated stream's allocation copied, then promoted).
 *
 * Backpressure: when the reader falls behind (`push` returns false) the source is paused, and
 * resumed when the reader asks for more. Destroying this stream detaches it from the source and
 * leaves the source as it is.
 */
export abstract class RelayReadable extends Readable {
  private source: Readable | null = null;

  /** A chunk from the source. */
  protected abstract relay(chunk: Buffer): void;
  /** The source ended. */
  protected abstract relayEnd(): void;

  private readonly onData = (chunk: Buffer): void => this.relay(chunk);
  private readonly onEnd = (): void => this.relayEnd();

  /** Starts reading `source` (its end calls relayEnd). */
  attach(source: Readable): this {
    this.source = source;
    source.on('data', this.onData);
    source.once('end', this.onEnd);
    return this;
  }

  /** Stops reading the source (which is left as it is). */
  detach(): void {
    const source = this.source;
    if (!source) return;
    this.source = null;
    source.off('data', this.onData);
    source.off('end', this.onEnd);
  }

  /** Hands `chunk` to the reader; pauses the source while the reader is behind. */
  protected send(chunk: Buffer): void {
    if (!this.push(chunk)) this.source?.pause();
  }

  override _read(): void {
    const source = this.source;
    if (source?.isPaused()) source.resume();
  }

  override _destroy(err: Error | null, cb: (error: Error | null) => void): void {
    this.detach();
    cb(err);
  }
}
