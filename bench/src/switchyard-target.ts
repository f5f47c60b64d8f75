/** Switchyard as a benchmark target: a generated config with one virtual model per upstream port. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodeBinary } from './node-binary.js';
import { childPids } from './proc-usage.js';
import { freePort, spawnPinned, waitForHttp, type Pinning } from './processes.js';
import { UPSTREAM_MODEL, type BenchUpstream, type Target } from './targets.js';
import { benchPricing, GOVERNED_KEY_HEADERS, governedKeyEntry } from './governed-key.js';

/** The virtual model of each upstream port (same profile on both). */
const VIRTUAL_MODEL = { fast: 'bench', paced: 'bench-paced' } as const;

const GATEWAY_MAIN = fileURLToPath(new URL('../../apps/gateway/dist/main.js', import.meta.url));

/** What varies between Switchyard targets (issue #18): workers, and a backend limit held in-process or in Redis. */
export interface ScaleSettings {
  workers?: number;
  /** max_concurrency (high enough never to queue) on both backends; with `redisUrl`, shared through Redis. */
  limit?: 'local' | 'redis';
  redisUrl?: string;
  /** Issue #20: requests carry a client key with every limit on. */
  keys?: 'limited';
}

export function switchyardConfig(upstream: BenchUpstream, port: number, metricsPort: number, scale: ScaleSettings = {}): object {
  const profile = { real_model: UPSTREAM_MODEL, defaults: { temperature: 0.2, max_tokens: 64 }, clamp: { top_p: 0.9 } };
  const limit = scale.limit ? { max_concurrency: 100_000 } : {};
  return {
    server: { host: '127.0.0.1', port, workers: scale.workers ?? 1, ...(scale.keys ? { api_keys: [governedKeyEntry()] } : {}) },
    logging: { level: 'warn' },
    journal: { enabled: false },
    telemetry: { prometheus: { enabled: true, host: '127.0.0.1', port: metricsPort } },
    ...(scale.limit === 'redis' ? { state: { redis: { url: scale.redisUrl, key_prefix: `bench-${port}:` } } } : {}),
    backends: [
      { id: 'bench-fast', type: 'openai', base_url: upstream.fast, models: [UPSTREAM_MODEL], ...limit },
      { id: 'bench-paced', type: 'openai', base_url: upstream.paced, models: [UPSTREAM_MODEL], ...limit },
    ],
    routes: [
      { virtual_model: VIRTUAL_MODEL.fast, backend: 'bench-fast', ...profile },
      { virtual_model: VIRTUAL_MODEL.paced, backend: 'bench-paced', ...profile },
    ],
    ...(scale.keys ? { pricing: benchPricing(UPSTREAM_MODEL) } : {}),
  };
}

export interface SwitchyardOptions {
  node: NodeBinary;
  /** Label suffix: true → `switchyard@<version>`. */
  labelVersion: boolean;
  workDir: string;
  /** Directory for `--cpu-prof` output, or undefined. */
  cpuProfDir?: string;
  scale?: ScaleSettings;
  /** More processes whose CPU counts as the target's (the bench's redis-server). */
  extraPids?: () => number[];
}

/** `switchyard`, `switchyard w=2`, `switchyard limit=redis`, … */
function targetName(base: string, scale: ScaleSettings = {}): string {
  return (
    base +
    ((scale.workers ?? 1) > 1 ? ` w=${scale.workers}` : '') +
    (scale.limit ? ` limit=${scale.limit}` : '') +
    (scale.keys ? ` keys=${scale.keys}` : '')
  );
}

export async function startSwitchyard(upstream: BenchUpstream, pin: Pinning, opts: SwitchyardOptions): Promise<Target> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const configFile = join(opts.workDir, `switchyard-node${opts.node.version}-${port}.json`);
  writeFileSync(configFile, JSON.stringify(switchyardConfig(upstream, port, metricsPort, opts.scale), null, 2) + '\n');
  const nodeFlags: string[] = [];
  if (opts.cpuProfDir) {
    mkdirSync(opts.cpuProfDir, { recursive: true });
    nodeFlags.push('--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir, '--cpu-prof-name', `switchyard-node${opts.node.version}.cpuprofile`);
  }
  const args = [
    ...nodeFlags,
    GATEWAY_MAIN,
    '--config',
    configFile,
    '--listen',
    `127.0.0.1:${port}`,
    '--metrics-listen',
    `127.0.0.1:${metricsPort}`,
  ];
  const name = targetName(opts.labelVersion ? `switchyard@${opts.node.version}` : 'switchyard', opts.scale);
  // Several workers want several cores: unpinned, they share them with the load generator.
  const workers = opts.scale?.workers ?? 1;
  const proc = spawnPinned(name, workers > 1 ? { ...pin, enabled: false } : pin, pin.proxyCore, opts.node.path, args);
  await waitForHttp(`http://127.0.0.1:${port}/readyz`, 40_000, proc);
  const origin = `http://127.0.0.1:${port}`;
  return {
    name,
    kind: 'switchyard',
    version: opts.node.version,
    endpoint: (pacing) => ({ origin, model: VIRTUAL_MODEL[pacing], ...(opts.scale?.keys ? { headers: GOVERNED_KEY_HEADERS } : {}) }),
    // The primary and its workers (none with one worker), plus e.g. the redis-server behind the limit.
    pids: () => [proc.pid, ...(workers > 1 ? childPids(proc.pid) : []), ...(opts.extraPids?.() ?? [])],
    stop: () => proc.stop(10_000),
  };
}
