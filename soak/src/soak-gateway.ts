/**
 * The gateway under soak: the built apps/gateway/dist/main.js as a child process on 127.0.0.1,
 * with the request journal on, and the V8 inspector on a loopback port so the soak can force a
 * garbage collection and read the heap (HeapProfiler.collectGarbage, Runtime.getHeapUsage)
 * without any test-only code in the gateway.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const GATEWAY_MAIN = fileURLToPath(new URL('../../apps/gateway/dist/main.js', import.meta.url));

export interface SoakGateway {
  readonly url: string;
  readonly metricsUrl: string;
  readonly pid: number;
  readonly journalPath: string;
  /** Open file descriptors of the gateway process (/proc/<pid>/fd). */
  fds(): number;
  /** Forces a full GC (twice) and returns the used heap in bytes. */
  heapAfterGc(): Promise<number>;
  /** The sum of `switchyard_requests_active` over its series. */
  activeRequests(): Promise<number>;
  /** The journal's lines, parsed. */
  journal(): Array<Record<string, unknown>>;
  stderr(): string;
  stop(): Promise<number | null>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`soak: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A minimal Chrome DevTools Protocol session over the inspector's WebSocket. */
class InspectorSession {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private constructor(private readonly ws: WebSocket) {
    ws.addEventListener('message', (ev) => {
      const msg = JSON.parse(String(ev.data)) as { id?: number; result?: unknown; error?: { message: string } };
      const p = msg.id === undefined ? undefined : this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id!);
      if (msg.error) p.reject(new Error(msg.error.message));
      else p.resolve(msg.result);
    });
  }

  static open(url: string): Promise<InspectorSession> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.addEventListener('open', () => resolve(new InspectorSession(ws)), { once: true });
      ws.addEventListener('error', () => reject(new Error(`soak: cannot open the inspector at ${url}`)), { once: true });
    });
  }

  send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.ws.close();
  }
}

export async function startSoakGateway(opts: { dir: string; upstreamUrl: string; upstreamTimeoutSeconds: number }): Promise<SoakGateway> {
  const port = await freePort();
  const metricsPort = await freePort();
  const journalPath = path.join(opts.dir, 'requests.jsonl');
  const configFile = path.join(opts.dir, 'soak.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      server: { host: '127.0.0.1', port, probe_interval_seconds: 3600, models_refresh_seconds: 3600 },
      logging: { level: 'error' },
      telemetry: { prometheus: { enabled: true, host: '127.0.0.1', port: metricsPort } },
      journal: { enabled: true, path: journalPath, max_size_mb: 0 },
      backends: [
        {
          id: 'up',
          type: 'openai',
          base_url: opts.upstreamUrl,
          api_key: 'sk-soak-not-a-real-key',
          models: ['*'],
          skip_probe: true,
          timeout_seconds: opts.upstreamTimeoutSeconds,
        },
      ],
    }),
  );
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SWITCHYARD_')) env[k] = v;
  const child: ChildProcess = spawn(process.execPath, ['--inspect=127.0.0.1:0', GATEWAY_MAIN, '--config', configFile], {
    cwd: opts.dir,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  const url = `http://127.0.0.1:${port}`;
  const metricsUrl = `http://127.0.0.1:${metricsPort}`;
  await waitUntil(
    async () => {
      if (child.exitCode !== null) throw new Error(`soak: the gateway exited (${child.exitCode}):\n${err}`);
      const ok = await fetch(`${url}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
      return ok && /ws:\/\/127\.0\.0\.1:\d+\/\S+/.test(err);
    },
    30_000,
    'the gateway to start',
  );
  const inspectorUrl = /ws:\/\/127\.0\.0\.1:\d+\/\S+/.exec(err)![0];

  return {
    url,
    metricsUrl,
    pid: child.pid!,
    journalPath,
    fds: () => readdirSync(`/proc/${child.pid}/fd`).length,
    async heapAfterGc() {
      const session = await InspectorSession.open(inspectorUrl);
      try {
        await session.send('HeapProfiler.collectGarbage');
        await session.send('HeapProfiler.collectGarbage');
        const usage = await session.send<{ usedSize: number }>('Runtime.getHeapUsage');
        return usage.usedSize;
      } finally {
        session.close();
      }
    },
    async activeRequests() {
      const text = await (await fetch(`${metricsUrl}/metrics`)).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        const m = /^switchyard_requests_active(?:\{[^}]*\})?\s+(\S+)/.exec(line);
        if (m) sum += Number(m[1]);
      }
      return sum;
    },
    journal() {
      let text: string;
      try {
        text = readFileSync(journalPath, 'utf8');
      } catch {
        return []; // not written yet
      }
      return text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    stderr: () => err,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    },
  };
}
