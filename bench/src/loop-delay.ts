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
}

/** Node flags that load the preload into a target. */
export function loopDelayNodeFlags(): string[] {
  return ['--import', new URL('./loop-delay-preload.js', import.meta.url).href];
}

export function loopDelayProbe(proc: BenchProcess): LoopDelayProbe {
  return {
    start: () => process.kill(proc.pid, 'SIGUSR2'),
    stop: () => {
      const line = proc.waitForLine((l) => {
        try {
          return (JSON.parse(l) as { benchLoopDelay?: LoopDelay }).benchLoopDelay;
        } catch {
          return undefined;
        }
      }, 10_000);
      process.kill(proc.pid, 'SIGUSR2');
      return line;
    },
  };
}
