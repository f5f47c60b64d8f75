import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * CPUs a cgroup quota allows, from cgroup v2's `cpu.max` ("200000 100000" → 2; "max 100000" →
 * null, no quota). A fractional quota rounds down (1.5 CPUs → 1 worker), at least 1.
 */
export function cpusFromCpuMax(text: string): number | null {
  const [quota, period] = text.trim().split(/\s+/);
  if (quota === undefined || quota === 'max') return null;
  const q = Number(quota);
  const p = Number(period ?? 100000);
  if (!Number.isFinite(q) || !Number.isFinite(p) || q <= 0 || p <= 0) return null;
  return Math.max(1, Math.floor(q / p));
}

export interface CpuSources {
  /** Reads a file, or throws (default readFileSync as text). */
  readFile?: (path: string) => string;
  /** CPUs the process may run on (default os.availableParallelism). */
  cores?: () => number;
}

/** CPUs a cgroup v1 quota allows (`cpu.cfs_quota_us`, -1 = none, over `cpu.cfs_period_us`). */
function cpusFromCfs(read: (path: string) => string): number | null {
  try {
    const quota = Number(read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us').trim());
    const period = Number(read('/sys/fs/cgroup/cpu/cpu.cfs_period_us').trim());
    return quota > 0 && period > 0 ? Math.max(1, Math.floor(quota / period)) : null;
  } catch {
    return null;
  }
}

/**
 * The cores this process may use: the CPUs it is allowed to run on, capped by a cgroup CPU quota
 * (`/sys/fs/cgroup/cpu.max`, cgroup v2, as in a Kubernetes pod with a CPU limit; or cgroup v1's
 * cpu.cfs_quota_us). `server.workers: auto` starts this many.
 */
export function availableCores(sources: CpuSources = {}): number {
  const read = sources.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const cores = Math.max(1, (sources.cores ?? availableParallelism)());
  let quota: number | null;
  try {
    quota = cpusFromCpuMax(read('/sys/fs/cgroup/cpu.max'));
  } catch {
    quota = cpusFromCfs(read);
  }
  return quota === null ? cores : Math.min(cores, quota);
}

/** `server.workers` as a number of processes. */
export function workerCount(setting: number | 'auto', sources: CpuSources = {}): number {
  return setting === 'auto' ? availableCores(sources) : setting;
}
