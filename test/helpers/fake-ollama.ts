/**
 * A fake Ollama server for the ollama plugin's tests: `POST /api/chat` and `POST /api/generate`
 * (JSON, or the NDJSON stream Ollama sends by default), `POST /api/embed` and `GET /api/tags`. Before answering it refuses what Ollama
 * refuses, with Ollama's status and `{"error": "…"}` body; each rule is a small function citing
 * Ollama's API documentation (docs/api.md, docs/api/errors.mdx) and, for the exact text, the
 * handler in Ollama's server/routes.go or api/types.go that writes it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeHandler, RecordedRequest } from './fake-upstream.js';

export interface OllamaFault {
  status: number;
  error: string;
}

/** What the fake answers a chat with (streamed as pieces of content, thinking first). */
export interface OllamaChatReply {
  content?: string;
  thinking?: string;
  tool_calls?: { id?: string; function: { name: string; arguments: Record<string, unknown> } }[];
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
}

export type OllamaScript =
  { reply: OllamaChatReply; streamError?: { afterLines: number; error: string }; cutAfterLines?: number } | { fault: OllamaFault };

// ---------------------------------------------------------------------------------------------
// Rules

/**
 * `model` is required (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion,
 * "model: (required)"); ChatHandler answers 400 `{"error":"model is required"}` (server/routes.go).
 */
function missingModel(body: Record<string, unknown>): OllamaFault | null {
  return typeof body.model === 'string' && body.model !== '' ? null : { status: 400, error: 'model is required' };
}

/**
 * A model Ollama does not have: 404 (https://github.com/ollama/ollama/blob/main/docs/api/errors.mdx,
 * "404: Not Found (model doesn't exist, etc.)"), `{"error":"model '<name>' not found"}` (server/routes.go ChatHandler).
 */
function unknownModel(model: string, known: ReadonlySet<string>): OllamaFault | null {
  return known.has(model) ? null : { status: 404, error: `model '${model}' not found` };
}

/**
 * `think` is a boolean or a level "low", "medium", "high", "max"
 * (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion); anything
 * else is a 400 with ThinkValue.UnmarshalJSON's text (api/types.go).
 */
function badThink(think: unknown): OllamaFault | null {
  if (think === undefined || typeof think === 'boolean') return null;
  if (typeof think === 'string') {
    if (['high', 'medium', 'low', 'max'].includes(think)) return null;
    return { status: 400, error: `invalid think value: "${think}" (must be "high", "medium", "low", "max", true, or false)` };
  }
  return { status: 400, error: 'think must be a boolean or string ("high", "medium", "low", "max", true, or false)' };
}

/**
 * A message's `images` are base64-encoded images (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion,
 * "images (optional): a list of images …", and the "Chat request (with images)" example: "base64-encoded");
 * Ollama's JSON decoding of `[]byte` refuses anything else with Go's base64 error (400).
 */
function badImages(messages: unknown[]): OllamaFault | null {
  for (const m of messages) {
    const images = (m as { images?: unknown }).images;
    if (images === undefined) continue;
    for (const image of Array.isArray(images) ? images : [images]) {
      const text = typeof image === 'string' ? image : '';
      const bad = /[^A-Za-z0-9+/=]/.exec(text);
      if (typeof image !== 'string' || bad) return { status: 400, error: `illegal base64 data at input byte ${bad?.index ?? 0}` };
    }
  }
  return null;
}

/**
 * `/api/embed`'s `input` is "text or list of text" (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings);
 * anything else is 400 `{"error":"invalid input type"}` (server/routes.go EmbedHandler).
 */
function badEmbedInput(input: unknown): OllamaFault | null {
  const ok = input === undefined || typeof input === 'string' || (Array.isArray(input) && input.every((i) => typeof i === 'string'));
  return ok ? null : { status: 400, error: 'invalid input type' };
}

/** The fake's vector for a text: `dimensions` (default 4) numbers derived from its length. */
export function fakeEmbedding(text: string, dimensions = 4): number[] {
  return Array.from({ length: dimensions }, (_, i) => Math.round(((text.length + i) / 16) * 1e6) / 1e6);
}

function embedReply(res: ServerResponse, body: Record<string, unknown>, known: ReadonlySet<string>): void {
  const fault = badEmbedInput(body.input) ?? unknownModel(String(body.model ?? ''), known);
  if (fault) return sendFault(res, fault);
  const inputs = typeof body.input === 'string' ? [body.input] : ((body.input as string[] | undefined) ?? []);
  const dims = typeof body.dimensions === 'number' ? body.dimensions : undefined;
  const reply = {
    model: body.model,
    embeddings: inputs.map((t) => fakeEmbedding(t, dims)),
    total_duration: 14143917,
    load_duration: 1019500,
    prompt_eval_count: inputs.reduce((n, t) => n + t.split(' ').length, 0),
  };
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(reply));
}

/**
 * `/api/generate`: `model` is required and `images` are base64
 * (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-completion, "model: (required)",
 * "images: (optional) a list of base64-encoded images"); an unknown model is a 404 as for chat.
 */
function generateFault(body: Record<string, unknown>, known: ReadonlySet<string>): OllamaFault | null {
  return missingModel(body) ?? badImages([{ images: body.images }]) ?? unknownModel(String(body.model), known);
}

function chatFault(body: Record<string, unknown>, known: ReadonlySet<string>): OllamaFault | null {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return missingModel(body) ?? badThink(body.think) ?? badImages(messages) ?? unknownModel(String(body.model), known);
}

/** Ollama's error reply: the status, `{"error": "…"}` as application/json (https://github.com/ollama/ollama/blob/main/docs/api/errors.mdx). */
function sendFault(res: ServerResponse, fault: OllamaFault): void {
  const body = JSON.stringify({ error: fault.error });
  res.writeHead(fault.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

// ---------------------------------------------------------------------------------------------
// Replies

export const DEFAULT_OLLAMA_REPLY: OllamaChatReply = { content: 'Hello from the fake Ollama.', prompt_eval_count: 12, eval_count: 7 };

function pieces(text: string, size = 6): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

const createdAt = (): string => new Date().toISOString();

/** The final object of a chat (streamed or not): done, the reason and the counts. */
function doneFields(reply: OllamaChatReply): Record<string, unknown> {
  return {
    done: true,
    done_reason: reply.done_reason ?? 'stop',
    total_duration: 4883583458,
    load_duration: 1334875,
    prompt_eval_count: reply.prompt_eval_count ?? 12,
    prompt_eval_duration: 342546000,
    eval_count: reply.eval_count ?? 7,
    eval_duration: 4535599000,
  };
}

/**
 * The stream's objects as Ollama sends them (https://github.com/ollama/ollama/blob/main/docs/api.md#chat-request-streaming):
 * thinking pieces, content pieces, the tool calls whole in one object, then the final `done` object
 * with an empty message.
 */
export function ollamaStreamLines(model: string, reply: OllamaChatReply): Record<string, unknown>[] {
  const line = (message: Record<string, unknown>): Record<string, unknown> => ({
    model,
    created_at: createdAt(),
    message: { role: 'assistant', content: '', ...message },
    done: false,
  });
  const out: Record<string, unknown>[] = [];
  for (const t of pieces(reply.thinking ?? '')) out.push(line({ thinking: t }));
  for (const c of pieces(reply.content ?? '')) out.push(line({ content: c }));
  if (reply.tool_calls?.length) out.push(line({ tool_calls: reply.tool_calls }));
  out.push({ model, created_at: createdAt(), message: { role: 'assistant', content: '' }, ...doneFields(reply) });
  return out;
}

/**
 * `/api/generate`'s stream objects (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-request-streaming):
 * pieces of `response` (thinking first, in `thinking`), then the final `done` object with an empty
 * `response` and the counts.
 */
export function ollamaGenerateLines(model: string, reply: OllamaChatReply): Record<string, unknown>[] {
  const line = (fields: Record<string, unknown>): Record<string, unknown> => ({
    model,
    created_at: createdAt(),
    response: '',
    ...fields,
    done: false,
  });
  const out: Record<string, unknown>[] = [];
  for (const t of pieces(reply.thinking ?? '')) out.push(line({ thinking: t }));
  for (const c of pieces(reply.content ?? '')) out.push(line({ response: c }));
  out.push({ model, created_at: createdAt(), response: '', ...doneFields(reply) });
  return out;
}

async function streamReply(
  res: ServerResponse,
  model: string,
  script: Extract<OllamaScript, { reply: unknown }>,
  linesOf: (model: string, reply: OllamaChatReply) => Record<string, unknown>[] = ollamaStreamLines,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  res.flushHeaders();
  const lines = linesOf(model, script.reply);
  const stop = script.streamError?.afterLines ?? script.cutAfterLines ?? lines.length;
  for (const l of lines.slice(0, stop)) {
    res.write(JSON.stringify(l) + '\n');
    await new Promise((r) => setTimeout(r, 2));
  }
  if (script.cutAfterLines !== undefined) {
    await new Promise<void>((resolve) => res.write('', () => resolve()));
    res.socket?.destroy();
    return;
  }
  // A mid-stream failure: one `{"error"}` object, the status unchanged (https://github.com/ollama/ollama/blob/main/docs/api/errors.mdx).
  if (script.streamError) res.write(JSON.stringify({ error: script.streamError.error }) + '\n');
  res.end();
}

export interface FakeOllama extends FakeHandler {
  /** Answer the request carrying `x-request-id: id` with `script` (after the rules). */
  on(id: string, script: OllamaScript): void;
  /** Requests the rules refused, with why. */
  readonly refused: { path: string; fault: OllamaFault }[];
}

/** The fake Ollama with these local models (listed by /api/tags; others are "not found"). */
export function fakeOllama(models: readonly string[]): FakeOllama {
  const known = new Set(models);
  const scripts = new Map<string, OllamaScript>();
  const refused: { path: string; fault: OllamaFault }[] = [];
  const handler = async (_req: IncomingMessage, res: ServerResponse, record: RecordedRequest): Promise<void> => {
    if (record.method === 'GET' && record.path === '/api/tags') {
      // https://github.com/ollama/ollama/blob/main/docs/api.md#list-local-models
      const body = {
        models: models.map((name) => ({
          name,
          model: name,
          modified_at: '2026-05-01T10:00:00Z',
          size: 2019393189,
          digest: 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72',
          details: { format: 'gguf', family: 'llama', parameter_size: '3.2B', quantization_level: 'Q4_K_M' },
        })),
      };
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
      return;
    }
    if (record.method === 'POST' && record.path === '/api/embed')
      return embedReply(res, (record.body ?? {}) as Record<string, unknown>, known);
    /** The rules' fault or the script's fault, answered here (null); else the script of the reply. */
    const scriptFor = (fault: OllamaFault | null): Extract<OllamaScript, { reply: unknown }> | null => {
      if (fault) refused.push({ path: record.path, fault });
      const id = record.headers['x-request-id'];
      const script: OllamaScript = (typeof id === 'string' ? scripts.get(id) : undefined) ?? { reply: DEFAULT_OLLAMA_REPLY };
      const answered = fault ?? ('fault' in script ? script.fault : null);
      if (answered) sendFault(res, answered);
      return answered || 'fault' in script ? null : script;
    };
    if (record.method === 'POST' && record.path === '/api/generate') {
      const body = (record.body ?? {}) as Record<string, unknown>;
      const script = scriptFor(generateFault(body, known));
      if (!script) return;
      const model = String(body.model);
      // `stream` defaults to true: "if false the response will be returned as a single response object".
      if (body.stream !== false) return streamReply(res, model, script, ollamaGenerateLines);
      const r = script.reply;
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(
        JSON.stringify({
          model,
          created_at: createdAt(),
          response: r.content ?? '',
          ...(r.thinking ? { thinking: r.thinking } : {}),
          ...doneFields(r),
        }),
      );
      return;
    }
    if (record.method !== 'POST' || record.path !== '/api/chat') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404 page not found');
      return;
    }
    const body = (record.body ?? {}) as Record<string, unknown>;
    const script = scriptFor(chatFault(body, known));
    if (!script) return;
    const model = String(body.model);
    // `stream` defaults to true (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion).
    if (body.stream !== false) return streamReply(res, model, script);
    const r = script.reply;
    const message: Record<string, unknown> = { role: 'assistant', content: r.content ?? '' };
    if (r.thinking) message.thinking = r.thinking;
    if (r.tool_calls?.length) message.tool_calls = r.tool_calls;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ model, created_at: createdAt(), message, ...doneFields(r) }));
  };
  return Object.assign(handler, { on: (id: string, script: OllamaScript) => void scripts.set(id, script), refused });
}
