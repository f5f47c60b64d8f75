import type { IrContentPart, IrMessage, IrPart, IrReasoningPart, IrToolCallPart, IrToolResultPart } from '@switchyard/plugin-sdk';
import { toDataUrl, type Json } from './read-openai-chat-json.js';

/** Reports a dropped field once per request (a long conversation would repeat it per part). */
export type Drop = (field: string) => void;

const AUDIO_FORMATS: Record<string, string> = {
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
};

function encodePart(part: IrContentPart, drop: Drop): Json | null {
  if (part.providerMetadata) for (const key of Object.keys(part.providerMetadata)) drop(`providerMetadata.${key}`);
  if (part.type === 'text') return { type: 'text', text: part.text };
  const src = part.source;
  if (part.type === 'image') {
    if (src.kind === 'file_id') {
      drop('image file_id');
      return null;
    }
    const url = src.kind === 'url' ? src.url : toDataUrl(src.mediaType, src.data);
    return { type: 'image_url', image_url: { url, ...(part.detail ? { detail: part.detail } : {}) } };
  }
  if (src.kind === 'file_id') return { type: 'file', file: { file_id: src.fileId } };
  if (src.kind === 'url') {
    drop('file url');
    return null;
  }
  const format = AUDIO_FORMATS[src.mediaType];
  if (format) return { type: 'input_audio', input_audio: { data: src.data, format } };
  return { type: 'file', file: { file_data: toDataUrl(src.mediaType, src.data), ...(part.filename ? { filename: part.filename } : {}) } };
}

/** Content parts as `content`: one text part is a plain string (what every server accepts); otherwise an array. */
function encodeContent(parts: readonly IrContentPart[], drop: Drop): string | Json[] {
  if (parts.length === 1 && parts[0]!.type === 'text' && !parts[0]!.providerMetadata) return parts[0]!.text;
  const out: Json[] = [];
  for (const part of parts) {
    const encoded = encodePart(part, drop);
    if (encoded) out.push(encoded);
  }
  return out.length === 1 && out[0]!.type === 'text' ? (out[0]!.text as string) : out;
}

/** Tool call arguments must be JSON text: servers parse them for chat templates, so '' becomes '{}'. */
export function encodeOpenAIChatToolCall(call: IrToolCallPart): Json {
  const out: Json = { id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments || '{}' } };
  const thoughtSignature = call.providerMetadata?.google?.thoughtSignature;
  if (typeof thoughtSignature === 'string') out.extra_content = { google: { thought_signature: thoughtSignature } };
  return out;
}

function encodeToolResult(part: IrToolResultPart, drop: Drop): Json {
  if (part.isError) drop('tool_result.is_error');
  let content: string | Json[];
  if (typeof part.content === 'string') content = part.content;
  else {
    // Tool messages take text parts only.
    const texts = part.content.filter((p) => p.type === 'text');
    if (texts.length < part.content.length) drop('tool_result non-text content');
    content = texts.length === 1 ? texts[0]!.text : texts.map((p) => ({ type: 'text', text: p.text }));
  }
  return { role: 'tool', tool_call_id: part.toolCallId, content };
}

function encodeAssistant(message: IrMessage, drop: Drop): Json {
  const texts: IrContentPart[] = [];
  const reasoning: IrReasoningPart[] = [];
  const calls: Json[] = [];
  for (const part of message.parts) {
    if (part.type === 'reasoning') reasoning.push(part);
    else if (part.type === 'tool_call') calls.push(encodeOpenAIChatToolCall(part));
    else if (part.type === 'text') texts.push(part);
    else drop(`assistant ${part.type}`);
  }
  const out: Json = { role: 'assistant', content: texts.length ? encodeContent(texts, drop) : null };
  const thought = reasoning.map((p) => p.text).join('');
  if (thought) out.reasoning_content = thought;
  if (reasoning.some((p) => p.signature !== undefined || p.redactedData !== undefined)) drop('thinking_blocks');
  if (calls.length) out.tool_calls = calls;
  return out;
}

/** A message with the IR turn's participant name, when it has one. */
const named = (m: Json, source: IrMessage): Json => (source.name ? { ...m, name: source.name } : m);

/** A system or user turn's content parts (those between its tool results) as one message. */
const contentMessage = (role: string, parts: readonly IrContentPart[], source: IrMessage, drop: Drop): Json =>
  named({ role, content: encodeContent(parts, drop) }, source);

/** One IR turn as its chat messages, appended to `out`. */
function encodeMessage(message: IrMessage, drop: Drop, out: Json[]): void {
  if (message.role === 'assistant') {
    out.push(named(encodeAssistant(message, drop), message));
    return;
  }
  const role = message.role === 'system' ? 'system' : 'user';
  let pending: IrContentPart[] | null = null;
  for (const part of message.parts as IrPart[]) {
    if (part.type === 'tool_result') {
      if (pending) out.push(contentMessage(role, pending, message, drop));
      pending = null;
      out.push(encodeToolResult(part, drop));
    } else if (part.type === 'text' || part.type === 'image' || part.type === 'file') (pending ??= []).push(part);
    else drop(`${message.role} ${part.type}`);
  }
  if (pending) out.push(contentMessage(role, pending, message, drop));
  if (message.parts.length === 0 && message.role !== 'tool') out.push(named({ role, content: '' }, message));
}

/**
 * IR turns as chat messages, one for one, merging nothing. Tool results become one `tool` message
 * each, in order; content parts around them in the same turn become a user message in place.
 * (Loops without a closure or a copied list per call: every translated request to a chat upstream
 * comes through here; issue #19.)
 */
export function encodeOpenAIChatMessages(system: readonly IrMessage[], messages: readonly IrMessage[], drop: Drop): Json[] {
  const out: Json[] = [];
  for (const message of system) encodeMessage(message, drop, out);
  for (const message of messages) encodeMessage(message, drop, out);
  return out;
}
