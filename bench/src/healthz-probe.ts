/**
 * A liveness probe as an orchestrator sends it: every `intervalMs` a new TCP connection, one
 * `GET /healthz`, the time until the whole answer has arrived (a probe that errors or takes longer
 * than `timeoutMs` counts as `timeoutMs`). The bench runs it in a process of its own
 * (`spawnHealthProbe`): inside the load generator, whose event loop is busy with 500 streams
 * during a burst, a probe's time would include the load generator's own loop delay (issue #19:
 * the floor's /healthz p99 of 796 ms was that, not the floor).
 */
import { fork } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';

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

/** Probes from this process until stopped. */
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

/** A probe in a process of its own (same CPU affinity as this one), probing between `start()` and `stop()`. */
export interface HealthProbeProcess {
  start(): void;
  /** Stops probing and resolves with every probe's time in ms; the process exits. */
  stop(): Promise<number[]>;
}

/** Starts the probe process and resolves when it is ready to probe (it does not probe yet). */
export function spawnHealthProbe(origin: string, intervalMs = 100, timeoutMs = 10_000): Promise<HealthProbeProcess> {
  const script = fileURLToPath(new URL('./healthz-probe-process.js', import.meta.url));
  const child = fork(script, [origin, String(intervalMs), String(timeoutMs)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`the /healthz probe process exited (code ${code})`))),
  );
  exited.catch(() => undefined);
  const message = (kind: string) =>
    Promise.race([
      new Promise<unknown>((resolve) => {
        const on = (m: { kind?: string; times?: number[] }) => {
          if (m?.kind !== kind) return;
          child.off('message', on);
          resolve(m);
        };
        child.on('message', on);
      }),
      exited,
    ]);
  return message('ready').then(() => ({
    start: () => child.send({ kind: 'start' }),
    stop: async () => {
      const done = message('times');
      child.send({ kind: 'stop' });
      return ((await done) as { times: number[] }).times;
    },
  }));
}
