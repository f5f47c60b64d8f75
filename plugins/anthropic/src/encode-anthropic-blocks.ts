import type {
  CodecContext,
  IrFilePart,
  IrImagePart,
  IrMediaSource,
  IrPart,
  IrReasoningPart,
  IrTextPart,
  IrToolCallPart,
  IrToolResultPart,
} from '@switchyard/plugin-sdk';
import { cacheControlOf, isObject, parseJson, type Json } from './anthropic-json.js';

const DATA_URL = /^data:([^;,]+)?((?:;[^;,]+)*?);base64,(.*)$/s;

/** A `data:` URL becomes an inline base64 source; anything else stays as it is. */
function normalised(source: IrMediaSource): IrMediaSource {
  if (source.kind !== 'url' || !source.url.startsWith('data:')) return source;
  const m = DATA_URL.exec(source.url);
  return m ? { kind: 'base64', mediaType: m[1] ?? 'application/octet-stream', data: m[3]! } : source;
}

function withCache(block: Json, providerMetadata: IrPart['providerMetadata']): Json {
  const cc = cacheControlOf(providerMetadata);
  if (cc) block.cache_control = cc;
  return block;
}

function encodeImage(part: IrImagePart | IrFilePart, source: IrMediaSource): Json {
  switch (source.kind) {
    case 'base64':
      return withCache(
        { type: 'image', source: { type: 'base64', media_type: source.mediaType, data: source.data } },
        part.providerMetadata,
      );
    case 'url':
      return withCache({ type: 'image', source: { type: 'url', url: source.url } }, part.providerMetadata);
    case 'file_id':
      return withCache({ type: 'image', source: { type: 'file', file_id: source.fileId } }, part.providerMetadata);
  }
}

/** A document: PDFs (base64, URL, file id) and plain text; other media types have no Anthropic block. */
function encodeFile(part: IrFilePart, ctx: CodecContext): Json | null {
  const source = normalised(part.source);
  const mediaType = (source.kind === 'base64' ? source.mediaType : part.mediaType) ?? '';
  if (mediaType.startsWith('image/')) return encodeImage(part, source);
  let docSource: Json | null = null;
  if (mediaType === 'application/pdf' || (mediaType === '' && source.kind !== 'base64')) {
    if (source.kind === 'base64') docSource = { type: 'base64', media_type: 'application/pdf', data: source.data };
    else if (source.kind === 'url') docSource = { type: 'url', url: source.url };
    else docSource = { type: 'file', file_id: source.fileId };
  } else if (mediaType.startsWith('text/') && source.kind === 'base64') {
    docSource = { type: 'text', media_type: 'text/plain', data: Buffer.from(source.data, 'base64').toString('utf8') };
  } else if (source.kind === 'file_id') {
    docSource = { type: 'file', file_id: source.fileId };
  }
  if (!docSource) {
    ctx.dropped(`file part (${mediaType || 'unknown media type'})`);
    return null;
  }
  const block: Json = { type: 'document', source: docSource };
  if (part.filename) block.title = part.filename;
  return withCache(block, part.providerMetadata);
}

function encodeText(part: IrTextPart): Json | null {
  // Anthropic rejects empty text blocks.
  if (part.text.length === 0) return null;
  return withCache({ type: 'text', text: part.text }, part.providerMetadata);
}

/** Text, image and file parts (user turns, system, tool results) as Anthropic blocks. */
export function encodeAnthropicContentPart(part: IrPart, ctx: CodecContext): Json | null {
  switch (part.type) {
    case 'text':
      return encodeText(part);
    case 'image':
      if (part.detail !== undefined && part.detail !== 'auto') ctx.dropped(`image detail ${part.detail}`);
      return encodeImage(part, normalised(part.source));
    case 'file':
      return encodeFile(part, ctx);
    default:
      ctx.dropped(`${part.type} part in a ${part.type === 'tool_result' ? 'non-tool' : 'non-assistant'} message`);
      return null;
  }
}

/** The IR's arguments text as `tool_use.input` (an object; `{}` for none, reported when unreadable). */
export function toolInput(part: IrToolCallPart, ctx: CodecContext): Json {
  if (part.arguments.trim() === '') return {};
  const parsed = parseJson(part.arguments);
  if (isObject(parsed)) return parsed;
  ctx.dropped(`tool call ${part.id} arguments (not a JSON object)`);
  return {};
}

export function encodeAnthropicToolUse(part: IrToolCallPart, ctx: CodecContext): Json {
  return withCache({ type: 'tool_use', id: part.id, name: part.name, input: toolInput(part, ctx) }, part.providerMetadata);
}

/** A reasoning part as a thinking / redacted_thinking block; unsigned reasoning cannot be sent back (null, reported). */
export function encodeAnthropicReasoning(part: IrReasoningPart, ctx: CodecContext): Json | null {
  if (part.redactedData !== undefined && part.redactedData !== '') return { type: 'redacted_thinking', data: part.redactedData };
  if (part.signature !== undefined && part.signature !== '') return { type: 'thinking', thinking: part.text, signature: part.signature };
  if (part.text.length > 0) ctx.dropped('reasoning without a signature (Anthropic accepts only signed thinking blocks)');
  return null;
}

export function encodeAnthropicToolResult(part: IrToolResultPart, ctx: CodecContext): Json {
  const block: Json = { type: 'tool_result', tool_use_id: part.toolCallId };
  if (typeof part.content === 'string') {
    if (part.content.length > 0) block.content = part.content;
  } else {
    const content: Json[] = [];
    for (const p of part.content) {
      const b = encodeAnthropicContentPart(p, ctx);
      if (b) content.push(b);
    }
    if (content.length > 0) block.content = content;
  }
  if (part.isError) block.is_error = true;
  return withCache(block, part.providerMetadata);
}

/** An assistant turn's parts as blocks: thinking, text and tool_use, in order. */
export function encodeAnthropicAssistantParts(parts: readonly IrPart[], ctx: CodecContext): Json[] {
  const blocks: Json[] = [];
  for (const part of parts) {
    let block: Json | null;
    switch (part.type) {
      case 'reasoning':
        block = encodeAnthropicReasoning(part, ctx);
        break;
      case 'tool_call':
        block = encodeAnthropicToolUse(part, ctx);
        break;
      default:
        block = encodeAnthropicContentPart(part, ctx);
    }
    if (block) blocks.push(block);
  }
  return blocks;
}
