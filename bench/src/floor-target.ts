/** The Node floor as a benchmark target (`--targets …,floor`): see node-floor-proxy.ts. */
import { fileURLToPath } from 'node:url';
import { loopDelayNodeFlags, loopDelayProbe } from './loop-delay.js';
import type { NodeBinary } from './node-binary.js';
import { freePort, spawnPinned, waitForHttp, type Pinning } from './processes.js';
import { UPSTREAM_MODEL, type BenchUpstream, type Target } from './targets.js';

export async function startNodeFloor(upstream: BenchUpstream, pin: Pinning, node: NodeBinary): Promise<Target> {
  const ports = { fast: await freePort(), paced: await freePort(), burst: await freePort() };
  const script = fileURLToPath(new URL('./node-floor-proxy.js', import.meta.url));
  const args = [
    ...loopDelayNodeFlags(),
    script,
    ...(['fast', 'paced', 'burst'] as const).flatMap((pacing) => [String(ports[pacing]), upstream[pacing]]),
  ];
  const proc = spawnPinned('node floor', pin, pin.proxyCore, node.path, args);
  await waitForHttp(`http://127.0.0.1:${ports.fast}/v1/models`, 10_000, proc);
  return {
    name: 'node-floor',
    kind: 'floor',
    version: node.version,
    endpoint: (pacing) => (pacing === 'anthropic' ? undefined : { origin: `http://127.0.0.1:${ports[pacing]}`, model: UPSTREAM_MODEL }),
    pids: () => [proc.pid],
    loopDelay: loopDelayProbe(proc),
    stop: () => proc.stop(),
  };
}
