/** What a benchmark target is, the bench upstream every target ends at, and the direct target. */
import { fileURLToPath } from 'node:url';
import { BenchProcess, spawnPinned, type Pinning } from './processes.js';
import { CHUNKS, GAP_MS, type Pacing } from './scenarios.js';

/** The model name the upstream reports and the direct and nginx targets send. */
export const UPSTREAM_MODEL = 'bench-mock';

export interface Endpoint {
  origin: string;
  model: string;
  /** Extra request headers (a client key, issue #20). */
  headers?: Readonly<Record<string, string>>;
}

export interface Target {
  /** Column label: `direct`, `nginx`, `node-floor`, `switchyard` or `switchyard@<node version>`. */
  name: string;
  kind: 'direct' | 'switchyard' | 'nginx' | 'floor';
  /** Node version (switchyard) or nginx version. */
  version: string;
  endpoint(pacing: Pacing): Endpoint;
  /** The processes whose CPU and RSS are the proxy's (none for direct). */
  pids(): number[];
  stop(): Promise<void>;
}

export interface BenchUpstream {
  fast: string;
  paced: string;
  proc: BenchProcess;
}

/** Starts bench-upstream.js (fast and paced ports) on the load generator's core. */
export async function startUpstream(pin: Pinning): Promise<BenchUpstream> {
  const script = fileURLToPath(new URL('./bench-upstream.js', import.meta.url));
  const proc = spawnPinned('bench upstream', pin, pin.loadCore, process.execPath, [
    script,
    '--chunks',
    String(CHUNKS),
    '--gap-ms',
    String(GAP_MS),
    '--model',
    UPSTREAM_MODEL,
  ]);
  const urls = await proc.waitForLine((line) => {
    try {
      const v = JSON.parse(line) as { fast?: string; paced?: string };
      return v.fast && v.paced ? { fast: v.fast, paced: v.paced } : undefined;
    } catch {
      return undefined;
    }
  }, 10_000);
  return { ...urls, proc };
}

export function directTarget(upstream: BenchUpstream): Target {
  return {
    name: 'direct',
    kind: 'direct',
    version: process.versions.node,
    endpoint: (pacing) => ({ origin: upstream[pacing], model: UPSTREAM_MODEL }),
    pids: () => [],
    stop: async () => {},
  };
}
