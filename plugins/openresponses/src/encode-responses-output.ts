import { randomHex, type CodecContext, type IrFinishReason, type IrUsage, type ProviderMetadata } from '@switchyard/plugin-sdk';
import { CUSTOM_TOOL_ARGUMENT } from './decode-responses-tools.js';
import { asString, isObject, parseJson, type Json } from './responses-json.js';
import { sealCallId } from './responses-call-ids.js';
import { issuedItemId, type ItemPrefix } from './responses-item-ids.js';
import { requestStateOf } from './responses-request-state.js';

/** What a request id loses in a response id. */
const NOT_ALPHANUMERIC = /[^A-Za-z0-9]/g;

/**
 * Ids of one Response and its output items (`resp_…`, `msg_…`, `rs_…`, `fc_…`, `ctc_…`). The
 * random part of the item ids is drawn at the first item id (most replies have none: message and
 * reasoning items get self-contained ids), or at once for a request id with no letter or digit.
 */
export class ResponsesIds {
  readonly responseId: string;
  private base: string | undefined;
  private n = 0;

  constructor(requestId: string) {
    // The gateway's request id stays readable in the response id (x-request-id, journal, logs).
    const rid = requestId.replace(NOT_ALPHANUMERIC, '');
    if (!rid) this.base = randomHex(8);
    this.responseId = `resp_${rid || this.base}`;
  }

  /** An id marked as the gateway's (an `item_reference` to it is recognised; its content is not in it). */
  item(prefix: ItemPrefix): string {
    this.base ??= randomHex(8);
    return issuedItemId(prefix, `${this.base}${(this.n++).toString(16).padStart(2, '0')}`);
  }
}

/** IR usage as the Responses API's `usage` (details always present, as clients type them). */
export function encodeResponsesUsage(usage: IrUsage | null | undefined): Json {
  const input = usage?.inputTokens ?? 0;
  const output = usage?.outputTokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage?.cachedInputTokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: usage?.reasoningTokens ?? 0 },
    total_tokens: input + output,
  };
}

/** A Response's `status` (and `incomplete_details`) for an IR finish reason. */
export function responseStatusFor(reason: IrFinishReason): { status: 'completed' | 'incomplete' | 'failed'; incomplete: Json | null } {
  switch (reason) {
    case 'length':
      return { status: 'incomplete', incomplete: { reason: 'max_output_tokens' } };
    case 'content_filter':
      return { status: 'incomplete', incomplete: { reason: 'content_filter' } };
    case 'error':
      return { status: 'failed', incomplete: null };
    default:
      return { status: 'completed', incomplete: null };
  }
}

/** A tool call as the client declared the tool: function_call or custom_tool_call, namespace restored. */
export interface RestoredToolCall {
  type: 'function_call' | 'custom_tool_call';
  name: string;
  namespace?: string;
}

export function restoreToolCall(ctx: CodecContext, upstreamName: string): RestoredToolCall {
  const tool = requestStateOf(ctx).tools.get(upstreamName);
  if (!tool) return { type: 'function_call', name: upstreamName };
  return {
    type: tool.kind === 'custom' ? 'custom_tool_call' : 'function_call',
    name: tool.name,
    ...(tool.namespace ? { namespace: tool.namespace } : {}),
  };
}

/** A custom tool's free-form input from the `{"input": "…"}` arguments it was called with upstream (raw text otherwise). */
export function customToolInput(args: string): string {
  const parsed = parseJson(args);
  if (isObject(parsed)) {
    const input = asString(parsed[CUSTOM_TOOL_ARGUMENT]);
    if (input !== undefined) return input;
    const values = Object.values(parsed);
    if (values.length === 1 && typeof values[0] === 'string') return values[0];
  }
  return typeof parsed === 'string' ? parsed : args;
}

/** Arguments a client can JSON.parse: a call without any is `{}`. */
export const functionArguments = (args: string): string => (args.trim() === '' ? '{}' : args);

/** A tool call output item (completed), as the client declared the tool; provider data a later turn needs sealed in its call_id. */
export function toolCallItem(
  ctx: CodecContext,
  ids: ResponsesIds,
  upstreamId: string,
  upstreamName: string,
  args: string,
  providerMetadata?: ProviderMetadata,
): Json {
  const callId = sealCallId(upstreamId, providerMetadata);
  const restored = restoreToolCall(ctx, upstreamName);
  const ns = restored.namespace ? { namespace: restored.namespace } : {};
  if (restored.type === 'custom_tool_call') {
    return {
      id: ids.item('ctc'),
      type: 'custom_tool_call',
      status: 'completed',
      call_id: callId,
      name: restored.name,
      input: customToolInput(args),
      ...ns,
    };
  }
  return {
    id: ids.item('fc'),
    type: 'function_call',
    status: 'completed',
    arguments: functionArguments(args),
    call_id: callId,
    name: restored.name,
    ...ns,
  };
}

export interface ResponseObjectInit {
  ids: ResponsesIds;
  createdAt: number;
  status: 'in_progress' | 'completed' | 'incomplete' | 'failed';
  output: Json[];
  usage: IrUsage | null | undefined;
  completedAt?: number | null;
  incomplete?: Json | null;
  error?: Json | null;
}

/**
 * A Response object naming the model the client asked for, with the request fields it echoes
 * (their defaults without a decoded request). One object literal, then the echoed fields the
 * object does not have without a request: not a spread of the echo over the defaults, which cost
 * ~0.3 µs per Response object (issue #19).
 */
export function responseObject(ctx: CodecContext, init: ResponseObjectInit): Json {
  const echo = requestStateOf(ctx).echo;
  const response: Json = {
    id: init.ids.responseId,
    object: 'response',
    created_at: init.createdAt,
    status: init.status,
    completed_at: init.completedAt ?? null,
    error: init.error ?? null,
    incomplete_details: init.incomplete ?? null,
    model: ctx.clientModel,
    output: init.output,
    usage: init.status === 'in_progress' ? null : encodeResponsesUsage(init.usage),
    instructions: echo ? echo.instructions : null,
    tools: echo ? echo.tools : [],
    tool_choice: echo ? echo.tool_choice : 'auto',
    parallel_tool_calls: echo ? echo.parallel_tool_calls : true,
    temperature: echo ? echo.temperature : null,
    top_p: echo ? echo.top_p : null,
    previous_response_id: null,
    // Nothing is stored, whatever the client asked.
    store: false,
    metadata: echo ? echo.metadata : {},
  };
  if (!echo) return response;
  response.max_output_tokens = echo.max_output_tokens;
  response.reasoning = echo.reasoning;
  response.text = echo.text;
  response.background = false;
  response.truncation = echo.truncation;
  if (echo.user !== undefined) response.user = echo.user;
  if (echo.safety_identifier !== undefined) response.safety_identifier = echo.safety_identifier;
  if (echo.prompt_cache_key !== undefined) response.prompt_cache_key = echo.prompt_cache_key;
  return response;
}
