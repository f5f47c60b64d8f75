/**
 * The floors as benchmark targets: the Node floor (`--targets …,floor`, node-floor-proxy.ts) and
 * the Fastify floor (`--targets …,fastify`, fastify-floor-proxy.ts). Both serve the fast, paced
 * and burst ports, pinned like Switchyard, on the same Node.
 */
import { fileURLToPath } from 'node:url';
import { loopDelayNodeFlags, loopDelayProbe } from './loop-delay.js';
import type { NodeBinary } from './node-binary.js';
import { freePort, spawnPinned, waitForHttp, type Pinning } from './processes.js';
import { UPSTREAM_MODEL, type BenchUpstream, type Target } from './targets.js';

const FLOORS = {
  floor: { name: 'node-floor', what: 'node floor', script: './node-floor-proxy.js' },
  fastify: { name: 'fastify-floor', what: 'fastify floor', script: './fastify-floor-proxy.js' },
} as const;

async function startFloor(kind: keyof typeof FLOORS, upstream: BenchUpstream, pin: Pinning, node: NodeBinary): Promise<Target> {
  const floor = FLOORS[kind];
  const ports = { fast: await freePort(), paced: await freePort(), burst: await freePort() };
  const script = fileURLToPath(new URL(floor.script, import.meta.url));
  const args = [
    ...loopDelayNodeFlags(),
    script,
    ...(['fast', 'paced', 'burst'] as const).flatMap((pacing) => [String(ports[pacing]), upstream[pacing]]),
  ];
  const proc = spawnPinned(floor.what, pin, pin.proxyCore, node.path, args);
  await waitForHttp(`http://127.0.0.1:${ports.fast}/v1/models`, 10_000, proc);
  return {
    name: floor.name,
    kind,
    version: node.version,
    endpoint: (pacing) => (pacing === 'anthropic' ? undefined : { origin: `http://127.0.0.1:${ports[pacing]}`, model: UPSTREAM_MODEL }),
    pids: () => [proc.pid],
    loopDelay: loopDelayProbe(proc),
    stop: () => proc.stop(),
  };
}

export const startNodeFloor = (upstream: BenchUpstream, pin: Pinning, node: NodeBinary): Promise<Target> =>
  startFloor('floor', upstream, pin, node);
export const startFastifyFloor = (upstream: BenchUpstream, pin: Pinning, node: NodeBinary): Promise<Target> =>
  startFloor('fastify', upstream, pin, node);
