/**
 * The benchmark's mock upstream: one process, two ports, built from @switchyard/plugin-mock's
 * reply generator. Unlike serve-mock-upstream (which coalesces every SSE event that is due into
 * one write), each SSE event goes out in its own write, so "20 chunks 0 ms apart" really is 20+
 * chunks on the wire.
 *
 *   fast port:  non-streamed replies at once; streamed events written back to back (0 ms apart)
 *   paced port: streamed events `--gap-ms` apart (the role chunk rides with the first token)
 *   burst port: like paced, `--burst-gap-ms` apart (many slow streams open at once)
 *   anthropic port: Anthropic Messages (`POST /v1/messages`), answered at once (anthropic-mock-reply.ts)
 *
 * Prints one JSON line `{"fast":"http://…","paced":"http://…","burst":"…","anthropic":"…"}` when all listen.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import {
  buildMockReply,
  JSON_CONTENT_TYPE,
  MockPlanPacer,
  mockErrorBody,
  resolveMockSettings,
  SSE_CONTENT_TYPE,
  type MockSettings,
  type MockStreamPlan,
} from '@switchyard/plugin-mock/standalone';
import { AnthropicStreamPlan, anthropicErrorBody, anthropicMessageBody, anthropicRequestProblem } from './anthropic-mock-reply.js';

function sendJson(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': JSON_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** One write per SSE event; events due now go out back to back, later ones on a timer. */
function writeEachEvent(plan: MockStreamPlan, res: ServerResponse): void {
  const pacer = new MockPlanPacer(plan);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const step = (): void => {
    timer = undefined;
    for (;;) {
      if (closed) return;
      const wait = pacer.waitMs();
      if (wait < 0) return void res.end();
      if (wait > 0) return void (timer = setTimeout(step, wait));
      if (!res.write(pacer.take())) return void res.once('drain', step);
    }
  };
  res.once('close', () => {
    closed = true;
    if (timer !== undefined) clearTimeout(timer);
  });
  step();
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Reads the whole request body, then answers with `reply` (or 400 when it is not JSON). */
function withJsonBody(req: IncomingMessage, res: ServerResponse, notJson: string, reply: (body: Record<string, unknown>) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.once('end', () => {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return sendJson(res, 400, notJson);
    }
    reply(body);
  });
}

/** The Anthropic Messages port: `POST /v1/messages`, whole or streamed, `tokens` output tokens. */
function anthropicHandler(tokens: number, model: string): Handler {
  const listing = JSON.stringify({
    data: [{ type: 'model', id: model, display_name: model, created_at: '2025-01-01T00:00:00Z' }],
    has_more: false,
  });
  return (req, res) => {
    const url = req.url ?? '/';
    if (req.method === 'POST' && url === '/v1/messages') {
      return withJsonBody(req, res, anthropicErrorBody('invalid_request_error', 'The request body is not valid JSON'), (body) => {
        const problem = anthropicRequestProblem(body);
        if (problem) return sendJson(res, 400, anthropicErrorBody('invalid_request_error', problem));
        const name = typeof body.model === 'string' ? body.model : model;
        if (body.stream !== true) return sendJson(res, 200, anthropicMessageBody(name, tokens));
        res.writeHead(200, { 'content-type': SSE_CONTENT_TYPE, 'cache-control': 'no-cache' });
        writeEachEvent(new AnthropicStreamPlan(name, tokens), res);
      });
    }
    req.resume();
    if (req.method === 'GET' && url.startsWith('/v1/models')) return sendJson(res, 200, listing);
    sendJson(res, 404, anthropicErrorBody('not_found_error', `Unknown path ${req.method ?? ''} ${url}`));
  };
}

function handler(settings: MockSettings, model: string): Handler {
  const listing = JSON.stringify({ object: 'list', data: [{ id: model, object: 'model', created: 0, owned_by: 'bench' }] });
  return (req, res) => {
    const url = req.url ?? '/';
    if (req.method === 'POST' && (url === '/v1/chat/completions' || url === '/chat/completions')) {
      return withJsonBody(req, res, mockErrorBody('The request body is not valid JSON'), (body) => {
        const reply = buildMockReply('openai.chat', body, typeof body.model === 'string' ? body.model : model, settings);
        if (!reply.plan) {
          if (reply.readyInMs <= 0) return sendJson(res, reply.status, reply.body ?? '');
          const timer = setTimeout(() => sendJson(res, reply.status, reply.body ?? ''), reply.readyInMs);
          return void res.once('close', () => clearTimeout(timer));
        }
        res.writeHead(reply.status, { 'content-type': SSE_CONTENT_TYPE, 'cache-control': 'no-cache' });
        writeEachEvent(reply.plan, res);
      });
    }
    req.resume();
    if (req.method === 'GET' && (url === '/v1/models' || url === '/models')) return sendJson(res, 200, listing);
    if (req.method === 'GET' && (url === '/health' || url === '/healthz')) return sendJson(res, 200, '{"status":"ok"}');
    sendJson(res, 404, mockErrorBody(`Unknown path ${req.method ?? ''} ${url}`));
  };
}

async function listen(serve: Handler, host: string, port: number): Promise<string> {
  const server = createServer({ noDelay: true, keepAlive: true }, serve);
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    'fast-port': { type: 'string', default: '0' },
    'paced-port': { type: 'string', default: '0' },
    chunks: { type: 'string', default: '20' },
    'gap-ms': { type: 'string', default: '5' },
    'burst-gap-ms': { type: 'string', default: '40' },
    model: { type: 'string', default: 'bench-mock' },
  },
});
const chunks = Number(values.chunks);
const model = values.model;
const host = values.host;
const paced = (gapMs: number) =>
  handler(resolveMockSettings({ output_tokens: chunks, tokens_per_second: gapMs > 0 ? 1000 / gapMs : 0, mock_models: [model] }), model);
const urls = {
  fast: await listen(
    handler(resolveMockSettings({ output_tokens: chunks, mock_models: [model] }), model),
    host,
    Number(values['fast-port']),
  ),
  paced: await listen(paced(Number(values['gap-ms'])), host, Number(values['paced-port'])),
  burst: await listen(paced(Number(values['burst-gap-ms'])), host, 0),
  anthropic: await listen(anthropicHandler(chunks, model), host, 0),
};
process.stdout.write(JSON.stringify(urls) + '\n');
process.once('SIGTERM', () => process.exit(0));
process.once('SIGINT', () => process.exit(0));
