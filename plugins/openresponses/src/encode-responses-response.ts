import type { CodecContext, IrReasoningPart, IrResponse, IrTokenLogprob } from '@switchyard/plugin-sdk';
import { ResponsesIds, responseObject, responseStatusFor, toolCallItem } from './encode-responses-output.js';
import { sealReasoning } from './responses-reasoning-envelope.js';
import { selfContainedMessageId, selfContainedReasoningId } from './responses-item-ids.js';
import type { Json } from './responses-json.js';

/** A reasoning output item: the text as `reasoning_text` content, replay data sealed in `encrypted_content`. */
export function reasoningItem(id: string, part: Pick<IrReasoningPart, 'text' | 'signature' | 'redactedData'>): Json {
  const item: Json = {
    id,
    type: 'reasoning',
    status: 'completed',
    summary: [],
    content: part.text ? [{ type: 'reasoning_text', text: part.text }] : [],
  };
  const sealed = sealReasoning(part);
  if (sealed) item.encrypted_content = sealed;
  return item;
}

/** One token's log-probability as the Responses API writes it (token, logprob, its UTF-8 bytes). */
const logprobEntry = (t: { token: string; logprob: number }) => ({
  token: t.token,
  logprob: t.logprob,
  bytes: [...Buffer.from(t.token, 'utf8')],
});

/** IR token log-probabilities as an output_text part's `logprobs` (token, logprob, bytes, top_logprobs); none: `[]`. */
function encodeLogprobs(logprobs: readonly IrTokenLogprob[] | undefined): Json[] {
  if (!logprobs) return [];
  return logprobs.map((t) => ({ ...logprobEntry(t), top_logprobs: (t.top ?? []).map(logprobEntry) }));
}

export function messageItem(id: string, text: string, logprobs?: readonly IrTokenLogprob[]): Json {
  return {
    id,
    type: 'message',
    status: 'completed',
    role: 'assistant',
    content: [{ type: 'output_text', text, annotations: [], logprobs: encodeLogprobs(logprobs) }],
  };
}

/**
 * A complete IR response as a Responses API object (client side): output items in order
 * (reasoning, one message per run of text, function_call / custom_tool_call with namespaces
 * restored), status from the finish reason, usage with its details. Reasoning and message items
 * get self-contained ids (their content sealed in the id), so a client that later sends only an
 * `item_reference` to them (store on, as the Vercel AI SDK does) still gets them to the backend.
 */
export function encodeResponsesResponse(response: IrResponse, ctx: CodecContext): Record<string, unknown> {
  const ids = new ResponsesIds(ctx.requestId);
  const output: Json[] = [];
  let text: string | null = null;
  // The answer's token logprobs (asked for with top_logprobs) go on its first message.
  let logprobs = response.logprobs;
  const flushText = () => {
    if (text) output.push(messageItem(selfContainedMessageId(text), text, logprobs));
    if (text) logprobs = undefined;
    text = null;
  };
  for (const part of response.parts) {
    switch (part.type) {
      case 'text':
        text = (text ?? '') + part.text;
        break;
      case 'reasoning':
        flushText();
        output.push(reasoningItem(selfContainedReasoningId(part), part));
        break;
      case 'tool_call':
        flushText();
        output.push(toolCallItem(ctx, ids, part.id, part.name, part.arguments, part.providerMetadata));
        break;
      default:
        ctx.dropped(`response ${part.type} part`);
    }
  }
  flushText();
  const { status, incomplete } = responseStatusFor(response.finishReason);
  const now = Math.floor(Date.now() / 1000);
  return responseObject(ctx, {
    ids,
    createdAt: response.created ?? now,
    completedAt: now,
    status,
    incomplete,
    output,
    usage: response.usage,
    ...(status === 'failed'
      ? { error: { code: 'server_error', message: `the backend ended the response: ${response.rawFinishReason ?? 'error'}` } }
      : {}),
  });
}
