/**
 * Pieces for the Anthropic end-to-end tests: a fake Anthropic API (model list, messages from
 * fixtures, scripted replies per request id), Anthropic error bodies, and the official SDK
 * clients pointed at the gateway.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { json, replayFixture, type FakeHandler } from './fake-upstream.js';

export const CLAUDE_MODELS = ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001', 'claude-opus-4-5-20251101'];

/** GET …/v1/models in Anthropic's list shape. */
export const anthropicModelList: FakeHandler = json(200, {
  data: CLAUDE_MODELS.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-09-29T00:00:00Z' })),
  has_more: false,
  first_id: CLAUDE_MODELS[0],
  last_id: CLAUDE_MODELS.at(-1),
});

/**
 * A fake Anthropic API: each request is answered by the handler registered for its
 * `x-request-id`, GET …/models by the model list, anything else by `fallback`
 * (the anthropic-text fixture, streamed or not as the request asks).
 */
export function fakeAnthropic(
  fallback: FakeHandler = replayFixture('anthropic/anthropic-text'),
): FakeHandler & { on(id: string, handler: FakeHandler): void } {
  const handlers = new Map<string, FakeHandler>();
  const handler: FakeHandler = (req, res, record) => {
    if (req.method === 'GET' && record.path.endsWith('/models')) return anthropicModelList(req, res, record);
    const id = record.headers['x-request-id'];
    const h = typeof id === 'string' ? handlers.get(id) : undefined;
    return (h ?? fallback)(req, res, record);
  };
  return Object.assign(handler, { on: (id: string, h: FakeHandler) => void handlers.set(id, h) });
}

/** An Anthropic error reply. */
export function anthropicError(status: number, type: string, message: string, headers: Record<string, string> = {}): FakeHandler {
  return json(
    status,
    { type: 'error', error: { type, message }, request_id: 'req_upstream_1' },
    { 'request-id': 'req_upstream_1', ...headers },
  );
}

/** A complete Anthropic message. */
export function anthropicMessage(
  model: string,
  content: object[],
  stopReason = 'end_turn',
  usage: object = { input_tokens: 10, output_tokens: 5 },
): Record<string, unknown> {
  return { id: 'msg_e2e_1', type: 'message', role: 'assistant', model, content, stop_reason: stopReason, stop_sequence: null, usage };
}

/** Anthropic stream events (objects) for a scripted reply. */
export function anthropicStream(
  model: string,
  blocks: Array<{ start: object; deltas: object[] }>,
  stopReason: string,
  usage = { output_tokens: 7 },
): object[] {
  const events: object[] = [
    {
      type: 'message_start',
      message: {
        id: 'msg_e2e_s',
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 20, output_tokens: 1 },
      },
    },
  ];
  blocks.forEach((b, index) => {
    events.push({ type: 'content_block_start', index, content_block: b.start });
    for (const delta of b.deltas) events.push({ type: 'content_block_delta', index, delta });
    events.push({ type: 'content_block_stop', index });
  });
  events.push({ type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage });
  events.push({ type: 'message_stop' });
  return events;
}

export function anthropicClient(baseURL: string, apiKey = 'client-key-never-forwarded', fetchImpl?: typeof fetch): Anthropic {
  return new Anthropic({ baseURL, apiKey, maxRetries: 0, timeout: 15_000, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
}

export function openaiClient(gatewayUrl: string): OpenAI {
  return new OpenAI({ baseURL: `${gatewayUrl}/v1`, apiKey: 'client-key-never-forwarded', maxRetries: 0, timeout: 15_000 });
}
