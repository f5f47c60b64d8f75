/** Switchyard as a benchmark target: a generated config with one virtual model per upstream port. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loopDelayNodeFlags, loopDelayProbe } from './loop-delay.js';
import type { NodeBinary } from './node-binary.js';
import { childPids } from './proc-usage.js';
import { freePort, spawnPinned, waitForHttp, type Pinning } from './processes.js';
import { UPSTREAM_MODEL, type BenchUpstream, type Target } from './targets.js';
import { benchPricing, GOVERNED_KEY_HEADERS, governedKeyEntry } from './governed-key.js';

/** The virtual model of each upstream port (same profile on all). */
const VIRTUAL_MODEL = { fast: 'bench', paced: 'bench-paced', burst: 'bench-burst', anthropic: 'bench-to-anthropic' } as const;

const GATEWAY_MAIN = fileURLToPath(new URL('../../apps/gateway/dist/main.js', import.meta.url));

/** What varies between Switchyard targets (issue #18): workers, and a backend limit held in-process or in Redis. */
export interface ScaleSettings {
  workers?: number;
  /** max_concurrency (high enough never to queue) on both backends; with `redisUrl`, shared through Redis. */
  limit?: 'local' | 'redis';
  redisUrl?: string;
  /** Issue #20: requests carry a client key with every limit on. */
  keys?: 'limited';
  /** V8's young generation: `--max-semi-space-size` in MB (undefined: Node's default). */
  youngMb?: number;
}

/**
 * The gateway's configuration: a virtual model with a profile per upstream port, Prometheus
 * metrics and the journal on (into `journalPath`), as a deployment runs it.
 */
export function switchyardConfig(
  upstream: Omit<BenchUpstream, 'proc'>,
  port: number,
  metricsPort: number,
  scale: ScaleSettings = {},
  journalPath = '/dev/null',
): object {
  const profile = { real_model: UPSTREAM_MODEL, defaults: { temperature: 0.2, max_tokens: 64 }, clamp: { top_p: 0.9 } };
  const limit = scale.limit ? { max_concurrency: 100_000 } : {};
  return {
    server: { host: '127.0.0.1', port, workers: scale.workers ?? 1, ...(scale.keys ? { api_keys: [governedKeyEntry()] } : {}) },
    logging: { level: 'warn' },
    journal: { enabled: true, path: journalPath, max_size_mb: 0 },
    telemetry: { prometheus: { enabled: true, host: '127.0.0.1', port: metricsPort } },
    ...(scale.limit === 'redis' ? { state: { redis: { url: scale.redisUrl, key_prefix: `bench-${port}:` } } } : {}),
    backends: [
      { id: 'bench-fast', type: 'openai', base_url: upstream.fast, models: [UPSTREAM_MODEL], ...limit },
      { id: 'bench-paced', type: 'openai', base_url: upstream.paced, models: [UPSTREAM_MODEL], ...limit },
      { id: 'bench-burst', type: 'openai', base_url: upstream.burst, models: [UPSTREAM_MODEL], ...limit },
      { id: 'bench-anthropic', type: 'anthropic', base_url: upstream.anthropic, api_key: 'bench-key', models: [UPSTREAM_MODEL], ...limit },
    ],
    routes: [
      { virtual_model: VIRTUAL_MODEL.fast, backend: 'bench-fast', ...profile },
      { virtual_model: VIRTUAL_MODEL.paced, backend: 'bench-paced', ...profile },
      { virtual_model: VIRTUAL_MODEL.burst, backend: 'bench-burst', ...profile },
      { virtual_model: VIRTUAL_MODEL.anthropic, backend: 'bench-anthropic', ...profile },
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
  /** Another build's `apps/gateway/dist/main.js` (compare-builds); default this checkout's. */
  main?: string;
}

/** `switchyard`, `switchyard w=2`, `switchyard limit=redis`, … */
function targetName(base: string, scale: ScaleSettings = {}): string {
  return (
    base +
    ((scale.workers ?? 1) > 1 ? ` w=${scale.workers}` : '') +
    (scale.limit ? ` limit=${scale.limit}` : '') +
    (scale.keys ? ` keys=${scale.keys}` : '') +
    (scale.youngMb ? ` young=${scale.youngMb}MB` : '')
  );
}

export async function startSwitchyard(upstream: BenchUpstream, pin: Pinning, opts: SwitchyardOptions): Promise<Target> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const configFile = join(opts.workDir, `switchyard-node${opts.node.version}-${port}.json`);
  const journalPath = join(opts.workDir, `journal-${port}.jsonl`);
  writeFileSync(configFile, JSON.stringify(switchyardConfig(upstream, port, metricsPort, opts.scale, journalPath), null, 2) + '\n');
  const nodeFlags: string[] = loopDelayNodeFlags();
  if (opts.scale?.youngMb) nodeFlags.push(`--max-semi-space-size=${opts.scale.youngMb}`);
  if (opts.cpuProfDir) {
    mkdirSync(opts.cpuProfDir, { recursive: true });
    // With workers, every process writes its own profile (Node's default name holds the pid).
    nodeFlags.push('--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir);
    if ((opts.scale?.workers ?? 1) <= 1) nodeFlags.push('--cpu-prof-name', `switchyard-node${opts.node.version}.cpuprofile`);
  }
  const args = [
    ...nodeFlags,
    opts.main ?? GATEWAY_MAIN,
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
    loopDelay: loopDelayProbe(proc),
    verify: () => verifyObserved(`http://127.0.0.1:${metricsPort}/metrics`, journalPath),
    stop: () => proc.stop(10_000),
    requestsCounted: () => requestsCounted(`http://127.0.0.1:${metricsPort}/metrics`),
  };
}

/** After the preflight: the journal has its lines and the metrics endpoint counts the requests, through the virtual models. */
async function verifyObserved(metricsUrl: string, journalPath: string): Promise<void> {
  // The journal writes asynchronously: give it a moment.
  for (let i = 0; i < 50 && !(existsSync(journalPath) && readFileSync(journalPath, 'utf8').includes(`"${VIRTUAL_MODEL.fast}"`)); i++)
    await new Promise((r) => setTimeout(r, 100));
  if (!existsSync(journalPath) || !readFileSync(journalPath, 'utf8').includes(`"${VIRTUAL_MODEL.fast}"`))
    throw new Error(`switchyard: the journal ${journalPath} did not record the preflight requests`);
  const metrics = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(5000) })).text();
  if (!/^switchyard_requests_total\{[^}]*"bench"/m.test(metrics))
    throw new Error(`switchyard: ${metricsUrl} does not count the preflight requests of virtual model "bench"`);
}

/** The sum of `switchyard_requests_total` over its series. */
async function requestsCounted(metricsUrl: string): Promise<number> {
  return sumOfCounter(await (await fetch(metricsUrl, { signal: AbortSignal.timeout(5000) })).text(), 'switchyard_requests_total');
}

/** The sum of a metric's series in Prometheus text. */
export function sumOfCounter(text: string, name: string): number {
  const series = new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+(\\S+)`);
  let sum = 0;
  for (const line of text.split('\n')) sum += Number(series.exec(line)?.[1] ?? 0);
  return sum;
}
