import type { Readable } from 'node:stream';
import type { GatewayReply } from '@switchyard/kernel';

/**
 * Interleaved CPU rounds for the in-process benchmarks (measure-pipeline-cpu.ts,
 * measure-stream-lanes.ts): several subjects measured in alternating order, round after round, so
 * that a busy machine, JIT warm-up and GC slow them alike; the median and the minimum of the rounds.
 */

/** `median <x> min <y>` of a list of per-round figures. */
export function summary(xs: number[], digits = 1): string {
  const sorted = [...xs].sort((a, b) => a - b);
  return `median ${median(sorted).toFixed(digits)} min ${sorted[0]!.toFixed(digits)}`;
}

/** The median of `xs` (the upper one of an even count). */
export function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * `rounds` rounds of `measure(i)` for each subject index, in alternating order (forwards on even
 * rounds, backwards on odd ones, so neither always runs on a warmer or a busier machine); the
 * figures per subject, in round order.
 */
export async function interleavedRounds(subjects: number, rounds: number, measure: (i: number) => Promise<number>): Promise<number[][]> {
  const results = Array.from({ length: subjects }, (): number[] => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < subjects; k++) {
      const i = r % 2 === 0 ? k : subjects - 1 - k;
      results[i]!.push(await measure(i));
    }
  }
  return results;
}

/** Reads a pipeline reply to its end (a stream's every chunk). */
export async function drain(r: GatewayReply): Promise<void> {
  if (Buffer.isBuffer(r.body) || typeof r.body === 'string') return;
  for await (const _ of r.body as Readable);
}
