import { effortForBudget, type CodecContext, type IrRequest, type IrThinking, type IrTool } from '@switchyard/plugin-sdk';
import { encodeOpenAIChatMessages, type Drop } from './encode-openai-chat-messages.js';
import type { Json } from './read-openai-chat-json.js';

function encodeTool(tool: IrTool, drop: Drop): Json {
  if (tool.providerMetadata) for (const key of Object.keys(tool.providerMetadata)) drop(`tools.providerMetadata.${key}`);
  const def: Json = { name: tool.name };
  if (tool.description !== undefined) def.description = tool.description;
  if (tool.kind === 'custom') return { type: 'custom', custom: def };
  def.parameters = tool.parameters ?? { type: 'object', properties: {} };
  if (tool.strict !== undefined) def.strict = tool.strict;
  return { type: 'function', function: def };
}

/** On: the effort, else one picked from the budget (`medium` without one); off: `minimal` (SPEC §2). */
function encodeEffort(thinking: IrThinking): string {
  if (!thinking.enabled) return 'minimal';
  return thinking.effort && thinking.effort !== 'minimal' ? thinking.effort : effortForBudget(thinking.budgetTokens);
}

/** A drop reporter that names each field once per request (its set made at the first drop: most requests have none). */
function dropOnce(ctx: CodecContext): Drop {
  let seen: Set<string> | undefined;
  return (field) => {
    if (seen?.has(field)) return;
    (seen ??= new Set()).add(field);
    ctx.dropped(field);
  };
}

/**
 * The IR as an OpenAI chat/completions body for an OpenAI-compatible backend. Thinking is written
 * as `reasoning_effort` only (the effort, else from the budget, else `medium`; off is `minimal`, SPEC §2); `extra` last, verbatim.
 */
export function encodeOpenAIChatRequest(ir: IrRequest, ctx: CodecContext): Record<string, unknown> {
  const drop = dropOnce(ctx);
  const body: Json = { model: ir.model, messages: encodeOpenAIChatMessages(ir.system, ir.messages, drop) };
  const put = (key: string, value: unknown) => {
    if (value !== undefined) body[key] = value;
  };
  if (ir.tools?.length) {
    body.tools = ir.tools.map((t) => encodeTool(t, drop));
    const choice = ir.toolChoice;
    put('tool_choice', typeof choice === 'object' ? { type: 'function', function: { name: choice.name } } : choice);
    put('parallel_tool_calls', ir.parallelToolCalls);
  } else {
    // OpenAI rejects tool_choice and parallel_tool_calls without tools.
    if (ir.toolChoice !== undefined) drop('tool_choice');
    if (ir.parallelToolCalls !== undefined) drop('parallel_tool_calls');
  }
  put('max_tokens', ir.maxTokens);
  put('temperature', ir.temperature);
  put('top_p', ir.topP);
  put('top_k', ir.topK);
  if (ir.stop?.length) body.stop = ir.stop;
  put('seed', ir.seed);
  put('presence_penalty', ir.presencePenalty);
  put('frequency_penalty', ir.frequencyPenalty);
  if (ir.thinking) body.reasoning_effort = encodeEffort(ir.thinking);
  const format = ir.responseFormat;
  if (format?.type === 'json_schema') {
    const spec: Json = { name: format.name ?? 'response', schema: format.schema };
    if (format.strict !== undefined) spec.strict = format.strict;
    body.response_format = { type: 'json_schema', json_schema: spec };
  } else if (format) body.response_format = { type: format.type };
  put('user', ir.user);
  if (ir.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  if (ir.extra) Object.assign(body, ir.extra);
  return body;
}
