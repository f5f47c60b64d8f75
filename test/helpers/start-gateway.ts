/**
 * Runs the BUILT gateway (apps/gateway/dist/main.js) as a child process for end-to-end tests.
 *
 *   const gw = await startGateway({ config: { backends: [{ id: 'up', type: 'openai', base_url: upstream.url, models: ['*'] }] } });
 *   const res = await fetch(`${gw.url}/v1/chat/completions`, …);
 *   assert.equal(await gw.stop(), 0);
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify as toYaml } from 'yaml';

/** apps/gateway/dist/main.js, found from this file's location (test/dist/helpers). */
export const GATEWAY_MAIN = fileURLToPath(new URL('../../../apps/gateway/dist/main.js', import.meta.url));

export type ConfigFormat = 'yaml' | 'json';

export interface StartGatewayOptions {
  /**
   * The configuration: an object is written to a temp file (`configFormat`, default YAML); a
   * string is written verbatim as the file's contents. Omitted: no `--config` (demo mode unless
   * `args`/`env` configure something).
   */
  config?: object | string;
  configFormat?: ConfigFormat;
  /** Use this existing file as `--config` instead. */
  configFile?: string;
  /** Extra command-line arguments. */
  args?: string[];
  /**
   * Environment overrides (`undefined` removes a variable). The child inherits this process's
   * environment minus every `SWITCHYARD_*` variable, so tests are not steered by the shell.
   */
  env?: Record<string, string | undefined>;
  /** Working directory (default: a fresh empty temp dir, so no stray ./config.yaml is picked up). */
  cwd?: string;
  /** Add `--listen 127.0.0.1:<free port>` and `--metrics-listen 127.0.0.1:<free port>` (default true, unless `args` has them). */
  listen?: boolean;
  /** How long to wait for GET /healthz → 200 (default 20 s). */
  readyTimeoutMs?: number;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningGateway {
  /** `http://127.0.0.1:PORT` of the API. */
  readonly url: string;
  /** `http://127.0.0.1:PORT` of the metrics listener (scrape `${metricsUrl}/metrics`). */
  readonly metricsUrl: string;
  readonly port: number;
  readonly metricsPort: number;
  readonly pid: number;
  readonly child: ChildProcess;
  /** The config file written for this run (undefined when none). */
  readonly configPath: string | undefined;
  /** The temp directory holding the config file (and the default cwd). */
  readonly tmpDir: string;
  /** Everything the child wrote to stdout / stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the child exits. */
  readonly exited: Promise<ExitStatus>;
  /** True once the child has exited. */
  hasExited(): boolean;
  /** Resolves with the output so far once `pattern` appears in it (stdout and stderr by default). */
  waitForOutput(pattern: RegExp | string, opts?: { stream?: 'stdout' | 'stderr' | 'both'; timeoutMs?: number }): Promise<string>;
  /** Sends a signal without waiting (SIGHUP to reload). */
  kill(signal?: NodeJS.Signals): void;
  /** Sends `signal` (default SIGTERM), waits for exit (SIGKILL after `timeoutMs`, default 30 s) and returns the exit code. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/** A port that was free a moment ago (listen on 0, read it, close). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Writes a config object (or text) to a file in `dir` and returns its path. */
export function writeConfigFile(dir: string, config: object | string, format: ConfigFormat = 'yaml'): string {
  const file = path.join(dir, format === 'json' ? 'switchyard.json' : 'switchyard.yaml');
  const body = typeof config === 'string' ? config : format === 'json' ? JSON.stringify(config, null, 2) : toYaml(config);
  writeFileSync(file, body);
  return file;
}

/** This process's environment without SWITCHYARD_* variables, with `overrides` applied. */
export function childEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SWITCHYARD_')) env[k] = v;
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

function httpStatus(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const req = get(url, { agent: false, headers: { connection: 'close' }, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(0));
  });
}

function argValue(args: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === flag) return args[i + 1];
    if (args[i]!.startsWith(`${flag}=`)) return args[i]!.slice(flag.length + 1);
  }
  return undefined;
}

function portOf(listen: string | undefined): number {
  const m = listen?.match(/:(\d+)$/);
  return m ? Number(m[1]) : 0;
}

function tail(text: string, max = 8000): string {
  return text.length > max ? `…${text.slice(-max)}` : text;
}

/** Spawns the built gateway and resolves once GET /healthz answers 200. */
/**
 * Starts the gateway. The free ports it picks can be taken by another process (a concurrent test's
 * outgoing connection) before the child binds them; when the child then dies with EADDRINUSE and the
 * ports were the helper's choice, it tries again with new ones.
 */
export async function startGateway(options: StartGatewayOptions = {}): Promise<RunningGateway> {
  const ownPorts =
    options.listen !== false && !argValue(options.args ?? [], '--listen') && !argValue(options.args ?? [], '--metrics-listen');
  for (let attempt = 1; ; attempt++) {
    try {
      return await startGatewayOnce(options);
    } catch (err) {
      if (!ownPorts || attempt >= 3 || !/EADDRINUSE/.test((err as Error).message)) throw err;
    }
  }
}

async function startGatewayOnce(options: StartGatewayOptions): Promise<RunningGateway> {
  installExitHook();
  const tmpDir = mkdtempSync(path.join(tmpdir(), 'switchyard-e2e-'));
  const args: string[] = [GATEWAY_MAIN];
  let configPath: string | undefined;
  if (options.configFile) configPath = options.configFile;
  else if (options.config !== undefined) configPath = writeConfigFile(tmpDir, options.config, options.configFormat);
  if (configPath) args.push('--config', configPath);

  const extra = options.args ?? [];
  let listen = argValue(extra, '--listen');
  let metricsListen = argValue(extra, '--metrics-listen');
  if (options.listen !== false) {
    if (!listen) {
      listen = `127.0.0.1:${await freePort()}`;
      args.push('--listen', listen);
    }
    if (!metricsListen) {
      metricsListen = `127.0.0.1:${await freePort()}`;
      args.push('--metrics-listen', metricsListen);
    }
  }
  args.push(...extra);
  const port = portOf(listen) || 4000;
  const metricsPort = portOf(metricsListen) || 9091;

  const child = spawn(process.execPath, args, {
    cwd: options.cwd ?? tmpDir,
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  let err = '';
  const outputWaiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    out += s;
    for (const w of outputWaiters) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    err += s;
    for (const w of outputWaiters) w();
  });
  let exitStatus: ExitStatus | undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('error', (e) => {
      err += `\n[spawn error] ${e.message}`;
    });
    child.once('close', (code, signal) => {
      exitStatus = { code, signal };
      live.delete(child);
      rmSync(tmpDir, { recursive: true, force: true });
      for (const w of outputWaiters) w();
      resolve(exitStatus);
    });
  });

  const url = `http://127.0.0.1:${port}`;
  const gateway: RunningGateway = {
    url,
    metricsUrl: `http://127.0.0.1:${metricsPort}`,
    port,
    metricsPort,
    pid: child.pid ?? -1,
    child,
    configPath,
    tmpDir,
    stdout: () => out,
    stderr: () => err,
    exited,
    hasExited: () => exitStatus !== undefined,
    waitForOutput(pattern, opts = {}) {
      const which = opts.stream ?? 'both';
      const text = () => (which === 'stdout' ? out : which === 'stderr' ? err : `${out}\n${err}`);
      const matches = () => (typeof pattern === 'string' ? text().includes(pattern) : pattern.test(text()));
      if (matches()) return Promise.resolve(text());
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          outputWaiters.delete(check);
          reject(
            new Error(
              `gateway output did not match ${String(pattern)} within ${opts.timeoutMs ?? 10_000} ms\nstdout:\n${tail(out)}\nstderr:\n${tail(err)}`,
            ),
          );
        }, opts.timeoutMs ?? 10_000);
        const check = () => {
          if (matches()) {
            clearTimeout(timer);
            outputWaiters.delete(check);
            resolve(text());
          } else if (exitStatus) {
            clearTimeout(timer);
            outputWaiters.delete(check);
            reject(
              new Error(
                `gateway exited (${JSON.stringify(exitStatus)}) before its output matched ${String(pattern)}\nstderr:\n${tail(err)}`,
              ),
            );
          }
        };
        outputWaiters.add(check);
      });
    },
    kill(signal = 'SIGTERM') {
      if (!exitStatus) child.kill(signal);
    },
    async stop(signal = 'SIGTERM', timeoutMs = 30_000) {
      if (!exitStatus) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        await exited;
        clearTimeout(timer);
      }
      return (await exited).code;
    },
  };

  if (options.listen === false && !listen) return gateway;

  const timeoutMs = options.readyTimeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitStatus) {
      throw new Error(
        `gateway exited before it was ready (code ${exitStatus.code}, signal ${exitStatus.signal})\n` +
          `command: node ${args.join(' ')}\nstderr:\n${tail(err)}\nstdout:\n${tail(out)}`,
      );
    }
    if ((await httpStatus(`${url}/healthz`, 1000)) === 200) return gateway;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(
        `gateway did not answer GET /healthz with 200 within ${timeoutMs} ms\n` +
          `command: node ${args.join(' ')}\nstderr:\n${tail(err)}\nstdout:\n${tail(out)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  cwd?: string;
  /** Kill (SIGKILL) after this long (default 30 s: a loaded 2-core machine); the result then has signal SIGKILL. */
  timeoutMs?: number;
  /** Written to the child's stdin, which is then closed. */
  input?: string;
}

/**
 * Runs main.js with `args` to completion (`--check`, `journal summary`, usage errors) and
 * returns its exit code and output. Inherits the environment minus SWITCHYARD_*, plus `env`;
 * runs in a fresh empty temp dir unless `cwd` is given.
 */
export async function runCli(args: string[], env: Record<string, string | undefined> = {}, opts: RunCliOptions = {}): Promise<CliResult> {
  installExitHook();
  const tmpDir = opts.cwd ? undefined : mkdtempSync(path.join(tmpdir(), 'switchyard-cli-'));
  const child = spawn(process.execPath, [GATEWAY_MAIN, ...args], {
    cwd: opts.cwd ?? tmpDir,
    env: childEnv(env),
    stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  if (opts.input !== undefined) child.stdin!.end(opts.input);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
  try {
    return await new Promise<CliResult>((resolve) => {
      child.once('error', (e) => (stderr += `\n[spawn error] ${e.message}`));
      child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
  } finally {
    clearTimeout(timer);
    live.delete(child);
    if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
  }
}
