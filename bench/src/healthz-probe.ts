/**
 * A liveness probe as an orchestrator sends it: every `intervalMs` a new TCP connection, one
 * `GET /healthz`, the time until the whole answer has arrived (a probe that errors or takes longer
 * than `timeoutMs` counts as `timeoutMs`).
 */
import { request } from 'node:http';

export interface HealthProbe {
  /** Stops probing, waits for the probes in flight and resolves with every probe's time in ms. */
  stop(): Promise<number[]>;
}

function probeOnce(origin: URL, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      resolve(Math.min(timeoutMs, performance.now() - t0));
    };
    const req = request({ host: origin.hostname, port: origin.port, path: '/healthz', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.once('end', done);
      res.once('error', () => resolve(timeoutMs));
    });
    req.once('timeout', () => {
      req.destroy();
      settled = true;
      resolve(timeoutMs);
    });
    req.once('error', () => {
      if (!settled) resolve(timeoutMs);
      settled = true;
    });
    req.end();
  });
}

export function startHealthProbe(origin: string, intervalMs = 100, timeoutMs = 10_000): HealthProbe {
  const url = new URL(origin);
  const pending: Promise<number>[] = [];
  const timer = setInterval(() => pending.push(probeOnce(url, timeoutMs)), intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      return Promise.all(pending);
    },
  };
}
