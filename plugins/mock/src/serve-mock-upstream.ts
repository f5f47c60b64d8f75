#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { buildMockReply, JSON_CONTENT_TYPE, mockErrorBody, SSE_CONTENT_TYPE, type MockProtocol } from './build-mock-reply.js';
import { MOCK_MODEL_CREATED, resolveMockSettings, type MockOptions, type MockSettings } from './mock-settings.js';
import { MockPlanPacer, type MockStreamPlan } from './mock-stream-plan.js';

export interface MockUpstreamOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The same keys as a `type: mock` backend (output_tokens, ttft_ms, tokens_per_second, …). */
  config?: MockOptions;
}

export interface MockUpstream {
  /** `http://host:port` (no trailing slash, no `/v1`). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly server: Server;
  readonly settings: MockSettings;
  /** Stops listening and drops open connections (streams in flight are cut). */
  close(): Promise<void>;
}

const POST_ROUTES: Record<string, MockProtocol> = {
  '/chat/completions': 'openai.chat',
  '/completions': 'openai.completions',
  '/embeddings': 'openai.embeddings',
};

function routePath(url: string): string {
  const q = url.indexOf('?');
  let path = q < 0 ? url : url.slice(0, q);
  if (path.startsWith('/v1/')) path = path.slice(3);
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path;
}

function sendJson(res: ServerResponse, status: number, body: string, requestId?: string): void {
  const headers: Record<string, string | number> = {
    'content-type': JSON_CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
  };
  if (requestId) headers['x-request-id'] = requestId;
  res.writeHead(status, headers);
  res.end(body);
}

/** Pieces are coalesced into writes of about this many characters. */
const WRITE_BATCH = 16_384;

/**
 * Writes a plan to the response: every piece that is due is appended to one batch and written
 * with a single `write` (one chunked frame, one syscall), paced by the plan's due times, pausing
 * on backpressure until `drain`. Stops its timer when the client goes away.
 */
function writePlan(plan: MockStreamPlan, res: ServerResponse): void {
  const pacer = new MockPlanPacer(plan);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const step = (): void => {
    timer = undefined;
    if (closed) return;
    let batch = '';
    for (;;) {
      const wait = pacer.waitMs();
      if (wait < 0) {
        res.end(batch);
        return;
      }
      if (wait > 0) {
        if (batch === '' || res.write(batch)) timer = setTimeout(step, wait);
        else res.once('drain', step);
        return;
      }
      batch += pacer.take();
      if (batch.length >= WRITE_BATCH) {
        const ok = res.write(batch);
        batch = '';
        if (!ok) {
          res.once('drain', step);
          return;
        }
      }
    }
  };
  res.once('close', () => {
    closed = true;
    if (timer !== undefined) clearTimeout(timer);
  });
  step();
}

function handleGeneration(protocol: MockProtocol, raw: Buffer, res: ServerResponse, settings: MockSettings): void {
  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    body = parsed as Record<string, unknown>;
  } catch {
    sendJson(res, 400, mockErrorBody('The request body is not a valid JSON object', null));
    return;
  }
  const model = typeof body.model === 'string' ? body.model : (settings.models[0] ?? 'mock');
  const reply = buildMockReply(protocol, body, model, settings);
  if (reply.plan) {
    res.writeHead(reply.status, {
      'content-type': SSE_CONTENT_TYPE,
      'cache-control': 'no-cache',
      'x-request-id': reply.requestId,
    });
    writePlan(reply.plan, res);
    return;
  }
  const text = reply.body ?? '';
  if (reply.readyInMs <= 0) {
    sendJson(res, reply.status, text, reply.requestId);
    return;
  }
  const timer = setTimeout(() => sendJson(res, reply.status, text, reply.requestId), reply.readyInMs);
  res.once('close', () => clearTimeout(timer));
}

function modelsBody(settings: MockSettings): string {
  return JSON.stringify({
    object: 'list',
    data: settings.models.map((id) => ({ id, object: 'model', created: MOCK_MODEL_CREATED, owned_by: 'switchyard-mock' })),
  });
}

/** The request listener of the standalone mock upstream (usable with any node:http server). */
export function createMockUpstreamHandler(settings: MockSettings): (req: IncomingMessage, res: ServerResponse) => void {
  const listing = modelsBody(settings);
  return (req, res) => {
    const path = routePath(req.url ?? '/');
    if (req.method === 'POST') {
      const protocol = POST_ROUTES[path];
      if (!protocol) {
        req.resume();
        sendJson(res, 404, mockErrorBody(`Unknown path ${path}`, null, 'invalid_request_error', 'unknown_url'));
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.once('end', () => handleGeneration(protocol, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), res, settings));
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (path === '/models') return sendJson(res, 200, listing);
      if (path.startsWith('/models/')) {
        const id = decodeURIComponent(path.slice('/models/'.length));
        if (settings.models.includes(id)) {
          return sendJson(res, 200, JSON.stringify({ id, object: 'model', created: MOCK_MODEL_CREATED, owned_by: 'switchyard-mock' }));
        }
        return sendJson(res, 404, mockErrorBody(`The model '${id}' does not exist`, 'model', 'invalid_request_error', 'model_not_found'));
      }
      if (path === '/health' || path === '/healthz') return sendJson(res, 200, '{"status":"ok"}');
    }
    req.resume();
    sendJson(res, 404, mockErrorBody(`Unknown path ${req.method ?? ''} ${path}`, null, 'invalid_request_error', 'unknown_url'));
  };
}

/**
 * A standalone OpenAI-compatible server backed by the mock generator: POST /v1/chat/completions,
 * /v1/completions, /v1/embeddings, GET /v1/models (also without `/v1`).
 */
export async function startMockUpstream(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const settings = resolveMockSettings(options.config);
  const host = options.host ?? '127.0.0.1';
  const server = createServer({ noDelay: true, keepAlive: true }, createMockUpstreamHandler(settings));
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    server,
    settings,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

const USAGE = `Usage: node serve-mock-upstream.js [options]
  --port N                  port to listen on (default 9000; 0 = any free port)
  --host H                  address to bind (default 127.0.0.1)
  --output-tokens N         tokens per reply (default 16)
  --ttft-ms N               delay before the first token (default 0)
  --tokens-per-second N     pace after the first token (default 0 = unpaced)
  --embedding-dimensions N  embedding length (default 8)
  --models a,b              model names listed by GET /v1/models (default mock)
`;

function numberOption(values: Record<string, unknown>, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got "${String(raw)}"`);
  return n;
}

/** The CLI: parses flags, starts the server, prints the URL, stops on SIGINT/SIGTERM. */
export async function mockUpstreamCli(argv: string[]): Promise<MockUpstream | undefined> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'output-tokens': { type: 'string' },
      'ttft-ms': { type: 'string' },
      'tokens-per-second': { type: 'string' },
      'embedding-dimensions': { type: 'string' },
      models: { type: 'string', multiple: true },
      model: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return undefined;
  }
  const models = [...(values.models ?? []), ...(values.model ?? [])].flatMap((m) => m.split(',')).filter(Boolean);
  const config: MockOptions = {
    output_tokens: numberOption(values, 'output-tokens'),
    ttft_ms: numberOption(values, 'ttft-ms'),
    tokens_per_second: numberOption(values, 'tokens-per-second'),
    embedding_dimensions: numberOption(values, 'embedding-dimensions'),
  };
  if (models.length) config.mock_models = models;
  const upstream = await startMockUpstream({ port: numberOption(values, 'port') ?? 9000, host: values.host ?? '127.0.0.1', config });
  const s = upstream.settings;
  process.stdout.write(
    `mock upstream listening on ${upstream.url} (output_tokens=${s.outputTokens} ttft_ms=${s.ttftMs} ` +
      `tokens_per_second=${s.tokenIntervalMs ? 1000 / s.tokenIntervalMs : 0} models=${s.models.join(',')})\n`,
  );
  const stop = () => {
    void upstream.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return upstream;
}

function isMainModule(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isMainModule()) {
  mockUpstreamCli(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    process.exit(1);
  });
}
