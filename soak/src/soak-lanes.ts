/**
 * The soak's three client lanes, each a streaming request in its own protocol, and how each
 * protocol's stream says it ended well or failed.
 */
import type { SseMessage } from '@switchyard/testing/sse';

export const LANES = ['passthrough', 'anthropic', 'responses'] as const;
export type Lane = (typeof LANES)[number];

export interface LaneRequest {
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** The streaming request of a lane (all go to the `openai` backend). */
export function laneRequest(lane: Lane, model: string): LaneRequest {
  const content = 'Tell me about railway switchyards.';
  switch (lane) {
    case 'passthrough': // OpenAI client → openai backend
      return { path: '/v1/chat/completions', headers: {}, body: { model, stream: true, messages: [{ role: 'user', content }] } };
    case 'anthropic': // Anthropic client → openai backend, translated
      return {
        path: '/v1/messages',
        headers: { 'anthropic-version': '2023-06-01' },
        body: { model, max_tokens: 64, stream: true, messages: [{ role: 'user', content }] },
      };
    case 'responses': // /v1/responses → chat backend, translated
      return { path: '/v1/responses', headers: {}, body: { model, stream: true, input: content } };
  }
}

/** What one SSE event tells about the end of the stream. */
export type EventMeaning = 'terminal' | 'error' | 'malformed' | 'other';

function parses(data: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(data) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Reads one event of a lane's stream. */
export function eventMeaning(lane: Lane, e: SseMessage): EventMeaning {
  if (lane === 'passthrough' && e.data === '[DONE]') return 'terminal';
  const obj = parses(e.data);
  if (!obj) return 'malformed';
  switch (lane) {
    case 'passthrough':
      return 'error' in obj ? 'error' : 'other';
    case 'anthropic':
      if (e.event === 'message_stop') return 'terminal';
      return e.event === 'error' || obj.type === 'error' ? 'error' : 'other';
    case 'responses':
      if (e.event === 'response.completed') return 'terminal';
      return e.event === 'error' || e.event === 'response.failed' || obj.type === 'error' ? 'error' : 'other';
  }
}
