import type { CodecContext, IrChoice, IrResponse, IrTokenLogprob } from '@switchyard/plugin-sdk';
import { encodeOpenAIChatUsage } from './encode-openai-chat-usage.js';
import { encodeOpenAIFinishReason } from './map-openai-finish-reason.js';
import type { Json } from './read-openai-chat-json.js';

/** A legacy completion's id: `cmpl-…` as OpenAI writes them. */
export const completionId = (id: string): string => (id.startsWith('cmpl-') ? id : `cmpl-${id}`);

/** Token log-probabilities in the legacy completions shape (`tokens`, `token_logprobs`, `top_logprobs`, `text_offset`). */
function encodeLogprobs(logprobs: readonly IrTokenLogprob[] | undefined): Json | null {
  if (!logprobs) return null;
  let offset = 0;
  const textOffset = logprobs.map((t) => {
    const at = offset;
    offset += t.token.length;
    return at;
  });
  return {
    tokens: logprobs.map((t) => t.token),
    token_logprobs: logprobs.map((t) => t.logprob),
    top_logprobs: logprobs.map((t) => Object.fromEntries((t.top ?? []).map((a) => [a.token, a.logprob]))),
    text_offset: textOffset,
  };
}

/** The text of one answer (text parts joined; reasoning is not part of a legacy completion). */
export function completionText(choice: Pick<IrChoice, 'parts'>, ctx: CodecContext): string {
  let text = '';
  for (const part of choice.parts) {
    if (part.type === 'text') text += part.text;
    else ctx.dropped(`response ${part.type}`);
  }
  return text;
}

/**
 * A complete IR response as a `text_completion` body
 * (https://platform.openai.com/docs/api-reference/completions/object) naming the model the client
 * asked for: one choice per answer with its text and finish reason, usage.
 */
export function encodeOpenAICompletionsResponse(response: IrResponse, ctx: CodecContext): Record<string, unknown> {
  const choices = [response, ...(response.moreChoices ?? [])].map((choice, index) => ({
    text: completionText(choice, ctx),
    index,
    logprobs: encodeLogprobs(choice.logprobs),
    finish_reason: encodeOpenAIFinishReason(choice.finishReason),
  }));
  const body: Json = {
    id: completionId(response.id),
    object: 'text_completion',
    created: response.created ?? Math.floor(Date.now() / 1000),
    model: ctx.clientModel,
    choices,
  };
  if (response.usage) body.usage = encodeOpenAIChatUsage(response.usage);
  return body;
}
