import { Readable } from 'node:stream';

/**
 * A Readable fed from another stream's `data` events rather than a Transform behind `pipe`: one
 * stream hop per chunk instead of two, and no Writable side. Node's WritableState makes its write
 * callback as `this.onwrite = (er) => …`, a function literal assigned to a property, which V8
 * allocates in the old generation; holding the stream, that dead closure kept every finished
 * Transform, and all it reached, alive through young-generation collections (issue #19: a
 * quarter of a translated stream's allocation copied, then promoted).
 *
 * It starts reading the source when its own reader first asks for data: what arrived before
 * (a stream's first event comes with the upstream's headers) then goes to the reader at once,
 * before what `relay` does besides (observers, meters) runs for it, rather than waiting in a buffer
 * while that runs (issue #19: time to first token).
 *
 * Backpressure: when the reader falls behind (`push` returns false) the source is paused, and
 * resumed when the reader asks for more. Destroying this stream detaches it from the source and
 * leaves the source as it is.
 */
export abstract class RelayReadable extends Readable {
  private source: Readable | null = null;
  private reading = false;

  /** A chunk from the source. */
  protected abstract relay(chunk: Buffer): void;
  /** The source ended. */
  protected abstract relayEnd(): void;

  private readonly onData = (chunk: Buffer): void => this.relay(chunk);
  private readonly onEnd = (): void => this.relayEnd();

  /**
   * Reads `source` from the first time this stream's reader asks for data (its end calls
   * relayEnd). Until then the source is paused, so that another `data` listener on it (an idle
   * timer's) does not set it flowing past this stream.
   */
  attach(source: Readable): this {
    this.source = source;
    if (this.reading) this.listen(source);
    else source.pause();
    return this;
  }

  private listen(source: Readable): void {
    source.on('data', this.onData);
    source.once('end', this.onEnd);
    source.resume();
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
    if (!this.reading) {
      this.reading = true;
      if (source) this.listen(source);
    } else if (source?.isPaused()) source.resume();
  }

  override _destroy(err: Error | null, cb: (error: Error | null) => void): void {
    this.detach();
    cb(err);
  }
}
