/**
 * Small shared pieces for the end-to-end suite (test/e2e): raw HTTP calls, finding what the
 * fake upstream received for one request, scripted replies keyed by model name, and reading a
 * process's memory.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { openAiCompatible, type FakeHandler, type FakeUpstream, type RecordedRequest } from './fake-upstream.js';

/** A fresh, sane request id (sent as `x-request-id` so a test can find its upstream request). */
export function rid(prefix = 'e2e'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

export interface RawReply {
  status: number;
  headers: Headers;
  /** The body's bytes. */
  bytes: Buffer;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json(): any;
}

/** POSTs `body` (a string is sent verbatim, an object as JSON) and reads the whole reply. */
export async function post(
  url: string,
  body: string | object,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<RawReply> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: signal ?? AbortSignal.timeout(10_000),
  });
  return readReply(res);
}

/** GETs `url` and reads the whole reply. */
export async function get(url: string, headers: Record<string, string> = {}): Promise<RawReply> {
  return readReply(await fetch(url, { headers, signal: AbortSignal.timeout(10_000) }));
}

async function readReply(res: Response): Promise<RawReply> {
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = bytes.toString('utf8');
  return {
    status: res.status,
    headers: res.headers,
    bytes,
    text,
    json: () => JSON.parse(text),
  };
}

/** The request the fake received carrying `x-request-id: id` (waits for it and its body). */
export async function receivedWithId(upstream: FakeUpstream, id: string, timeoutMs = 5000): Promise<RecordedRequest> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = upstream.requests.find((r) => r.headers['x-request-id'] === id);
    if (found) {
      await found.bodyReceived;
      return found;
    }
    if (Date.now() > deadline) throw new Error(`fake upstream: no request with x-request-id ${id} within ${timeoutMs} ms`);
    await delay(10);
  }
}

/** Requests the fake received with `x-request-id: id` (none when the gateway did not call it). */
export function allWithId(upstream: FakeUpstream, id: string): RecordedRequest[] {
  return upstream.requests.filter((r) => r.headers['x-request-id'] === id);
}

/**
 * A fake-upstream handler that picks a scripted reply by the request body's `model`; GETs (the
 * gateway's model listing) and unknown models get `fallback` (default: OpenAI-compatible mock).
 */
export function byModel(handlers: Record<string, FakeHandler>, fallback: FakeHandler = openAiCompatible()): FakeHandler {
  return (req, res, record) => {
    const model = typeof record.body?.model === 'string' ? (record.body.model as string) : undefined;
    const handler = req.method === 'POST' && model !== undefined ? handlers[model] : undefined;
    return (handler ?? fallback)(req, res, record);
  };
}

/**
 * A fake-upstream handler that answers each request with the handler registered for its
 * `x-request-id` (race-free even when the gateway's background model listing arrives at the
 * same time); others get `fallback`.
 */
export function byRequestId(fallback: FakeHandler = openAiCompatible()): FakeHandler & { on(id: string, handler: FakeHandler): void } {
  const handlers = new Map<string, FakeHandler>();
  const handler: FakeHandler = (req, res, record) => {
    const id = record.headers['x-request-id'];
    const h = typeof id === 'string' ? handlers.get(id) : undefined;
    return (h ?? fallback)(req, res, record);
  };
  return Object.assign(handler, { on: (id: string, h: FakeHandler) => void handlers.set(id, h) });
}

/** Polls `check` until it returns a truthy value (returned) or the time is up (throws). */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  timeoutMs = 5000,
  what = 'condition',
  intervalMs = 20,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(intervalMs);
  }
}

/** Waits for the journal line (JSONL at `file`, which may not exist yet) of request `id`, and returns it parsed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a journal line is checked field by field
export function waitForJournalLine<T = Record<string, any>>(file: string, id: string, timeoutMs = 5000): Promise<T> {
  return waitFor(
    () => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
      return text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as T & { request_id?: unknown })
        .find((l) => l.request_id === id);
    },
    timeoutMs,
    `the journal line of ${id}`,
  ) as Promise<T>;
}

/** Resolves like `promise`, or rejects after `ms` naming `what`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resident set size of a process in bytes (Linux /proc/<pid>/status VmRSS). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

/** Asserts an OpenAI error envelope `{"error":{"message","type","param","code"}}` and returns its `error`. */
export function assertOpenAIError(
  reply: RawReply,
  status: number,
  messagePattern?: RegExp,
): { message: string; type: string; param: string | null; code: string | null } {
  assert.equal(reply.status, status, `status ${reply.status} (expected ${status}): ${reply.text}`);
  assert.match(reply.headers.get('content-type') ?? '', /^application\/json/);
  const body = reply.json() as { error?: Record<string, unknown> };
  assert.equal(typeof body.error, 'object', `not an OpenAI error envelope: ${reply.text}`);
  const error = body.error as { message: string; type: string; param: string | null; code: string | null };
  assert.deepEqual(Object.keys(error).sort(), ['code', 'message', 'param', 'type'], `OpenAI envelope keys: ${reply.text}`);
  assert.equal(typeof error.message, 'string');
  assert.equal(typeof error.type, 'string');
  if (messagePattern) assert.match(error.message, messagePattern);
  return error;
}

/** Asserts an Anthropic error envelope `{"type":"error","error":{"type","message"}}` and returns its `error`. */
export function assertAnthropicError(reply: RawReply, status: number, type?: string): { type: string; message: string } {
  assert.equal(reply.status, status, `status ${reply.status} (expected ${status}): ${reply.text}`);
  const body = reply.json() as { type?: string; error?: { type: string; message: string } };
  assert.equal(body.type, 'error', `not an Anthropic error envelope: ${reply.text}`);
  assert.equal(typeof body.error?.message, 'string');
  if (type) assert.equal(body.error!.type, type);
  return body.error!;
}

/** A generated request id looks like a UUID (the gateway's own). */
export const GENERATED_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A W3C traceparent. */
export const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

// ---------------------------------------------------------------------------------------------
// OpenAI response builders for scripted fakes

export function chatCompletion(model: string, message: Record<string, unknown>, finish = 'stop'): Record<string, unknown> {
  return {
    id: 'chatcmpl-e2e',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', ...message }, logprobs: null, finish_reason: finish }],
    usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
  };
}

export function chatChunk(model: string, delta: Record<string, unknown>, finish: string | null = null): Record<string, unknown> {
  return {
    id: 'chatcmpl-e2e',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
}

/** Chunks of a streamed text answer (role, the pieces, a finish chunk). */
export function textChunks(model: string, pieces: string[]): Record<string, unknown>[] {
  return [
    chatChunk(model, { role: 'assistant', content: '' }),
    ...pieces.map((p) => chatChunk(model, { content: p })),
    chatChunk(model, {}, 'stop'),
  ];
}
