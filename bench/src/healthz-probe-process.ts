/**
 * The /healthz probe's own process (see healthz-probe.ts): `node healthz-probe-process.js ORIGIN
 * INTERVAL_MS TIMEOUT_MS`, driven over IPC: says `ready`, probes from `start` to `stop`, then
 * sends `times` and exits.
 */
import { startHealthProbe, type HealthProbe } from './healthz-probe.js';

const [origin, intervalMs, timeoutMs] = process.argv.slice(2);
let probe: HealthProbe | undefined;
process.on('message', (m: { kind?: string }) => {
  if (m?.kind === 'start') probe ??= startHealthProbe(origin!, Number(intervalMs), Number(timeoutMs));
  if (m?.kind === 'stop') {
    void (probe?.stop() ?? Promise.resolve([])).then((times) => process.send!({ kind: 'times', times }, () => process.exit(0)));
  }
});
process.send!({ kind: 'ready' });
