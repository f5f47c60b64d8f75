/**
 * The bench upstream's Anthropic Messages replies: a whole `message` object, or the event
 * sequence of a streamed text reply, as documented at
 * https://docs.anthropic.com/en/docs/build-with-claude/streaming ("Event types"):
 * `message_start` (a message with empty content), then per content block a
 * `content_block_start`, its `content_block_delta`s and a `content_block_stop`, `ping` events in
 * between, then `message_delta` (stop_reason and the final output usage) and `message_stop`.
 * Every event is `event: <type>\ndata: <json>\n\n`.
 */
import type { MockStreamPlan } from '@switchyard/plugin-mock/standalone';

/** The Anthropic error envelope (https://docs.anthropic.com/en/api/errors). */
export function anthropicErrorBody(type: string, message: string): string {
  return JSON.stringify({ type: 'error', error: { type, message } });
}

/** Why a request is refused, or undefined: `model`, `max_tokens` and a non-empty `messages` are required (https://docs.anthropic.com/en/api/messages). */
export function anthropicRequestProblem(body: Record<string, unknown>): string | undefined {
  if (typeof body.model !== 'string') return 'model: Field required';
  if (typeof body.max_tokens !== 'number') return 'max_tokens: Field required';
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages: Field required';
  return undefined;
}

let counter = 0;

function words(n: number): string[] {
  return Array.from({ length: n }, (_, i) => (i === 0 ? 'Bench' : ` word${i}`));
}

/** A non-streamed reply with `tokens` output tokens. */
export function anthropicMessageBody(model: string, tokens: number): string {
  return JSON.stringify({
    id: `msg_bench_${++counter}`,
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text: words(tokens).join('') }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: tokens },
  });
}

const sse = (type: string, data: object): string => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;

/** The streamed reply: one event per piece, all due at once (the bench's `anthropic` port is a fast one). */
export class AnthropicStreamPlan implements MockStreamPlan {
  private readonly events: string[];

  constructor(model: string, tokens: number) {
    const id = `msg_bench_${++counter}`;
    this.events = [
      sse('message_start', {
        type: 'message_start',
        message: {
          id,
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 12, output_tokens: 1 },
        },
      }),
      sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      sse('ping', { type: 'ping' }),
      ...words(tokens).map((text) =>
        sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }),
      ),
      sse('content_block_stop', { type: 'content_block_stop', index: 0 }),
      sse('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: tokens },
      }),
      sse('message_stop', { type: 'message_stop' }),
    ];
  }

  get length(): number {
    return this.events.length;
  }

  render(i: number): string {
    return this.events[i]!;
  }

  dueAt(): number {
    return 0;
  }
}
