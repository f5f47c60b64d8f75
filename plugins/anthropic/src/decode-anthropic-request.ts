import { GatewayError, type CodecContext, type IrMessage, type IrRequest, type IrThinking } from '@switchyard/plugin-sdk';
import { isObject, num, str, type Json } from './anthropic-json.js';
import {
  anthropicBlocks,
  decodeAnthropicAssistantBlocks,
  decodeAnthropicContentBlock,
  decodeAnthropicUserBlocks,
} from './decode-anthropic-blocks.js';
import { decodeAnthropicToolChoice, decodeAnthropicTools } from './decode-anthropic-tools.js';

/** Request fields the IR carries (read below). */
const KNOWN = new Set([
  'model',
  'messages',
  'system',
  'max_tokens',
  'temperature',
  'top_p',
  'top_k',
  'stop_sequences',
  'stream',
  'tools',
  'tool_choice',
  'thinking',
  'metadata',
  'output_config',
  'output_format',
]);

const EFFORTS = new Set(['low', 'medium', 'high']);
const HIGHER_EFFORTS = new Set(['xhigh', 'max']);

function decodeSystem(system: unknown, ctx: CodecContext): IrMessage[] {
  if (system === undefined || system === null) return [];
  const parts = [];
  for (const block of anthropicBlocks(system)) {
    const part = decodeAnthropicContentBlock(block, ctx);
    if (part) parts.push(part);
  }
  return parts.length > 0 ? [{ role: 'system', parts }] : [];
}

function decodeThinking(thinking: unknown, outputConfig: Json | undefined): IrThinking | undefined {
  if (!isObject(thinking)) return undefined;
  switch (thinking.type) {
    case 'enabled': {
      const budget = num(thinking.budget_tokens);
      return budget !== undefined ? { enabled: true, budgetTokens: budget } : { enabled: true };
    }
    case 'adaptive': {
      const effort = outputConfig?.effort;
      if (typeof effort !== 'string' || (!EFFORTS.has(effort) && !HIGHER_EFFORTS.has(effort))) return { enabled: true };
      // Anthropic's `xhigh` and `max` are above the IR's top effort.
      return { enabled: true, effort: EFFORTS.has(effort) ? (effort as IrThinking['effort']) : 'high' };
    }
    case 'between_tools':
      return { enabled: true };
    case 'disabled':
      return { enabled: false };
    default:
      return undefined;
  }
}

/** The turns: user blocks (tool results become IR `tool` messages, first), assistant blocks. */
function decodeMessages(messages: unknown, ctx: CodecContext): IrMessage[] {
  const out: IrMessage[] = [];
  if (!Array.isArray(messages)) return out;
  for (const message of messages) {
    if (!isObject(message)) continue;
    if (message.role === 'system') {
      // System messages among the turns (where the API accepts them) keep their place.
      const parts = anthropicBlocks(message.content)
        .map((b) => decodeAnthropicContentBlock(b, ctx))
        .filter((p) => p !== null);
      if (parts.length > 0) out.push({ role: 'system', parts });
      continue;
    }
    if (message.role === 'assistant') {
      const parts = decodeAnthropicAssistantBlocks(message.content, ctx);
      if (parts.length > 0) out.push({ role: 'assistant', parts });
      continue;
    }
    const { toolResults, parts } = decodeAnthropicUserBlocks(message.content, ctx);
    for (const result of toolResults) out.push({ role: 'tool', parts: [result] });
    if (parts.length > 0) out.push({ role: 'user', parts });
  }
  return out;
}

/** An Anthropic Messages request body → IR (client side of the anthropic.messages codec). */
export function decodeAnthropicRequest(body: Json, ctx: CodecContext): IrRequest {
  if (!Array.isArray(body.messages)) throw GatewayError.invalidRequest('messages: required, an array of messages', 'messages');
  const outputConfig = isObject(body.output_config) ? body.output_config : undefined;
  const ir: IrRequest = {
    model: str(body.model) ?? '',
    system: decodeSystem(body.system, ctx),
    messages: decodeMessages(body.messages, ctx),
    stream: body.stream === true,
  };
  const tools = decodeAnthropicTools(body.tools, ctx);
  if (tools && tools.length > 0) ir.tools = tools;
  Object.assign(ir, decodeAnthropicToolChoice(body.tool_choice));
  const maxTokens = num(body.max_tokens);
  if (maxTokens !== undefined) ir.maxTokens = maxTokens;
  const temperature = num(body.temperature);
  if (temperature !== undefined) ir.temperature = temperature;
  const topP = num(body.top_p);
  if (topP !== undefined) ir.topP = topP;
  const topK = num(body.top_k);
  if (topK !== undefined) ir.topK = topK;
  if (Array.isArray(body.stop_sequences)) {
    const stop = body.stop_sequences.filter((s): s is string => typeof s === 'string');
    if (stop.length > 0) ir.stop = stop;
  }
  const thinking = decodeThinking(body.thinking, outputConfig);
  if (thinking) ir.thinking = thinking;
  // `output_config.format`, or the structured-outputs beta's top-level `output_format` (same shape).
  const format = isObject(outputConfig?.format) ? outputConfig.format : isObject(body.output_format) ? body.output_format : undefined;
  if (format?.type === 'json_schema' && isObject(format.schema)) ir.responseFormat = { type: 'json_schema', schema: format.schema };
  if (isObject(body.metadata) && typeof body.metadata.user_id === 'string') ir.user = body.metadata.user_id;
  if (outputConfig) {
    for (const key of Object.keys(outputConfig)) if (key !== 'effort' && key !== 'format') ctx.dropped(`output_config.${key}`);
    if (
      outputConfig.effort !== undefined &&
      outputConfig.effort !== null &&
      !(isObject(body.thinking) && body.thinking.type === 'adaptive')
    ) {
      ctx.dropped('output_config.effort (without adaptive thinking)');
    }
  }
  // Everything else is Anthropic's own (service_tier, container, mcp_servers, context_management, …):
  // another protocol has no place for it, so it is dropped and reported, never passed on verbatim.
  for (const key of Object.keys(body)) {
    if (!KNOWN.has(key) && body[key] !== undefined && body[key] !== null) ctx.dropped(key);
  }
  return ir;
}
