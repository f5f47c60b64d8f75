import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import type { BackendConfig } from '../config/schema/backend-config.js';
import type { UpstreamReply } from '../plugin/provider-plugin.js';
import { dispatchUpstream } from './dispatch-upstream.js';
import { mapTransportError } from './map-upstream-failure.js';

export interface UpstreamRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  signal: AbortSignal;
}

function readPem(path: string | undefined): string | undefined {
  return path ? readFileSync(path, 'utf8') : undefined;
}

function proxyConfigured(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy);
}

/**
 * One backend's HTTP connection pool (undici, keep-alive), with its connect, first-byte and
 * idle timeouts, optional CA and client certificate, and HTTPS_PROXY / NO_PROXY honoured.
 * Shared machinery for every HTTP-speaking provider plugin.
 */
export class UpstreamClient {
  readonly dispatcher: Dispatcher;

  constructor(
    private readonly backendId: string,
    config: Pick<BackendConfig, 'timeout_seconds' | 'connect_timeout_seconds' | 'tls'>,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const timeoutMs = Math.round(config.timeout_seconds * 1000);
    const connect = {
      timeout: Math.round(config.connect_timeout_seconds * 1000),
      ca: readPem(config.tls?.ca),
      cert: readPem(config.tls?.cert),
      key: readPem(config.tls?.key),
    };
    const options = {
      connect,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
    };
    this.dispatcher = proxyConfigured(env) ? new EnvHttpProxyAgent(options) : new Agent(options);
  }

  /** Sends the request; resolves on the reply's status and headers, with the body unread. */
  send(req: UpstreamRequest): Promise<UpstreamReply> {
    const { origin, path } = splitUrl(req.url);
    // The dispatcher directly, with origin and path (no URL object) and a minimal handler.
    return dispatchUpstream(
      this.dispatcher,
      { origin, path, method: req.method, headers: req.headers, body: req.body },
      req.signal,
      (err) => mapTransportError(err, this.backendId),
    );
  }

  /** GET returning parsed JSON (model listing, probes). Throws on non-2xx. */
  async getJson(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<unknown> {
    const reply = await this.send({ method: 'GET', url, headers, signal });
    const text = await readBody(reply.body);
    if (reply.status < 200 || reply.status >= 300) {
      throw new Error(`GET ${new URL(url).pathname} answered ${reply.status}`);
    }
    return JSON.parse(text);
  }

  /** Closes the pool once its requests have finished. */
  close(): Promise<void> {
    return this.dispatcher.close();
  }
}

/**
 * `https://host:port/a/b?q` → origin `https://host:port`, path `/a/b?q`, by slicing: the URLs
 * here are built from a validated `base_url`. One with credentials in it goes through `URL`.
 */
export function splitUrl(url: string): { origin: string; path: string } {
  const hostStart = url.indexOf('://') + 3;
  let slash = url.indexOf('/', hostStart);
  if (slash < 0) slash = url.length;
  if (hostStart < 3 || url.lastIndexOf('@', slash) >= hostStart) {
    const u = new URL(url);
    return { origin: u.origin, path: `${u.pathname}${u.search}` };
  }
  const query = url.indexOf('?', hostStart);
  if (query >= 0 && query < slash) return { origin: url.slice(0, query), path: `/${url.slice(query)}` };
  return { origin: url.slice(0, slash), path: slash < url.length ? url.slice(slash) : '/' };
}

/**
 * A whole reply body as bytes, at most `limit` of them (the rest is discarded and the body
 * destroyed). Listeners, not an async iterator: that costs more per request on the hot path.
 * Rejects when the body errors or closes before its end.
 */
export function collectBody(body: Readable, limit = Infinity): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (): void => {
      done = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    body.on('data', (chunk: Buffer | string) => {
      if (done) return;
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (size + buf.length > limit) {
        chunks.push(buf.subarray(0, limit - size));
        size = limit;
        finish();
        body.destroy();
        return;
      }
      chunks.push(buf);
      size += buf.length;
    });
    body.once('end', finish);
    body.once('error', reject);
    body.once('close', () => {
      if (!done) reject(Object.assign(new Error('the upstream reply ended before its body was complete'), { code: 'UND_ERR_SOCKET' }));
    });
  });
}

/** Reads a whole body as text, at most `limit` bytes (the rest is discarded). */
export async function readBody(body: Readable, limit = 8 * 1024 * 1024): Promise<string> {
  return (await collectBody(body, limit)).toString('utf8');
}
