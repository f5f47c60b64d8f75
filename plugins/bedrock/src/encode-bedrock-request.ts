import type { CodecContext, IrMessage, IrRequest, Json } from '@switchyard/plugin-sdk';
import { planAnthropicThinking } from '@switchyard/plugin-anthropic';
import {
  cachePointAfter,
  encodeBedrockAssistantParts,
  encodeBedrockContentPart,
  encodeBedrockToolResult,
} from './encode-bedrock-blocks.js';
import { encodeBedrockToolChoice, encodeBedrockTools } from './encode-bedrock-tools.js';
import { bedrockClaudeName, isBedrockClaude } from './bedrock-models.js';

interface Turn {
  role: 'user' | 'assistant';
  content: Json[];
}

/**
 * IR turns → Converse `messages`: tool results (IR `tool` messages) become toolResult blocks of a
 * user turn, consecutive same-role turns are merged (Converse alternates roles), toolResult
 * blocks lead their user turn, empty turns are left out, system messages join `system`.
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
    const content =
      role === 'assistant'
        ? encodeBedrockAssistantParts(message.parts, ctx)
        : message.parts.flatMap((p, i) =>
            p.type === 'tool_result' ? encodeBedrockToolResult(p, ctx) : encodeBedrockContentPart(p, i, ctx),
          );
    if (content.length === 0) continue;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...content);
    else turns.push({ role, content });
  }
  for (const turn of turns) {
    if (turn.role === 'user' && turn.content.some((b) => b.toolResult !== undefined)) {
      turn.content = [...turn.content.filter((b) => b.toolResult !== undefined), ...turn.content.filter((b) => b.toolResult === undefined)];
    }
  }
  return turns;
}

/** System messages as Converse `system`: text blocks, with cache points where a part asks for one. */
function encodeSystem(system: readonly IrMessage[], ctx: CodecContext): Json[] {
  const blocks: Json[] = [];
  for (const message of system) {
    for (const part of message.parts) {
      if (part.type !== 'text') ctx.dropped(`system ${part.type} part`);
      else if (part.text.trim().length > 0) blocks.push({ text: part.text }, ...cachePointAfter(part.providerMetadata));
    }
  }
  return blocks;
}

/** `inferenceConfig`: maxTokens, temperature, topP, stopSequences (what every Converse model takes). */
function encodeInferenceConfig(ir: IrRequest, claude: boolean, thinkingOn: boolean, ctx: CodecContext): Json {
  const config: Json = {};
  if (ir.maxTokens !== undefined) config.maxTokens = ir.maxTokens;
  if (ir.temperature !== undefined) {
    if (thinkingOn) ctx.dropped('temperature (not accepted with thinking on)');
    else {
      const t = Math.min(1, Math.max(0, ir.temperature));
      if (t !== ir.temperature) ctx.dropped(`temperature ${ir.temperature} (clamped to ${t}: Bedrock takes 0 to 1)`);
      config.temperature = t;
    }
  }
  if (ir.topP !== undefined) {
    if (thinkingOn) ctx.dropped('top_p (not accepted with thinking on)');
    else if (claude && config.temperature !== undefined)
      ctx.dropped('top_p (current Claude models take temperature or top_p, not both; temperature kept)');
    else config.topP = ir.topP;
  }
  if (ir.stop !== undefined && ir.stop.length > 0) config.stopSequences = ir.stop.slice(0, 4);
  if (ir.stop !== undefined && ir.stop.length > 4) ctx.dropped('stop sequences past the fourth (Converse takes up to 4)');
  return config;
}

/**
 * Claude's own fields through `additionalModelRequestFields`: thinking (`enabled` with a budget,
 * or `adaptive` with `output_config.effort` for the models that take only that, as the
 * Anthropic plugin plans it) and top_k.
 */
function encodeClaudeFields(ir: IrRequest, ctx: CodecContext): { fields: Json; thinkingOn: boolean } {
  const fields: Json = {};
  const thinking = planAnthropicThinking(ir.thinking, bedrockClaudeName(ir.model), ir.maxTokens);
  const thinkingOn = thinking.kind === 'enabled' || thinking.kind === 'adaptive';
  if (thinking.kind === 'enabled') fields.thinking = { type: 'enabled', budget_tokens: thinking.budgetTokens };
  else if (thinking.kind === 'adaptive') {
    fields.thinking = { type: 'adaptive' };
    fields.output_config = { effort: thinking.effort };
  } else if (thinking.kind === 'no_room') {
    ctx.dropped(`thinking (max_tokens ${thinking.maxTokens} leaves no room for Claude's minimum budget of 1024)`);
  }
  if (ir.topK !== undefined) {
    if (thinkingOn) ctx.dropped('top_k (not accepted with thinking on)');
    else fields.top_k = ir.topK;
  }
  return { fields, thinkingOn };
}

/**
 * IR → a Converse / ConverseStream request body (backend side of the aws.bedrock-converse codec).
 * The model id is not in the body: it is in the URL (the adapter puts it there).
 */
export function encodeBedrockRequest(ir: IrRequest, ctx: CodecContext): Json {
  const claude = isBedrockClaude(ir.model);
  const system = [...ir.system];
  const body: Json = { messages: encodeTurns(ir.messages, system, ctx) };
  const systemBlocks = encodeSystem(system, ctx);
  if (systemBlocks.length > 0) body.system = systemBlocks;

  let thinkingOn = false;
  let extra: Json = {};
  if (claude) ({ fields: extra, thinkingOn } = encodeClaudeFields(ir, ctx));
  else {
    if (ir.thinking?.enabled) ctx.dropped('thinking (this gateway sends reasoning settings to Claude models on Bedrock only)');
    if (ir.topK !== undefined) ctx.dropped('top_k');
  }
  const inferenceConfig = encodeInferenceConfig(ir, claude, thinkingOn, ctx);
  if (Object.keys(inferenceConfig).length > 0) body.inferenceConfig = inferenceConfig;

  if (ir.tools !== undefined && ir.tools.length > 0 && ir.toolChoice !== 'none') {
    const tools = encodeBedrockTools(ir.tools, ctx);
    if (tools.length > 0) {
      const toolConfig: Json = { tools };
      let choice = encodeBedrockToolChoice(ir.toolChoice);
      if (choice && thinkingOn && choice.auto === undefined) {
        ctx.dropped('tool_choice (a forced tool choice is not accepted with thinking on; sent as auto)');
        choice = { auto: {} };
      }
      if (choice) toolConfig.toolChoice = choice;
      body.toolConfig = toolConfig;
    }
  } else if (ir.toolChoice === 'none' && ir.tools?.length) {
    ctx.dropped('tools (tool_choice none: Converse has no such choice, so no tools are sent)');
  }
  if (ir.parallelToolCalls === false) ctx.dropped('parallel_tool_calls');
  if (ir.responseFormat !== undefined && ir.responseFormat.type !== 'text') ctx.dropped(`response_format ${ir.responseFormat.type}`);
  if (ir.seed !== undefined) ctx.dropped('seed');
  if (ir.presencePenalty !== undefined) ctx.dropped('presence_penalty');
  if (ir.frequencyPenalty !== undefined) ctx.dropped('frequency_penalty');
  if (ir.user !== undefined) ctx.dropped('user');
  // Provider-native fields (a profile's, a caller's) go to the model through additionalModelRequestFields.
  if (ir.extra) for (const [key, value] of Object.entries(ir.extra)) if (extra[key] === undefined) extra[key] = value;
  if (Object.keys(extra).length > 0) body.additionalModelRequestFields = extra;
  return body;
}
