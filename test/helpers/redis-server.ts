/**
 * A real redis-server for the shared-limit tests (Debian package `redis-server`; .ci/run installs
 * it). Without it those tests skip, saying so (`redisSkipReason`), so a fresh clone still passes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort } from './start-gateway.js';

/** Why the Redis tests cannot run here, or false when they can. */
export function redisSkipReason(): string | false {
  const found = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return found.error || found.status !== 0
    ? 'redis-server is not installed (Debian: apt-get install redis-server; .ci/run installs it): the shared-limit tests are skipped'
    : false;
}

export interface RunningRedis {
  readonly port: number;
  /** `redis://[:password@]127.0.0.1:PORT` */
  readonly url: string;
  /** Stops the server (SIGKILL: nothing is saved) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Starts redis-server on a free port, in memory only; resolves once it accepts connections. */
export async function startRedis(options: { password?: string; port?: number } = {}): Promise<RunningRedis> {
  const port = options.port ?? (await freePort());
  let child: ChildProcess | null = null;
  const start = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    if (options.password) args.push('--requirepass', options.password);
    const c = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    live.add(c);
    c.once('exit', () => live.delete(c));
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10_000);
      c.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      c.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}):\n${out}`));
      });
    });
  };
  await start();
  return {
    port,
    url: `redis://${options.password ? `:${options.password}@` : ''}127.0.0.1:${port}`,
    async stop() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      c.kill('SIGKILL');
      await exited;
    },
    start,
  };
}
