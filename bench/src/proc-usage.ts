/** CPU time and resident memory of processes, read from /proc (Linux). */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicks: number | undefined;

/** Clock ticks per second (`getconf CLK_TCK`, usually 100). */
export function clkTck(): number {
  if (clockTicks === undefined) {
    const out = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    clockTicks = Number.isFinite(out) && out > 0 ? out : 100;
  }
  return clockTicks;
}

/** Fields of /proc/<pid>/stat after the `(comm)` field (index 0 = state). */
function statFields(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return raw.slice(raw.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** utime + stime of one process (all its threads), in microseconds; 0 when it is gone. */
export function cpuMicros(pid: number): number {
  const f = statFields(pid);
  if (!f) return 0;
  // stat fields 14 (utime) and 15 (stime), 1-based; f[0] is field 3.
  return ((Number(f[11]) + Number(f[12])) * 1e6) / clkTck();
}

/**
 * cutime + cstime of `pid`: the CPU of its children that have exited and been reaped (waited
 * for), in microseconds. Read before and after a child's run, the difference is that child's CPU.
 */
export function childrenCpuMicros(pid: number): number {
  const f = statFields(pid);
  if (!f) return 0;
  // stat fields 16 (cutime) and 17 (cstime), 1-based.
  return ((Number(f[13]) + Number(f[14])) * 1e6) / clkTck();
}

export function totalCpuMicros(pids: readonly number[]): number {
  let sum = 0;
  for (const pid of pids) sum += cpuMicros(pid);
  return sum;
}

/** VmRSS in KiB (0 when the process is gone). */
export function rssKiB(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Direct children of `pid` (e.g. nginx's workers under its master). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (f && Number(f[1]) === pid) out.push(Number(name));
  }
  return out;
}

/** CPU time all cores spent busy since boot (user, nice, system, irq, softirq, steal), in microseconds. */
export function machineBusyMicros(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return (((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * 1e6) / clkTck();
}
