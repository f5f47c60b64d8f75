import type { CodecContext, IrChoice, IrReasoningPart, IrResponse, IrTokenLogprob } from '@switchyard/plugin-sdk';
import { encodeOpenAIChatToolCall } from './encode-openai-chat-messages.js';
import { encodeOpenAIChatReasoning } from './encode-openai-chat-reasoning.js';
import { encodeOpenAIChatUsage } from './encode-openai-chat-usage.js';
import { encodeOpenAIFinishReason } from './map-openai-finish-reason.js';
import type { Json } from './read-openai-chat-json.js';

/** Token log-probabilities as a choice's `logprobs` (`content`: token, logprob, bytes, top_logprobs). */
function encodeLogprobs(logprobs: readonly IrTokenLogprob[] | undefined): Json | null {
  if (!logprobs) return null;
  const entry = (t: { token: string; logprob: number }) => ({
    token: t.token,
    logprob: t.logprob,
    bytes: [...Buffer.from(t.token, 'utf8')],
  });
  return { content: logprobs.map((t) => ({ ...entry(t), top_logprobs: (t.top ?? []).map(entry) })), refusal: null };
}

/** One answer as a `choices[]` entry. */
function encodeChoice(choice: IrChoice, index: number, ctx: CodecContext): Json {
  let text: string | null = null;
  const reasoning: IrReasoningPart[] = [];
  const toolCalls: Json[] = [];
  for (const part of choice.parts) {
    if (part.type === 'text') text = (text ?? '') + part.text;
    else if (part.type === 'reasoning') reasoning.push(part);
    else if (part.type === 'tool_call') toolCalls.push(encodeOpenAIChatToolCall(part));
    else ctx.dropped(`response ${part.type}`);
  }
  const message: Json = { role: 'assistant', content: text, refusal: null, ...encodeOpenAIChatReasoning(reasoning) };
  if (toolCalls.length) message.tool_calls = toolCalls;
  return { index, message, logprobs: encodeLogprobs(choice.logprobs), finish_reason: encodeOpenAIFinishReason(choice.finishReason) };
}

/** A complete IR response as a `chat.completion` body naming the model the client asked for (every choice, with logprobs when asked for). */
export function encodeOpenAIChatResponse(response: IrResponse, ctx: CodecContext): Record<string, unknown> {
  const choices = [response, ...(response.moreChoices ?? [])].map((choice, i) => encodeChoice(choice, i, ctx));
  const body: Json = {
    id: response.id,
    object: 'chat.completion',
    created: response.created ?? Math.floor(Date.now() / 1000),
    model: ctx.clientModel,
    choices,
  };
  if (response.usage) body.usage = encodeOpenAIChatUsage(response.usage);
  return body;
}
