/** One admitted request in a key's sliding minute: when, and its tokens (the reservation until it settles). */
export interface WindowEntry {
  at: number;
  tokens: number;
  /** False once the entry left the window (a late settlement then changes nothing). */
  live: boolean;
}

/**
 * The admissions of the last minute, oldest first, with their count (rpm) and token sum (tpm) kept
 * as they change: admission, pruning and settlement cost O(1) amortised, however many requests the
 * minute holds (a deque over an array, compacted when half of it is gone).
 */
export class SlidingMinute {
  static readonly MS = 60_000;
  private entries: WindowEntry[] = [];
  private head = 0;
  /** Tokens of the entries in the window. */
  tokens = 0;

  get count(): number {
    return this.entries.length - this.head;
  }

  push(at: number, tokens: number): WindowEntry {
    const e: WindowEntry = { at, tokens, live: true };
    this.entries.push(e);
    this.tokens += tokens;
    return e;
  }

  /** Replaces an entry's tokens (its reservation by what it used), if it is still in the window. */
  settle(e: WindowEntry, tokens: number): void {
    if (e.live) this.tokens += tokens - e.tokens;
    e.tokens = tokens;
  }

  /** Drops the entries admitted at or before `nowMs` minus a minute. */
  prune(nowMs: number): void {
    const since = nowMs - SlidingMinute.MS;
    const list = this.entries;
    while (this.head < list.length && list[this.head]!.at <= since) {
      const e = list[this.head++]!;
      e.live = false;
      this.tokens -= e.tokens;
    }
    if (this.head > 1024 && this.head * 2 > list.length) {
      this.entries = list.slice(this.head);
      this.head = 0;
    }
  }

  /** The i-th entry from the oldest (0 = oldest). */
  at(i: number): WindowEntry | undefined {
    return this.entries[this.head + i];
  }

  newest(): WindowEntry | undefined {
    return this.entries.length > this.head ? this.entries[this.entries.length - 1] : undefined;
  }

  /** When enough of the window has left for `need` more tokens to fit under `max` (a minute from now if they never fit). */
  tokensFreeAt(max: number, need: number, nowMs: number): number {
    if (need > max) return nowMs + SlidingMinute.MS;
    let used = this.tokens;
    for (let i = this.head; i < this.entries.length; i++) {
      const e = this.entries[i]!;
      used -= e.tokens;
      if (used + need <= max) return e.at + SlidingMinute.MS;
    }
    return nowMs + SlidingMinute.MS;
  }
}
