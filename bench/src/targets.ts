/** What a benchmark target is, the bench upstream every target ends at, and the direct target. */
import { fileURLToPath } from 'node:url';
import { BenchProcess, spawnPinned, type Pinning } from './processes.js';
import type { LoopDelayProbe } from './loop-delay.js';
import { BURST_GAP_MS, CHUNKS, GAP_MS, type ClientProtocol, type Pacing } from './scenarios.js';

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
  kind: 'direct' | 'switchyard' | 'nginx' | 'floor' | 'fastify' | 'ccr';
  /** The client protocols it serves (undefined: all of them). */
  clients?: readonly ClientProtocol[];
  /** Node version (switchyard) or nginx version. */
  version: string;
  /** Where a scenario with this pacing goes; undefined when the target does not serve it. */
  endpoint(pacing: Pacing): Endpoint | undefined;
  /** The processes whose CPU and RSS are the proxy's (none for direct). */
  pids(): number[];
  /** The proxy's event-loop delay over a measured phase (Node targets). */
  loopDelay?: LoopDelayProbe;
  /** Checks after the preflight that the target runs as documented (e.g. Switchyard's journal and metrics are on). */
  verify?(): Promise<void>;
  stop(): Promise<void>;
  /** Requests the target has counted so far (Switchyard: the sum of `switchyard_requests_total`), to check that a load generator's requests reach it. */
  requestsCounted?(): Promise<number>;
}

export type BenchUpstream = Record<Pacing, string> & { proc: BenchProcess };

/** Starts bench-upstream.js (one port per pacing) on the load generator's core. */
export async function startUpstream(pin: Pinning): Promise<BenchUpstream> {
  const script = fileURLToPath(new URL('./bench-upstream.js', import.meta.url));
  const proc = spawnPinned('bench upstream', pin, pin.loadCore, process.execPath, [
    script,
    '--chunks',
    String(CHUNKS),
    '--gap-ms',
    String(GAP_MS),
    '--burst-gap-ms',
    String(BURST_GAP_MS),
    '--model',
    UPSTREAM_MODEL,
  ]);
  const urls = await proc.waitForLine((line) => {
    try {
      const v = JSON.parse(line) as Partial<Record<Pacing, string>>;
      return v.fast && v.paced && v.burst && v.anthropic
        ? { fast: v.fast, paced: v.paced, burst: v.burst, anthropic: v.anthropic }
        : undefined;
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
