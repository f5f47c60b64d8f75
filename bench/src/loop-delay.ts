/** The bench's side of loop-delay-preload.ts: start and read a Node target's event-loop delay. */
import type { BenchProcess } from './processes.js';

export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  samples: number;
}

export interface LoopDelayProbe {
  start(): void;
  /** Stops the measurement and resolves with it (milliseconds). */
  stop(): Promise<LoopDelay>;
  /** The process's garbage-collection totals so far (the longest pause: since the previous call). */
  gc(): Promise<GcTotals>;
}

/** Garbage collection in a Node target: scavenges (minor) and mark-compacts (major, incl. incremental). */
export interface GcTotals {
  /** `youngBytes`: the young generation's contents when scavenges began; `survivedBytes`: what they kept (copied or promoted). */
  minor: { count: number; ms: number; youngBytes?: number; survivedBytes?: number };
  major: { count: number; ms: number };
  maxMs: number;
}

/** The collections between two totals, and the longest pause in between. */
export function gcBetween(before: GcTotals, after: GcTotals): GcTotals {
  return {
    minor: {
      count: after.minor.count - before.minor.count,
      ms: after.minor.ms - before.minor.ms,
      youngBytes: (after.minor.youngBytes ?? 0) - (before.minor.youngBytes ?? 0),
      survivedBytes: (after.minor.survivedBytes ?? 0) - (before.minor.survivedBytes ?? 0),
    },
    major: { count: after.major.count - before.major.count, ms: after.major.ms - before.major.ms },
    maxMs: after.maxMs,
  };
}

/** Node flags that load the preload into a target. */
export function loopDelayNodeFlags(): string[] {
  return ['--import', new URL('./loop-delay-preload.js', import.meta.url).href];
}

export function loopDelayProbe(proc: BenchProcess): LoopDelayProbe {
  return {
    start: () => process.kill(proc.pid, 'SIGUSR2'),
    stop: () => proc.report<LoopDelay>('SIGUSR2', 'benchLoopDelay', 10_000),
    gc: () => proc.report<GcTotals>('SIGWINCH', 'benchGc', 10_000),
  };
}
