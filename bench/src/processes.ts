/** Starting, pinning, waiting for and stopping the benchmark's child processes. */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';

export interface Pinning {
  enabled: boolean;
  /** Core of the load generator and the upstream. */
  loadCore: number;
  /** Core of the proxy under test. */
  proxyCore: number;
}

/** Pins this process (all its threads; later threads and children inherit it) to one core. */
export function pinSelf(core: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', String(core), String(process.pid)], { stdio: 'ignore' });
}

/** A child process with the tail of its output (stdout and stderr) kept for error messages. */
export class BenchProcess {
  private stderrTail = '';
  readonly exited: Promise<void>;

  constructor(
    readonly what: string,
    readonly child: ChildProcess,
  ) {
    const keep = (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString()).slice(-4000);
    };
    child.stderr?.on('data', keep);
    child.stdout?.on('data', keep);
    this.exited = new Promise((r) => child.once('exit', () => r()));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  stderr(): string {
    return this.stderrTail;
  }

  /** Resolves with the first stdout line `match` accepts; rejects when the child exits first or on timeout. */
  waitForLine<T>(match: (line: string) => T | undefined, timeoutMs: number): Promise<T> {
    const child = this.child;
    return new Promise((resolve, reject) => {
      let buf = '';
      const done = (err?: Error, value?: T) => {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
        if (err) reject(err);
        else resolve(value as T);
      };
      const onData = (d: Buffer) => {
        buf += d.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const value = match(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
          if (value !== undefined) return done(undefined, value);
        }
      };
      const onExit = (code: number | null) => done(new Error(`${this.what} exited (code ${code}) before it was ready\n${this.stderrTail}`));
      const timer = setTimeout(() => done(new Error(`${this.what} not ready after ${timeoutMs} ms\n${this.stderrTail}`)), timeoutMs);
      child.stdout?.on('data', onData);
      child.once('exit', onExit);
    });
  }

  /**
   * Sends `signal` and resolves with the value of the next stdout line that is a JSON object with
   * a `key` member (what the preloads print when signalled: `{"benchGc": …}`).
   */
  report<T>(signal: NodeJS.Signals, key: string, timeoutMs: number): Promise<T> {
    const line = this.waitForLine((l) => {
      try {
        return (JSON.parse(l) as Record<string, T | undefined>)[key];
      } catch {
        return undefined;
      }
    }, timeoutMs);
    process.kill(this.pid, signal);
    return line;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Spawns `command` on one core via `taskset -c` (which execs it: the child's pid is the command's). */
export function spawnPinned(
  what: string,
  pin: Pinning,
  core: number,
  command: string,
  args: string[],
  options: SpawnOptions = {},
): BenchProcess {
  const [cmd, argv] = pin.enabled ? ['taskset', ['-c', String(core), command, ...args]] : [command, args];
  return new BenchProcess(what, spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], ...options }));
}

/** Polls `url` until it answers 2xx. */
export async function waitForHttp(url: string, timeoutMs: number, proc?: BenchProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (proc && !proc.running) throw new Error(`${proc.what} exited\n${proc.stderr()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last})${proc ? '\n' + proc.stderr() : ''}`);
}

/** A port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}
