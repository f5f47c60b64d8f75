/**
 * A reply body as a fixed sequence of pieces, each with the time it becomes available.
 * Pieces are rendered lazily, one at a time, when the reader asks for them.
 */
export interface MockStreamPlan {
  /** Number of pieces. */
  readonly length: number;
  /** The bytes of piece `i` (an SSE event, or a whole JSON body). */
  render(i: number): string;
  /** Milliseconds after the start at which piece `i` may be sent (non-decreasing in `i`). */
  dueAt(i: number): number;
}

/** A body sent in one piece at `dueMs` (non-streamed replies). */
export class SingleChunkPlan implements MockStreamPlan {
  readonly length = 1;
  constructor(
    private readonly body: string,
    private readonly dueMs = 0,
  ) {}
  render(): string {
    return this.body;
  }
  dueAt(): number {
    return this.dueMs;
  }
}

export const SSE_DONE = 'data: [DONE]\n\n';

/**
 * Walks a plan in order against the clock: `waitMs()` says whether the next piece is due,
 * `take()` renders it. The in-process Readable and the standalone server both pace with it.
 */
export class MockPlanPacer {
  private index = 0;
  private readonly startedAt = performance.now();
  private lastElapsed = 0;

  constructor(readonly plan: MockStreamPlan) {}

  /** Pieces taken so far. */
  get taken(): number {
    return this.index;
  }

  get done(): boolean {
    return this.index >= this.plan.length;
  }

  /** -1: no pieces left; 0: the next piece is due now; otherwise milliseconds until it is. */
  waitMs(): number {
    if (this.index >= this.plan.length) return -1;
    const due = this.plan.dueAt(this.index);
    if (due <= this.lastElapsed) return 0;
    this.lastElapsed = performance.now() - this.startedAt;
    return due <= this.lastElapsed ? 0 : due - this.lastElapsed;
  }

  /** Renders the next piece and moves past it (call only when `waitMs()` returned 0). */
  take(): string {
    return this.plan.render(this.index++);
  }
}
