import {
  thinkingFromEffort,
  GatewayError,
  type CodecContext,
  type IrMessage,
  type IrRequest,
  type IrResponseFormat,
  type IrThinking,
} from '@switchyard/plugin-sdk';
import { decodeResponsesInput, statelessError } from './decode-responses-input.js';
import { decodeResponsesToolChoice, decodeResponsesTools } from './decode-responses-tools.js';
import { asObject, asString, booleanField, isObject, numberField, stringField, type Json } from './responses-json.js';
import { rememberRequestState, type ResponsesEcho, type ResponsesRequestState } from './responses-request-state.js';

/** Fields read below, or accepted and ignored on purpose (the gateway stores nothing and always sends what it can). */
const HANDLED = new Set([
  'model',
  'input',
  'instructions',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'max_output_tokens',
  'temperature',
  'top_p',
  'reasoning',
  'text',
  'user',
  'safety_identifier',
  'stream',
  'stream_options',
  'store',
  'include',
  'top_logprobs',
  'previous_response_id',
  'conversation',
  'prompt',
  'background',
]);

/** `reasoning.effort` (none/minimal: off; xhigh: high). `reasoning.summary` is a display choice the IR does not carry. */
function decodeThinking(reasoning: Json | undefined, ctx: CodecContext): IrThinking | undefined {
  if (!reasoning) return undefined;
  if (reasoning.summary !== undefined && reasoning.summary !== null) ctx.dropped('reasoning.summary');
  return thinkingFromEffort(reasoning.effort, 'reasoning.effort');
}

/** `text.format`: text, json_object, or json_schema (name, schema and strictness at the top level of the format). */
function decodeTextFormat(text: Json | undefined, ctx: CodecContext): IrResponseFormat | undefined {
  if (!text) return undefined;
  if (text.verbosity !== undefined && text.verbosity !== null) ctx.dropped('text.verbosity');
  const format = asObject(text.format);
  if (!format) return undefined;
  switch (format.type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema': {
      if (!isObject(format.schema)) throw GatewayError.invalidRequest('text.format.schema: required, a JSON Schema object', 'text.format');
      const out: IrResponseFormat = { type: 'json_schema', schema: format.schema };
      const name = asString(format.name);
      if (name) out.name = name;
      if (typeof format.strict === 'boolean') out.strict = format.strict;
      return out;
    }
    default:
      throw GatewayError.invalidRequest("text.format.type: expected 'text', 'json_object' or 'json_schema'", 'text.format');
  }
}

/** `instructions`: a string, or (as some clients send) a list of input items whose text is taken. */
function decodeInstructions(instructions: unknown, ctx: CodecContext): IrMessage[] {
  if (instructions === undefined || instructions === null || instructions === '') return [];
  if (typeof instructions === 'string') return [{ role: 'system', parts: [{ type: 'text', text: instructions }] }];
  const decoded = decodeResponsesInput(instructions, ctx);
  return [...decoded.system, ...decoded.messages.map((m): IrMessage => ({ role: 'system', parts: m.parts }))];
}

/**
 * `top_logprobs` / `include: ["message.output_text.logprobs"]` as the IR's logprobs request (the
 * kernel answers a 400 where the backend's codec cannot serve them, or when streamed).
 */
function decodeLogprobs(body: Json): IrRequest['logprobs'] {
  const top = numberField(body, 'top_logprobs');
  if (top !== undefined && (!Number.isInteger(top) || top < 0 || top > 20)) {
    throw GatewayError.invalidRequest('top_logprobs: expected an integer from 0 to 20', 'top_logprobs');
  }
  const included = Array.isArray(body.include) && body.include.includes('message.output_text.logprobs');
  return (top !== undefined && top > 0) || included ? { top: top ?? 0 } : undefined;
}

/** The client's value, or `fallback` when it sent none (an explicit null is echoed as null). */
const sent = (value: unknown, fallback: unknown): unknown => (value === undefined ? fallback : value);

/**
 * The request fields a Response object echoes back to the client. Written out field by field: the
 * closure and the spreads of conditional objects it was written with cost ~0.2 µs per request
 * (issue #19); the order of the fields is the Response object's.
 */
function echoOf(body: Json): ResponsesEcho {
  const echo: ResponsesEcho = {
    instructions: sent(body.instructions, null),
    tools: sent(body.tools, []),
    tool_choice: sent(body.tool_choice, 'auto'),
    parallel_tool_calls: sent(body.parallel_tool_calls, true),
    temperature: sent(body.temperature, null),
    top_p: sent(body.top_p, null),
    max_output_tokens: sent(body.max_output_tokens, null),
    reasoning: sent(body.reasoning, { effort: null, summary: null }),
    text: sent(body.text, { format: { type: 'text' } }),
    metadata: sent(body.metadata, {}),
    truncation: sent(body.truncation, 'disabled'),
  };
  if (typeof body.user === 'string') echo.user = body.user;
  if (typeof body.safety_identifier === 'string') echo.safety_identifier = body.safety_identifier;
  if (typeof body.prompt_cache_key === 'string') echo.prompt_cache_key = body.prompt_cache_key;
  return echo;
}

/** `ir[key] = value` when there is a value (a function, not a closure made per request). */
function setIf<K extends keyof IrRequest>(ir: IrRequest, key: K, value: IrRequest[K] | undefined): void {
  if (value !== undefined) ir[key] = value;
}

/**
 * A /v1/responses request body in the IR (the client side of the openai.responses codec), for a
 * backend that does not speak the Responses API. Stateless: `store: true` is accepted and ignored;
 * `previous_response_id`, `conversation`, stored `prompt`s, `background` and `item_reference`s to
 * items that are not the gateway's own get a 400 naming the limitation. `model` and `stream` are
 * set again by the kernel.
 */
export function decodeResponsesRequest(body: Record<string, unknown>, ctx: CodecContext): IrRequest {
  if (body.previous_response_id !== undefined && body.previous_response_id !== null) {
    throw statelessError('previous_response_id', 'previous_response_id', ctx);
  }
  if (body.conversation !== undefined && body.conversation !== null) throw statelessError('conversation', 'conversation', ctx);
  if (body.prompt !== undefined && body.prompt !== null) throw statelessError('prompt (a stored prompt template)', 'prompt', ctx);
  if (body.background === true) throw statelessError('background: true', 'background', ctx);
  const state: ResponsesRequestState = { tools: new Map(), echo: echoOf(body), keepsItems: body.store !== false };
  rememberRequestState(ctx, state);

  const input = decodeResponsesInput(body.input, ctx);
  const instructions = decodeInstructions(body.instructions, ctx);
  const ir: IrRequest = {
    model: typeof body.model === 'string' ? body.model : '',
    // Both lists are this request's own: one of them is the system list when the other is empty.
    system: instructions.length === 0 ? input.system : input.system.length === 0 ? instructions : [...instructions, ...input.system],
    messages: input.messages,
    stream: body.stream === true,
  };
  const tools = decodeResponsesTools(body.tools, state, ctx, input.tools);
  if (tools) ir.tools = tools;
  const toolChoice = decodeResponsesToolChoice(body.tool_choice, ctx);
  if (toolChoice) ir.toolChoice = toolChoice;
  setIf(ir, 'parallelToolCalls', booleanField(body, 'parallel_tool_calls'));
  setIf(ir, 'maxTokens', numberField(body, 'max_output_tokens'));
  setIf(ir, 'temperature', numberField(body, 'temperature'));
  setIf(ir, 'topP', numberField(body, 'top_p'));
  setIf(ir, 'thinking', decodeThinking(asObject(body.reasoning), ctx));
  setIf(ir, 'responseFormat', decodeTextFormat(asObject(body.text), ctx));
  setIf(ir, 'logprobs', decodeLogprobs(body));
  setIf(ir, 'user', stringField(body, 'user') ?? stringField(body, 'safety_identifier'));
  // Responses streams always end with the usage (response.completed).
  if (ir.stream) ir.includeUsage = true;
  for (const key of Object.keys(body)) {
    if (!HANDLED.has(key) && body[key] !== undefined && body[key] !== null) ctx.dropped(key);
  }
  return ir;
}
