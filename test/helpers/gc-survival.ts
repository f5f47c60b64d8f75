import { fileURLToPath, pathToFileURL } from 'node:url';

/** NODE_OPTIONS for a child process whose young-generation collections gcSurvival reads. */
export const TRACE_GC_NODE_OPTIONS = `--import=${pathToFileURL(fileURLToPath(new URL('./trace-gc-nvp.js', import.meta.url))).href}`;

export interface GcSurvival {
  scavenges: number;
  /** Bytes allocated in the young generation between the scavenges, summed. */
  allocated: number;
  /** Bytes that survived a scavenge (copied within the young generation, or promoted), summed. */
  survived: number;
}

/** The scavenges `--trace-gc-nvp` printed in `output` (V8's `GC: {...}` lines, `"gc":"s"`). */
export function gcSurvival(output: string): GcSurvival {
  const totals: GcSurvival = { scavenges: 0, allocated: 0, survived: 0 };
  for (const line of output.split('\n')) {
    const at = line.indexOf('GC: {');
    if (at < 0) continue;
    let gc: { gc?: string; allocated?: number; promoted?: number; new_space_survived?: number };
    try {
      gc = JSON.parse(line.slice(at + 4)) as typeof gc;
    } catch {
      continue;
    }
    if (gc.gc !== 's') continue;
    totals.scavenges++;
    totals.allocated += gc.allocated ?? 0;
    totals.survived += (gc.new_space_survived ?? 0) + (gc.promoted ?? 0);
  }
  return totals;
}
