import { GatewayError, type CodecContext, type IrMessage, type IrRequest } from '@switchyard/plugin-sdk';
import type { Json } from './anthropic-json.js';
import { claudeModelRules } from './claude-model-rules.js';
import { encodeAnthropicAssistantParts, encodeAnthropicContentPart, encodeAnthropicToolResult } from './encode-anthropic-blocks.js';
import { planAnthropicThinking, type AnthropicThinking } from './encode-anthropic-thinking.js';
import { encodeAnthropicToolChoice, encodeAnthropicTools } from './encode-anthropic-tools.js';
import { fitAnthropicJsonSchema } from './fit-anthropic-json-schema.js';

interface Turn {
  role: 'user' | 'assistant';
  content: Json[];
}

function userBlocks(message: IrMessage, ctx: CodecContext): Json[] {
  const blocks: Json[] = [];
  for (const part of message.parts) {
    const block = part.type === 'tool_result' ? encodeAnthropicToolResult(part, ctx) : encodeAnthropicContentPart(part, ctx);
    if (block) blocks.push(block);
  }
  return blocks;
}

/**
 * IR turns → Anthropic messages: tool results (IR `tool` messages) become tool_result blocks of a
 * user turn, consecutive same-role turns are merged (so a batch of tool results is one user turn),
 * tool_result blocks lead their user turn as Anthropic requires, empty turns are left out, and
 * system messages among the turns join the top-level system.
 */
function encodeTurns(messages: readonly IrMessage[], system: IrMessage[], ctx: CodecContext): Turn[] {
  const turns: Turn[] = [];
  for (const message of messages) {
    if (message.role === 'system') {
      system.push(message);
      continue;
    }
    if (message.name !== undefined) ctx.dropped('messages[].name');
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const content = role === 'assistant' ? encodeAnthropicAssistantParts(message.parts, ctx) : userBlocks(message, ctx);
    if (content.length === 0) continue;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...content);
    else turns.push({ role, content });
  }
  for (const turn of turns) {
    if (turn.role === 'user' && turn.content.some((b) => b.type === 'tool_result')) {
      turn.content = [...turn.content.filter((b) => b.type === 'tool_result'), ...turn.content.filter((b) => b.type !== 'tool_result')];
    }
  }
  return turns;
}

/** System messages as Anthropic `system`: a string when it is plain text, else text blocks (cache_control kept). */
function encodeSystem(system: readonly IrMessage[], ctx: CodecContext): string | Json[] | undefined {
  const blocks: Json[] = [];
  for (const message of system) {
    for (const part of message.parts) {
      if (part.type !== 'text') {
        ctx.dropped(`system ${part.type} part`);
        continue;
      }
      const block = encodeAnthropicContentPart(part, ctx);
      if (block) blocks.push(block);
    }
  }
  if (blocks.length === 0) return undefined;
  if (blocks.length === 1 && blocks[0]!.cache_control === undefined) return blocks[0]!.text as string;
  return blocks;
}

/**
 * Whether the last assistant turn calls tools without starting with its thinking block: with thinking on the
 * API rejects that (https://platform.claude.com/docs/en/build-with-claude/extended-thinking#preserving-thinking-blocks).
 */
function toolTurnLacksThinking(turns: readonly Turn[]): boolean {
  const last = turns.findLast((t) => t.role === 'assistant');
  if (!last?.content.some((b) => b.type === 'tool_use')) return false;
  const first = last.content[0]?.type;
  return first !== 'thinking' && first !== 'redacted_thinking';
}

/** temperature / top_p / top_k, within Anthropic's ranges and what thinking allows. */
function encodeSampling(ir: IrRequest, body: Json, thinking: AnthropicThinking, ctx: CodecContext): void {
  const thinkingOn = thinking.kind === 'enabled' || thinking.kind === 'adaptive';
  if (ir.temperature !== undefined) {
    if (thinkingOn) ctx.dropped('temperature (not accepted with thinking on)');
    else {
      const t = Math.min(1, Math.max(0, ir.temperature));
      if (t !== ir.temperature) ctx.dropped(`temperature ${ir.temperature} (clamped to ${t}: Anthropic takes 0 to 1)`);
      body.temperature = t;
    }
  }
  if (ir.topP !== undefined) {
    if (thinking.kind === 'adaptive' || (thinkingOn && !(ir.topP >= 0.95 && ir.topP <= 1)))
      ctx.dropped('top_p (not accepted with thinking on)');
    else if (body.temperature !== undefined)
      ctx.dropped('top_p (current Claude models take temperature or top_p, not both; temperature kept)');
    else body.top_p = ir.topP;
  }
  if (ir.topK !== undefined) {
    if (thinkingOn) ctx.dropped('top_k (not accepted with thinking on)');
    else body.top_k = ir.topK;
  }
}

/**
 * IR → an Anthropic Messages request body (backend side of the anthropic.messages codec).
 * `max_tokens` is written when the IR has it; the adapter fills in the backend's default
 * otherwise (see fillAnthropicMaxTokens).
 */
export function encodeAnthropicRequest(ir: IrRequest, ctx: CodecContext): Json {
  const system = [...ir.system];
  const messages = encodeTurns(ir.messages, system, ctx);
  const body: Json = { model: ir.model };
  const encodedSystem = encodeSystem(system, ctx);
  if (encodedSystem !== undefined) body.system = encodedSystem;
  body.messages = messages;
  if (ir.maxTokens !== undefined) body.max_tokens = ir.maxTokens;

  let thinking = planAnthropicThinking(ir.thinking, ir.model, ir.maxTokens);
  if ((thinking.kind === 'enabled' || thinking.kind === 'adaptive') && toolTurnLacksThinking(messages)) {
    // Turn 2 of a tool loop from a client that does not send thinking blocks back: with `thinking` on the API
    // rejects it, and `type: disabled` is rejected by adaptive-only models, so the parameter is left out.
    ctx.dropped('thinking (the last assistant turn calls tools without its thinking block; thinking is off for this turn)');
    thinking = { kind: 'off' };
  }
  const thinkingOn = thinking.kind === 'enabled' || thinking.kind === 'adaptive';
  if (thinking.kind === 'enabled') body.thinking = { type: 'enabled', budget_tokens: thinking.budgetTokens };
  else if (thinking.kind === 'adaptive') {
    body.thinking = { type: 'adaptive' };
    body.output_config = { effort: thinking.effort };
  } else if (thinking.kind === 'no_room') {
    ctx.dropped(`thinking (max_tokens ${thinking.maxTokens} leaves no room for Anthropic's minimum budget of 1024)`);
  }

  const model = claudeModelRules(ir.model);
  if (model.rejectsSamplingParams) {
    for (const [field, value] of [
      ['temperature', ir.temperature],
      ['top_p', ir.topP],
      ['top_k', ir.topK],
    ] as const) {
      if (value !== undefined) ctx.dropped(`${field} (${ir.model} no longer takes sampling parameters)`);
    }
  } else encodeSampling(ir, body, thinking, ctx);
  if (ir.stop !== undefined && ir.stop.length > 0) body.stop_sequences = ir.stop;

  if (ir.tools !== undefined && ir.tools.length > 0) {
    const tools = encodeAnthropicTools(ir.tools, ctx);
    if (tools.length > 0) body.tools = tools;
  }
  let toolChoice = encodeAnthropicToolChoice(ir.toolChoice, ir.parallelToolCalls);
  if (toolChoice && thinkingOn && (toolChoice.type === 'any' || toolChoice.type === 'tool')) {
    ctx.dropped(`tool_choice ${String(toolChoice.type)} (a forced tool choice is not accepted with thinking on; sent as auto)`);
    const { name: _name, ...rest } = toolChoice;
    toolChoice = { ...rest, type: 'auto' };
  }
  if (toolChoice && body.tools !== undefined) body.tool_choice = toolChoice;

  if (ir.responseFormat?.type === 'json_schema') {
    const schema = fitAnthropicJsonSchema(ir.responseFormat.schema);
    body.output_config = { ...(body.output_config as Json | undefined), format: { type: 'json_schema', schema } };
  } else if (ir.responseFormat?.type === 'json_object') {
    throw GatewayError.invalidRequest(
      "response_format json_object cannot be sent to Claude: Anthropic's structured outputs take a JSON schema only; send response_format {type: json_schema, json_schema: {name, schema}} instead",
      'response_format',
    );
  }
  if (ir.user !== undefined) body.metadata = { user_id: ir.user };
  if (ir.seed !== undefined) ctx.dropped('seed');
  if (ir.presencePenalty !== undefined) ctx.dropped('presence_penalty');
  if (ir.frequencyPenalty !== undefined) ctx.dropped('frequency_penalty');
  if (ir.stream) body.stream = true;
  if (ir.extra) for (const [key, value] of Object.entries(ir.extra)) if (body[key] === undefined) body[key] = value;
  return body;
}
