import { GatewayError, type CodecContext, type IrMessage, type IrPart, type IrToolCallPart } from '@switchyard/plugin-sdk';
import { decodeOpenAIChatContent } from './decode-openai-chat-content.js';
import { decodeOpenAIChatReasoning } from './decode-openai-chat-reasoning.js';
import { asArray, asObject, asString, isObject, type Json } from './read-openai-chat-json.js';

/**
 * A tool call of an assistant message or response (`extra_content.google.thought_signature` kept
 * for Gemini, SPEC §3); null without a name.
 */
export function decodeOpenAIChatToolCall(raw: unknown): IrToolCallPart | null {
  const call = asObject(raw);
  const fn = asObject(call?.function) ?? asObject(call?.custom);
  const name = asString(fn?.name);
  if (!call || !name) return null;
  const args = call.type === 'custom' ? fn?.input : fn?.arguments;
  const part: IrToolCallPart = {
    type: 'tool_call',
    id: asString(call.id) ?? '',
    name,
    arguments: typeof args === 'string' ? args : args === undefined || args === null ? '' : JSON.stringify(args),
  };
  const thoughtSignature = asString(asObject(asObject(call.extra_content)?.google)?.thought_signature);
  if (thoughtSignature) part.providerMetadata = { google: { thoughtSignature } };
  return part;
}

function withName(message: IrMessage, raw: Json): IrMessage {
  const name = asString(raw.name);
  if (name) message.name = name;
  return message;
}

/**
 * `messages` split into the IR's system instructions (system and developer messages, in order)
 * and turns. Each tool message is its own `tool` turn with one tool_result part: grouping results
 * into one user turn is left to encoders whose protocol needs it.
 */
export function decodeOpenAIChatMessages(messages: unknown, ctx: CodecContext): { system: IrMessage[]; messages: IrMessage[] } {
  const list = asArray(messages);
  if (!list) throw GatewayError.invalidRequest('messages: required, an array of messages', 'messages');
  const system: IrMessage[] = [];
  const turns: IrMessage[] = [];
  const toolNames = new Map<string, string>();
  list.forEach((raw, i) => {
    const where = `messages[${i}]`;
    if (!isObject(raw)) throw GatewayError.invalidRequest(`${where}: expected an object`, where);
    const content = `${where}.content`;
    switch (raw.role) {
      case 'system':
      case 'developer':
        system.push(withName({ role: 'system', parts: decodeOpenAIChatContent(raw.content, content, ctx) }, raw));
        return;
      case 'user':
        turns.push(withName({ role: 'user', parts: decodeOpenAIChatContent(raw.content, content, ctx) }, raw));
        return;
      case 'assistant': {
        const parts: IrPart[] = [...decodeOpenAIChatReasoning(raw), ...decodeOpenAIChatContent(raw.content, content, ctx)];
        for (const [j, tc] of (asArray(raw.tool_calls) ?? []).entries()) {
          const call = decodeOpenAIChatToolCall(tc);
          if (!call) throw GatewayError.invalidRequest(`${where}.tool_calls[${j}].function.name: required`, `${where}.tool_calls`);
          if (call.id) toolNames.set(call.id, call.name);
          parts.push(call);
        }
        if (raw.function_call !== undefined && raw.function_call !== null) ctx.dropped(`${where}.function_call`);
        turns.push(withName({ role: 'assistant', parts }, raw));
        return;
      }
      case 'tool': {
        const toolCallId = asString(raw.tool_call_id);
        if (!toolCallId) throw GatewayError.invalidRequest(`${where}.tool_call_id: required on a tool message`, `${where}.tool_call_id`);
        const result = decodeOpenAIChatContent(raw.content, content, ctx);
        const only = result.length === 1 && result[0]!.type === 'text' ? result[0]!.text : null;
        const name = toolNames.get(toolCallId);
        turns.push({
          role: 'tool',
          parts: [{ type: 'tool_result', toolCallId, ...(name ? { name } : {}), content: only ?? (result.length === 0 ? '' : result) }],
        });
        return;
      }
      case 'function':
        ctx.dropped(`${where}.role=function`);
        return;
      default:
        throw GatewayError.invalidRequest(`${where}.role: expected system, developer, user, assistant or tool`, `${where}.role`);
    }
  });
  return { system, messages: turns };
}
