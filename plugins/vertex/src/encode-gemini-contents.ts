import { GatewayError, type CodecContext, type IrMessage, type IrPart } from '@switchyard/plugin-sdk';
import type { Json } from './gemini-json.js';
import { geminiModelFamily, isGemini3OrLater } from './gemini-models.js';
import {
  encodeGeminiContentPart,
  encodeGeminiFunctionCall,
  encodeGeminiFunctionResponse,
  encodeGeminiReasoning,
  reasoningSignature,
} from './encode-gemini-parts.js';

/**
 * Google's documented placeholder for a function call whose thought signature is unknown (a
 * history from another model, or a client that dropped `extra_content.google.thought_signature`):
 * Gemini 3 then skips signature validation for that step instead of rejecting the request.
 */
export const GEMINI_SKIP_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';

export interface GeminiContent {
  role: 'user' | 'model';
  parts: Json[];
}

/** Tool call id → tool name, from every assistant turn (Gemini's function responses are matched by name). */
function toolNamesById(messages: readonly IrMessage[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of messages) {
    for (const p of m.parts) if (p.type === 'tool_call' && p.id) names.set(p.id, p.name);
  }
  return names;
}

/**
 * An assistant turn's parts. A signature without reasoning text is the one Gemini put on the
 * answer's text (its last text part): it goes back there, as Gemini sent it.
 */
function modelParts(parts: readonly IrPart[], ctx: CodecContext): Json[] {
  const out: Json[] = [];
  const textSignatures: string[] = [];
  for (const part of parts) {
    switch (part.type) {
      case 'reasoning': {
        const thought = encodeGeminiReasoning(part, ctx);
        if (thought) out.push(thought);
        else if (!part.text && part.redactedData === undefined) {
          const signature = reasoningSignature(part);
          if (signature) textSignatures.push(signature);
        }
        break;
      }
      case 'tool_call':
        out.push(encodeGeminiFunctionCall(part, ctx));
        break;
      case 'tool_result':
        ctx.dropped('tool_result in an assistant turn');
        break;
      default: {
        const encoded = encodeGeminiContentPart(part, ctx);
        if (encoded) out.push(encoded);
      }
    }
  }
  for (const signature of textSignatures) {
    const text = out.findLast((p) => typeof p.text === 'string' && p.thought !== true && p.thoughtSignature === undefined);
    if (text) text.thoughtSignature = signature;
    else ctx.dropped('thought signature without text to carry it');
  }
  return out;
}

function userParts(message: IrMessage, names: Map<string, string>, ctx: CodecContext): Json[] {
  const out: Json[] = [];
  for (const part of message.parts) {
    if (part.type === 'tool_result') {
      const name = part.name ?? names.get(part.toolCallId);
      if (!name) {
        throw GatewayError.invalidRequest(
          `messages: the tool result for call "${part.toolCallId}" names no tool, and no assistant message before it made that call (Gemini matches results by tool name)`,
          'messages',
        );
      }
      out.push(...encodeGeminiFunctionResponse(part, name, ctx));
    } else if (part.type === 'text' || part.type === 'image' || part.type === 'file') {
      const encoded = encodeGeminiContentPart(part, ctx);
      if (encoded) out.push(encoded);
    } else {
      ctx.dropped(`${part.type} in a ${message.role} turn`);
    }
  }
  return out;
}

/**
 * Gemini 3 rejects a step whose first function call lacks its thought signature: such a call
 * gets Google's placeholder. Earlier models do not validate signatures and get none.
 */
function fillMissingSignatures(contents: GeminiContent[], model: string): void {
  if (!isGemini3OrLater(geminiModelFamily(model))) return;
  for (const content of contents) {
    if (content.role !== 'model') continue;
    const first = content.parts.find((p) => p.functionCall !== undefined);
    if (first && typeof first.thoughtSignature !== 'string') first.thoughtSignature = GEMINI_SKIP_THOUGHT_SIGNATURE;
  }
}

/**
 * IR turns → Gemini `contents`: assistant ↔ `model`, user and tool turns → `user` (tool results as
 * `functionResponse` parts named after their call), consecutive turns of one role merged into
 * one content (so a batch of tool results answers its batch of calls), empty turns left out;
 * system messages among the turns join `system` (Gemini has one system instruction).
 */
export function encodeGeminiContents(
  messages: readonly IrMessage[],
  system: IrMessage[],
  model: string,
  ctx: CodecContext,
): GeminiContent[] {
  const names = toolNamesById(messages);
  const contents: GeminiContent[] = [];
  for (const message of messages) {
    if (message.role === 'system') {
      system.push(message);
      continue;
    }
    if (message.name !== undefined) ctx.dropped('messages[].name');
    const role = message.role === 'assistant' ? 'model' : 'user';
    const parts = role === 'model' ? modelParts(message.parts, ctx) : userParts(message, names, ctx);
    if (parts.length === 0) continue;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  }
  fillMissingSignatures(contents, model);
  return contents;
}

/** System messages as `systemInstruction` (text only). */
export function encodeGeminiSystemInstruction(system: readonly IrMessage[], ctx: CodecContext): Json | undefined {
  const parts: Json[] = [];
  for (const message of system) {
    for (const part of message.parts) {
      if (part.type !== 'text') {
        ctx.dropped(`system ${part.type} part`);
        continue;
      }
      if (part.text.length > 0) parts.push({ text: part.text });
    }
  }
  return parts.length > 0 ? { parts } : undefined;
}
