/** Switchyard as a benchmark target: a generated config with one virtual model per upstream port. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodeBinary } from './node-binary.js';
import { freePort, spawnPinned, waitForHttp, type Pinning } from './processes.js';
import { UPSTREAM_MODEL, type BenchUpstream, type Target } from './targets.js';

/** The virtual model of each upstream port (same profile on both). */
const VIRTUAL_MODEL = { fast: 'bench', paced: 'bench-paced' } as const;

const GATEWAY_MAIN = fileURLToPath(new URL('../../apps/gateway/dist/main.js', import.meta.url));

export function switchyardConfig(upstream: BenchUpstream, port: number, metricsPort: number): object {
  const profile = { real_model: UPSTREAM_MODEL, defaults: { temperature: 0.2, max_tokens: 64 }, clamp: { top_p: 0.9 } };
  return {
    server: { host: '127.0.0.1', port },
    logging: { level: 'warn' },
    journal: { enabled: false },
    telemetry: { prometheus: { enabled: true, host: '127.0.0.1', port: metricsPort } },
    backends: [
      { id: 'bench-fast', type: 'openai', base_url: upstream.fast, models: [UPSTREAM_MODEL] },
      { id: 'bench-paced', type: 'openai', base_url: upstream.paced, models: [UPSTREAM_MODEL] },
    ],
    routes: [
      { virtual_model: VIRTUAL_MODEL.fast, backend: 'bench-fast', ...profile },
      { virtual_model: VIRTUAL_MODEL.paced, backend: 'bench-paced', ...profile },
    ],
  };
}

export interface SwitchyardOptions {
  node: NodeBinary;
  /** Label suffix: true → `switchyard@<version>`. */
  labelVersion: boolean;
  workDir: string;
  /** Directory for `--cpu-prof` output, or undefined. */
  cpuProfDir?: string;
}

export async function startSwitchyard(upstream: BenchUpstream, pin: Pinning, opts: SwitchyardOptions): Promise<Target> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const configFile = join(opts.workDir, `switchyard-node${opts.node.version}.json`);
  writeFileSync(configFile, JSON.stringify(switchyardConfig(upstream, port, metricsPort), null, 2) + '\n');
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
  const name = opts.labelVersion ? `switchyard@${opts.node.version}` : 'switchyard';
  const proc = spawnPinned(name, pin, pin.proxyCore, opts.node.path, args);
  await waitForHttp(`http://127.0.0.1:${port}/readyz`, 20_000, proc);
  const origin = `http://127.0.0.1:${port}`;
  return {
    name,
    kind: 'switchyard',
    version: opts.node.version,
    endpoint: (pacing) => ({ origin, model: VIRTUAL_MODEL[pacing] }),
    pids: () => [proc.pid],
    stop: () => proc.stop(10_000),
  };
}
