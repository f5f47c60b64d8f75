/**
 * Loaded into the gateway with `--import` by measure-stream-memory.ts (never by the gateway
 * itself): on SIGWINCH it prints one line `{"benchMemory":{"live":…,"collected":…}}` on stdout:
 * process.memoryUsage(), VmRSS and the V8 heap spaces' sizes (bytes) as they are, then the same
 * after a full garbage collection (when `--expose-gc` is on). Heap snapshots come from Node's own
 * `--heapsnapshot-signal`.
 */
import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

export interface MemoryReading extends NodeJS.MemoryUsage {
  vmRss: number;
  /** Each V8 heap space's size (committed) and used bytes, by name (new_space, old_space, code_space, …). */
  spaces: Record<string, { size: number; used: number }>;
}

function reading(): MemoryReading {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  const spaces: MemoryReading['spaces'] = {};
  for (const s of getHeapSpaceStatistics()) spaces[s.space_name] = { size: s.space_size, used: s.space_used_size };
  return { ...process.memoryUsage(), vmRss: m ? Number(m[1]) * 1024 : 0, spaces };
}

process.on('SIGWINCH', () => {
  const live = reading();
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
  process.stdout.write(JSON.stringify({ benchMemory: { live, collected: reading() } }) + '\n');
});
