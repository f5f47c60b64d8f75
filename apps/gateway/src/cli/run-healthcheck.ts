import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Writable } from 'node:stream';
import { ConfigError, resolveConfig, UsageError, type PluginRegistry, type SwitchyardConfig } from '@switchyard/kernel';
import { parseCliArgs } from './parse-cli-args.js';

export interface HealthcheckIo {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  registry: PluginRegistry;
}

/** How long the probe may take (Docker's HEALTHCHECK --timeout is 3 s in the shipped Dockerfile). */
const PROBE_TIMEOUT_MS = 2500;

/**
 * The URL a local liveness probe reaches the API listener at: `server.host` and `server.port`
 * of the configuration, a wildcard address (`0.0.0.0`, `::`) probed on loopback, `https` when
 * `server.tls` is set.
 */
export function healthzUrl(server: SwitchyardConfig['server']): string {
  if (server.port === 0) throw new ConfigError('server.port: 0 (a random port) cannot be probed; set a fixed port');
  let host = server.host;
  if (host === '0.0.0.0') host = '127.0.0.1';
  else if (host === '::' || host === '[::]') host = '::1';
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const shown = bare.includes(':') ? `[${bare}]` : bare;
  return `${server.tls ? 'https' : 'http'}://${shown}:${server.port}/healthz`;
}

/**
 * GET `url` once. TLS is spoken but the certificate not verified: this probes the local process's
 * liveness, and the certificate names the public host, not the loopback address probed here.
 */
export function probeHealthz(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<number> {
  return new Promise((resolve, reject) => {
    const onResponse = (res: IncomingMessage) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    };
    const options = { method: 'GET', agent: false as const, timeout: timeoutMs, headers: { 'user-agent': 'switchyard-healthcheck' } };
    const req = url.startsWith('https:')
      ? httpsRequest(url, { ...options, rejectUnauthorized: false }, onResponse)
      : httpRequest(url, options, onResponse);
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * `switchyard healthcheck [options]`: reads the configuration exactly as the gateway does (the
 * same flags, SWITCHYARD_* variables, ./config.yaml, demo mode), probes `/healthz` on the
 * configured port over http or https, and exits 0 when it answers 200, 1 otherwise (the
 * Dockerfile's HEALTHCHECK). Returns the exit code.
 */
export async function runHealthcheck(argv: readonly string[], io: HealthcheckIo): Promise<number> {
  let url: string;
  try {
    const args = parseCliArgs(argv);
    const loaded = await resolveConfig({ args, env: io.env, cwd: io.cwd, registry: io.registry });
    url = healthzUrl(loaded.config.server);
  } catch (err) {
    if (!(err instanceof ConfigError || err instanceof UsageError)) throw err;
    io.stderr.write(`switchyard healthcheck: ${err.message}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
  try {
    const status = await probeHealthz(url);
    if (status === 200) {
      io.stdout.write(`switchyard healthcheck: ${url} OK\n`);
      return 0;
    }
    io.stderr.write(`switchyard healthcheck: ${url} answered ${status}\n`);
  } catch (err) {
    io.stderr.write(`switchyard healthcheck: ${url}: ${(err as Error).message}\n`);
  }
  return 1;
}
