/**
 * A scriptable fake upstream for end-to-end tests: a node:http server on 127.0.0.1 that records
 * every request and answers either like an OpenAI-compatible server (the mock generator) or
 * with what the test scripted (`json`, `sse`, `replayFixture`, `hang`, `slowHeaders`,
 * `destroyMidStream`, `text`, `largeChunks`).
 *
 *   const upstream = await startFakeUpstream();
 *   upstream.next(replayFixture('anthropic/anthropic-text'));
 *   … point a backend's base_url at upstream.url …
 *   assert.equal(upstream.requests[0].body.model, 'claude-x');
 *   await upstream.close();
 *
 * Fixtures are read from `fixturesDir()`: $SWITCHYARD_FIXTURES, else the folder given to
 * `setFixturesDir`, else `./fixtures` under the working directory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  buildMockReply,
  MOCK_MODEL_CREATED,
  MockEventReadable,
  resolveMockSettings,
  type MockOptions,
  type MockProtocol,
} from '@switchyard/plugin-mock/standalone';
import { checkResponsesOrGeminiRequest } from './rules/check-responses-or-gemini-request.js';

// ---------------------------------------------------------------------------------------------
// Records

/** One request the fake received, and what became of its response. */
export interface RecordedRequest {
  /** 0-based arrival order. */
  readonly index: number;
  readonly method: string;
  /** Path and query as received (`/v1/messages?beta=true`). */
  readonly url: string;
  /** `url` without the query. */
  readonly path: string;
  /** The query string without `?` ('' when none). */
  readonly query: string;
  readonly headers: IncomingHttpHeaders;
  /** The body bytes (complete once `bodyReceived` resolved; handlers run after that). */
  rawBody: Buffer;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  /** Resolves once the whole request body has been read. */
  readonly bodyReceived: Promise<void>;
  /** performance.now() at arrival. */
  readonly receivedAt: number;
  /**
   * True when the connection closed before the response was completely sent: the client
   * (the gateway) went away, or the fake cut it on purpose (see `destroyedByFake`).
   */
  closedEarly: boolean;
  /** True when the fake itself destroyed the connection (`destroyMidStream`). */
  destroyedByFake: boolean;
  /** True once the response was completely sent. */
  responseEnded: boolean;
  /** Resolves when the exchange is over: the response finished, or the socket closed first. */
  readonly closed: Promise<void>;
  /** performance.now() when `closed` resolved. */
  closedAt: number | undefined;
  /** Aborted when the exchange is over (for handlers that wait or stream). */
  readonly signal: AbortSignal;
  /** SSE events / chunks written so far by the streaming responders. */
  chunksSent: number;
  /** Times a streaming responder had to wait for `drain` (the reader applied backpressure). */
  drainWaits: number;
}

export type FakeHandler = (req: IncomingMessage, res: ServerResponse, record: RecordedRequest) => void | Promise<void>;

// ---------------------------------------------------------------------------------------------
// Fixtures and SSE framing

/** How replayed lines are framed on the wire (fixtures/README.md). */
export type SseFraming =
  /** `data: <line>\n\n` per line, then `data: [DONE]\n\n` (OpenAI chat and completions). */
  | 'openai'
  /** `event: <line.type>\ndata: <line>\n\n` (Anthropic Messages). */
  | 'anthropic'
  /** `event: <line.type>\ndata: <line>\n\n` (OpenAI Responses / OpenResponses). */
  | 'responses'
  /** `data: <line>\r\n\r\n` (Gemini `?alt=sse`). */
  | 'gemini'
  /** `data: <line>\n\n` per line, nothing after. */
  | 'data'
  /** Each line is written exactly as given. */
  | 'raw';

let defaultFixturesDir: string | undefined;

/**
 * Where fixture names are looked up when $SWITCHYARD_FIXTURES is not set (a test suite's own
 * recordings folder). Relative paths resolve against the working directory.
 */
export function setFixturesDir(dir: string): void {
  defaultFixturesDir = path.resolve(dir);
}

/** The recorded fixtures folder: $SWITCHYARD_FIXTURES, else the one set by setFixturesDir, else ./fixtures. */
export function fixturesDir(): string {
  return process.env.SWITCHYARD_FIXTURES ?? defaultFixturesDir ?? path.resolve('fixtures');
}

/** The absolute path of a fixture (`openai-chat/openai-text.chunks.txt`; absolute paths pass through). */
export function fixturePath(name: string): string {
  return path.isAbsolute(name) ? name : path.join(fixturesDir(), name);
}

/** The framing a fixture folder's provider uses. */
export function framingForFixture(name: string): SseFraming {
  const dir = path.basename(path.dirname(fixturePath(name)));
  switch (dir) {
    case 'anthropic':
      return 'anthropic';
    case 'gemini':
      return 'gemini';
    case 'openresponses':
      return 'responses';
    default:
      return 'openai';
  }
}

/** A `*.chunks.txt` fixture as its non-empty lines (one JSON event each). */
export function readFixtureLines(name: string): string[] {
  return readFileSync(fixturePath(name), 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
}

/** A `*.json` fixture, parsed. */
export function readFixtureJson<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8')) as T;
}

function eventType(line: string): string {
  const type = (JSON.parse(line) as { type?: unknown }).type;
  if (typeof type !== 'string') throw new Error(`fake upstream: SSE line has no "type" to name its event: ${line.slice(0, 120)}`);
  return type;
}

/** Frames lines (JSON texts or objects) into the exact SSE byte strings a provider sends. */
export function frameSse(lines: ReadonlyArray<string | object>, framing: SseFraming): string[] {
  const texts = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l)));
  switch (framing) {
    case 'openai':
      return [...texts.map((t) => `data: ${t}\n\n`), 'data: [DONE]\n\n'];
    case 'data':
      return texts.map((t) => `data: ${t}\n\n`);
    case 'anthropic':
    case 'responses':
      return texts.map((t) => `event: ${eventType(t)}\ndata: ${t}\n\n`);
    case 'gemini':
      return texts.map((t) => `data: ${t}\r\n\r\n`);
    case 'raw':
      return texts;
  }
}

/** The SSE events of a `*.chunks.txt` fixture, framed for its provider unless `framing` says otherwise. */
export function fixtureEvents(name: string, framing?: SseFraming): string[] {
  return frameSse(readFixtureLines(name), framing ?? framingForFixture(name));
}

// ---------------------------------------------------------------------------------------------
// Responders

export interface SseOptions {
  /** Default 'openai' (adds `data: [DONE]`). */
  framing?: SseFraming;
  /** Pause between two events. */
  delayMs?: number;
  /** Pause before the first event (after the headers). */
  initialDelayMs?: number;
  status?: number;
  headers?: Record<string, string>;
}

function closedOrDrained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

async function pause(ms: number, record: RecordedRequest): Promise<boolean> {
  if (ms <= 0) return !record.signal.aborted;
  try {
    await delay(ms, undefined, { signal: record.signal });
    return true;
  } catch {
    return false;
  }
}

function sseHeaders(_status: number, extra?: Record<string, string>): Record<string, string> {
  return { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...extra };
}

/**
 * Writes events one `write` each, honouring backpressure (waits for `drain`) and stopping when
 * the client goes away. Ends the response unless `end` is false. Returns false if cut short.
 */
export async function writeEvents(
  res: ServerResponse,
  record: RecordedRequest,
  events: Iterable<string>,
  opts: { delayMs?: number; initialDelayMs?: number; end?: boolean } = {},
): Promise<boolean> {
  if (!(await pause(opts.initialDelayMs ?? 0, record))) return false;
  let first = true;
  for (const event of events) {
    if (!first && !(await pause(opts.delayMs ?? 0, record))) return false;
    first = false;
    if (res.destroyed || record.signal.aborted) return false;
    const ok = res.write(event);
    record.chunksSent++;
    if (!ok) {
      record.drainWaits++;
      await closedOrDrained(res);
    }
  }
  if (res.destroyed || record.signal.aborted) return false;
  if (opts.end !== false) res.end();
  return true;
}

/** A JSON response (`body` objects are serialised; strings are sent as-is). */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): FakeHandler {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  };
}

/** A plain response, e.g. a proxy's HTML error page (content type text/html when it starts with `<`). */
export function text(status: number, body: string, headers: Record<string, string> = {}): FakeHandler {
  const type = body.trimStart().startsWith('<') ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8';
  return (_req, res) => {
    res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)), ...headers });
    res.end(body);
  };
}

/** An SSE response from lines (JSON texts or objects), framed as `framing` (default 'openai'). */
export function sse(lines: ReadonlyArray<string | object>, opts: SseOptions = {}): FakeHandler {
  const events = frameSse(lines, opts.framing ?? 'openai');
  return async (_req, res, record) => {
    res.writeHead(opts.status ?? 200, sseHeaders(opts.status ?? 200, opts.headers));
    res.flushHeaders();
    await writeEvents(res, record, events, opts);
  };
}

export interface ReplayOptions {
  /** Override the provider framing derived from the fixture's folder. */
  framing?: SseFraming;
  delayMs?: number;
  initialDelayMs?: number;
  /** Default: 200 for streams; for JSON the `error.code` when it is an HTTP status, else 200. */
  status?: number;
  headers?: Record<string, string>;
  /** For a name without extension: force the streamed or the JSON variant (default: from the request). */
  variant?: 'stream' | 'json';
}

function wantsStream(req: IncomingMessage, record: RecordedRequest): boolean {
  const body = record.body as { stream?: unknown } | undefined;
  return (
    body?.stream === true || /stream/i.test(record.path) || /alt=sse/.test(record.query) || /event-stream/.test(req.headers.accept ?? '')
  );
}

/**
 * Replays a recorded fixture: `dir/name.chunks.txt` as SSE with its provider's exact framing,
 * `dir/name.json` as a JSON body. Without an extension, the request decides (`stream: true`,
 * a streaming path such as `:streamGenerateContent`, or `alt=sse` → chunks; else JSON).
 */
export function replayFixture(name: string, opts: ReplayOptions = {}): FakeHandler {
  const hasExt = name.endsWith('.chunks.txt') || name.endsWith('.json');
  const chunksName = hasExt ? (name.endsWith('.chunks.txt') ? name : undefined) : `${name}.chunks.txt`;
  const jsonName = hasExt ? (name.endsWith('.json') ? name : undefined) : `${name}.json`;
  const chunks = chunksName && existsSync(fixturePath(chunksName)) ? fixtureEvents(chunksName, opts.framing) : undefined;
  const body = jsonName && existsSync(fixturePath(jsonName)) ? readFileSync(fixturePath(jsonName), 'utf8') : undefined;
  if (!chunks && !body) throw new Error(`fake upstream: no fixture ${name} under ${fixturesDir()}`);
  let jsonStatus = 200;
  if (body) {
    const code = (JSON.parse(body) as { error?: { code?: unknown } }).error?.code;
    if (typeof code === 'number' && code >= 400 && code <= 599) jsonStatus = code;
  }
  return async (req, res, record) => {
    const stream = opts.variant ? opts.variant === 'stream' : wantsStream(req, record);
    if (chunks && (stream || !body)) {
      res.writeHead(opts.status ?? 200, sseHeaders(opts.status ?? 200, opts.headers));
      res.flushHeaders();
      await writeEvents(res, record, chunks, opts);
      return;
    }
    const text = body!;
    if (!(await pause(opts.initialDelayMs ?? 0, record))) return;
    res.writeHead(opts.status ?? jsonStatus, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
      ...opts.headers,
    });
    res.end(text);
  };
}

export interface HangOptions {
  /** Send the status line and headers, then stall (a stream that never produces a byte). */
  sendHeaders?: boolean;
  status?: number;
  headers?: Record<string, string>;
  /** Raw bytes to write after the headers before stalling (implies sendHeaders). */
  chunks?: string[];
}

/** Never finishes the response (holds it open until the client goes away or the fake closes). */
export function hang(opts: HangOptions = {}): FakeHandler {
  return (_req, res) => {
    if (opts.sendHeaders || opts.chunks) {
      res.writeHead(opts.status ?? 200, opts.headers ?? sseHeaders(200));
      res.flushHeaders();
      for (const chunk of opts.chunks ?? []) res.write(chunk);
    }
  };
}

/** Waits `ms` before answering with `then` (default: the OpenAI-compatible behaviour). */
export function slowHeaders(ms: number, then: FakeHandler = openAiCompatible()): FakeHandler {
  return async (req, res, record) => {
    if (await pause(ms, record)) await then(req, res, record);
  };
}

export interface DestroyOptions {
  /** Replay this fixture's events instead of the mock's stream. */
  fixture?: string;
  /** Or these lines, framed with `framing` (default 'openai'). */
  lines?: ReadonlyArray<string | object>;
  framing?: SseFraming;
  delayMs?: number;
}

/**
 * Starts a stream (200, SSE headers), sends the first `afterChunks` events, then destroys the
 * connection without finishing the chunked body. Events come from `fixture`, `lines`, or by
 * default the mock's OpenAI chat stream for the request.
 */
export function destroyMidStream(afterChunks: number, opts: DestroyOptions = {}): FakeHandler {
  return async (_req, res, record) => {
    let events: string[];
    if (opts.fixture) events = fixtureEvents(opts.fixture, opts.framing);
    else if (opts.lines) events = frameSse(opts.lines, opts.framing ?? 'openai');
    else events = mockChatEvents(record, 64);
    res.writeHead(200, sseHeaders(200));
    res.flushHeaders();
    const ok = await writeEvents(res, record, events.slice(0, afterChunks), { delayMs: opts.delayMs, end: false });
    if (!ok) return;
    // Let the written bytes leave before cutting the connection.
    await new Promise<void>((resolve) => res.write('', () => resolve()));
    record.destroyedByFake = true;
    res.socket?.destroy();
  };
}

export interface LargeChunksOptions {
  /** Pause between chunks. */
  delayMs?: number;
  /** Model name written into the chunks (default: the request's). */
  model?: string;
}

/**
 * An OpenAI chat stream of `count` chunks whose content is `size` characters each (then a
 * finish chunk and `[DONE]`), written with backpressure: `record.chunksSent` and
 * `record.drainWaits` show how far the reader let it get.
 */
export function largeChunks(count: number, size: number, opts: LargeChunksOptions = {}): FakeHandler {
  return async (_req, res, record) => {
    const model = opts.model ?? (typeof record.body?.model === 'string' ? (record.body.model as string) : 'fake');
    const head = `{"id":"chatcmpl-large","object":"chat.completion.chunk","created":${Math.floor(Date.now() / 1000)},"model":${JSON.stringify(model)},"choices":[{"index":0,"delta":`;
    const content = `data: ${head}{"content":"${'x'.repeat(size)}"},"logprobs":null,"finish_reason":null}]}\n\n`;
    function* events() {
      yield `data: ${head}{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`;
      for (let i = 0; i < count; i++) yield content;
      yield `data: ${head}{},"logprobs":null,"finish_reason":"stop"}]}\n\n`;
      yield 'data: [DONE]\n\n';
    }
    res.writeHead(200, sseHeaders(200));
    res.flushHeaders();
    await writeEvents(res, record, events(), { delayMs: opts.delayMs });
  };
}

// ---------------------------------------------------------------------------------------------
// The default: an OpenAI-compatible server (the mock generator)

const GENERATION_PATHS: ReadonlyArray<[string, MockProtocol]> = [
  ['/chat/completions', 'openai.chat'],
  ['/completions', 'openai.completions'],
  ['/embeddings', 'openai.embeddings'],
];

function mockChatEvents(record: RecordedRequest, outputTokens: number): string[] {
  const body: Record<string, unknown> = { ...(record.body as Record<string, unknown> | undefined), stream: true };
  if (!Array.isArray(body.messages)) body.messages = [{ role: 'user', content: 'hello' }];
  const model = typeof body.model === 'string' ? body.model : 'fake';
  const reply = buildMockReply('openai.chat', body, model, resolveMockSettings({ output_tokens: outputTokens }));
  const events: string[] = [];
  for (let i = 0; reply.plan && i < reply.plan.length; i++) events.push(reply.plan.render(i));
  return events;
}

/**
 * Answers like an OpenAI-compatible server (any path prefix): POST …/chat/completions,
 * …/completions, …/embeddings with the mock generator's bytes (streamed one event per write),
 * GET …/models with `options.mock_models` (default ['mock']); anything else 404.
 */
export function openAiCompatible(options: MockOptions = {}): FakeHandler {
  const settings = resolveMockSettings(options);
  const listing = {
    object: 'list',
    data: settings.models.map((id) => ({ id, object: 'model', created: MOCK_MODEL_CREATED, owned_by: 'fake-upstream' })),
  };
  return (req, res, record) => {
    const route = GENERATION_PATHS.find(([suffix]) => record.path.endsWith(suffix));
    if (req.method === 'POST' && route) {
      const body = record.body as Record<string, unknown> | undefined;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        return json(400, { error: { message: 'body is not a JSON object', type: 'invalid_request_error', param: null, code: null } })(
          req,
          res,
          record,
        );
      }
      const model = typeof body.model === 'string' ? body.model : 'fake';
      const reply = buildMockReply(route[1], body, model, settings);
      if (reply.plan) {
        res.writeHead(reply.status, sseHeaders(reply.status, { 'x-request-id': reply.requestId }));
        res.flushHeaders();
        const stream = new MockEventReadable(reply.plan, record.signal);
        stream.on('data', () => record.chunksSent++);
        stream.on('error', () => {});
        stream.pipe(res);
        return;
      }
      return slowHeaders(reply.readyInMs, json(reply.status, reply.body ?? '', { 'x-request-id': reply.requestId }))(req, res, record);
    }
    if (req.method === 'GET' && record.path.endsWith('/models')) return json(200, listing)(req, res, record);
    return json(404, {
      error: {
        message: `fake upstream: no route for ${req.method} ${record.path}`,
        type: 'invalid_request_error',
        param: null,
        code: 'unknown_url',
      },
    })(req, res, record);
  };
}

/** The scripted responders, also as one object (`respond.json(200, {...})`). */
export const respond = { json, text, sse, replayFixture, hang, slowHeaders, destroyMidStream, largeChunks, openAiCompatible };

// ---------------------------------------------------------------------------------------------
// The server

export interface FakeUpstream {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** Every request received, in arrival order (pushed on arrival; bodies fill in when read). */
  readonly requests: RecordedRequest[];
  /** The most recent request. */
  readonly lastRequest: RecordedRequest | undefined;
  /** Use `handler` for the next `times` requests (queued after earlier `next` calls). */
  next(handler: FakeHandler, times?: number): this;
  /** Replace the handler used when nothing is queued. */
  always(handler: FakeHandler): this;
  /** Forget recorded requests and queued handlers; restore the default handler. */
  reset(): this;
  /** Resolves when at least `count` requests have arrived with their bodies read. */
  waitForRequests(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Stops the server, cutting any open connections. */
  close(): Promise<void>;
}

/** Starts a fake upstream on 127.0.0.1 with a free port; `handler` replaces the OpenAI-compatible default. */
export async function startFakeUpstream(handler?: FakeHandler): Promise<FakeUpstream> {
  const initial = handler ?? openAiCompatible();
  let fallback = initial;
  const queue: FakeHandler[] = [];
  const requests: RecordedRequest[] = [];
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();

  const notify = () => {
    for (const w of waiters) w();
  };

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const controller = new AbortController();
    let resolveBody!: () => void;
    let resolveClosed!: () => void;
    const record: RecordedRequest = {
      index: requests.length,
      method: req.method ?? 'GET',
      url,
      path: q < 0 ? url : url.slice(0, q),
      query: q < 0 ? '' : url.slice(q + 1),
      headers: req.headers,
      rawBody: Buffer.alloc(0),
      body: undefined,
      bodyReceived: new Promise<void>((r) => (resolveBody = r)),
      receivedAt: performance.now(),
      closedEarly: false,
      destroyedByFake: false,
      responseEnded: false,
      closed: new Promise<void>((r) => (resolveClosed = r)),
      closedAt: undefined,
      signal: controller.signal,
      chunksSent: 0,
      drainWaits: 0,
    };
    requests.push(record);
    const handle = queue.length ? queue.shift()! : fallback;

    res.once('finish', () => {
      record.responseEnded = true;
    });
    res.once('close', () => {
      if (!record.responseEnded) record.closedEarly = true;
      record.closedAt = performance.now();
      controller.abort();
      resolveBody();
      resolveClosed();
      notify();
    });

    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      record.rawBody = Buffer.concat(chunks);
      if (record.rawBody.length) {
        try {
          record.body = JSON.parse(record.rawBody.toString('utf8'));
        } catch {
          record.body = undefined;
        }
      }
      resolveBody();
      notify();
      // Strict: a request the real Responses / Gemini API rejects gets the provider's 400, whatever was scripted.
      const rejected = checkResponsesOrGeminiRequest(record.method, record.path, record.body);
      const respond = rejected ? json(rejected.status, rejected.body) : handle;
      Promise.resolve()
        .then(() => respond(req, res, record))
        .catch((err: unknown) => {
          if (!res.headersSent) {
            json(500, {
              error: { message: `fake upstream handler failed: ${String(err)}`, type: 'server_error', param: null, code: null },
            })(req, res, record);
          } else {
            res.destroy();
          }
        });
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  const upstream: FakeUpstream = {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    requests,
    get lastRequest() {
      return requests[requests.length - 1];
    },
    next(h, times = 1) {
      for (let i = 0; i < times; i++) queue.push(h);
      return this;
    },
    always(h) {
      fallback = h;
      return this;
    },
    reset() {
      requests.length = 0;
      queue.length = 0;
      fallback = initial;
      return this;
    },
    async waitForRequests(count, timeoutMs = 10_000) {
      const ready = async () => {
        if (requests.length < count) return false;
        await Promise.all(requests.slice(0, count).map((r) => r.bodyReceived));
        return true;
      };
      if (await ready()) return requests;
      return new Promise<RecordedRequest[]>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`fake upstream: expected ${count} request(s) within ${timeoutMs} ms, got ${requests.length}`));
        }, timeoutMs);
        const check = () => {
          void ready().then((ok) => {
            if (ok && waiters.delete(check)) {
              clearTimeout(timer);
              resolve(requests);
            }
          });
        };
        waiters.add(check);
      });
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
    },
  };
  return upstream;
}
