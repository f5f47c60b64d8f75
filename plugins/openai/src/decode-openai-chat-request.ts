import { GatewayError, thinkingFromEffort, type CodecContext, type IrRequest, type IrThinking } from '@switchyard/plugin-sdk';
import { decodeOpenAIChatMessages } from './decode-openai-chat-messages.js';
import { decodeOpenAISampling, OPENAI_SAMPLING_FIELDS } from './decode-openai-sampling.js';
import { decodeOpenAIChatResponseFormat, decodeOpenAIChatTools, decodeOpenAIChatToolChoice } from './decode-openai-chat-tools.js';
import { asNumber, asObject, booleanField, numberField, stringField, type Json } from './read-openai-chat-json.js';

/** Fields read below (or set by the kernel); every other field is reported as dropped. */
const HANDLED = new Set([
  'model',
  'messages',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  ...OPENAI_SAMPLING_FIELDS,
  'reasoning_effort',
  'thinking',
  'chat_template_kwargs',
  'response_format',
  'user',
  'stream',
  'stream_options',
  'n',
  'logprobs',
  'top_logprobs',
]);

/**
 * `reasoning_effort` (none/minimal: off), else a LiteLLM-style Anthropic `thinking` object
 * (`{type: 'enabled', budget_tokens}`), else vLLM's `chat_template_kwargs.enable_thinking`.
 */
function decodeThinking(body: Json, ctx: CodecContext): IrThinking | undefined {
  const effort = stringField(body, 'reasoning_effort');
  const kwargs = asObject(body.chat_template_kwargs);
  if (kwargs && Object.keys(kwargs).some((k) => k !== 'enable_thinking')) ctx.dropped('chat_template_kwargs');
  const fromEffort = thinkingFromEffort(effort, 'reasoning_effort');
  if (fromEffort) return fromEffort;
  const thinking = asObject(body.thinking);
  if (thinking) {
    const budgetTokens = asNumber(thinking.budget_tokens);
    return { enabled: thinking.type !== 'disabled', ...(budgetTokens !== undefined ? { budgetTokens } : {}) };
  }
  if (typeof kwargs?.enable_thinking === 'boolean') return { enabled: kwargs.enable_thinking };
  return undefined;
}

/**
 * `n` (several answers) and `logprobs` / `top_logprobs` (token log-probabilities) as the IR asks
 * for them; the kernel answers a 400 where the backend's codec cannot serve them, never one
 * answer without logprobs as if asked for.
 */
function decodeChoices(body: Json, ir: IrRequest): void {
  const n = numberField(body, 'n');
  if (n !== undefined && (!Number.isInteger(n) || n < 1)) throw GatewayError.invalidRequest('n: expected an integer of at least 1', 'n');
  if (n !== undefined && n > 1) ir.choices = n;
  const top = numberField(body, 'top_logprobs');
  if (top !== undefined && (!Number.isInteger(top) || top < 0 || top > 20)) {
    throw GatewayError.invalidRequest('top_logprobs: expected an integer from 0 to 20', 'top_logprobs');
  }
  if (body.logprobs === true || (top !== undefined && top > 0)) ir.logprobs = { top: top ?? 0 };
}

/** An OpenAI chat/completions request body in the IR. `model` and `stream` are set again by the kernel. */
export function decodeOpenAIChatRequest(body: Record<string, unknown>, ctx: CodecContext): IrRequest {
  const { system, messages } = decodeOpenAIChatMessages(body.messages, ctx);
  const ir: IrRequest = { model: typeof body.model === 'string' ? body.model : '', system, messages, stream: body.stream === true };
  const tools = decodeOpenAIChatTools(body.tools, ctx);
  if (tools) ir.tools = tools;
  const toolChoice = decodeOpenAIChatToolChoice(body.tool_choice, ctx);
  if (toolChoice) ir.toolChoice = toolChoice;
  const set = <K extends keyof IrRequest>(key: K, value: IrRequest[K] | undefined) => {
    if (value !== undefined) ir[key] = value;
  };
  set('parallelToolCalls', booleanField(body, 'parallel_tool_calls'));
  decodeOpenAISampling(body, ir);
  set('thinking', decodeThinking(body, ctx));
  set('responseFormat', decodeOpenAIChatResponseFormat(body.response_format));
  set('user', stringField(body, 'user'));
  if (ir.stream && asObject(body.stream_options)?.include_usage === true) ir.includeUsage = true;
  decodeChoices(body, ir);
  for (const key of Object.keys(body)) {
    if (!HANDLED.has(key) && body[key] !== undefined && body[key] !== null) ctx.dropped(key);
  }
  return ir;
}
