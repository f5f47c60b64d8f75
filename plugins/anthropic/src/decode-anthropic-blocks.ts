import type {
  CodecContext,
  IrContentPart,
  IrFilePart,
  IrImagePart,
  IrMediaSource,
  IrPart,
  IrReasoningPart,
  IrTextPart,
  IrToolCallPart,
  IrToolResultPart,
} from '@switchyard/plugin-sdk';
import { cacheControlMetadata, isObject, str, type Json } from './anthropic-json.js';

/** Anthropic content (a string or a list of blocks) as a list of blocks. */
export function anthropicBlocks(content: unknown): Json[] {
  if (typeof content === 'string') return content.length > 0 ? [{ type: 'text', text: content }] : [];
  return Array.isArray(content) ? content.filter(isObject) : [];
}

function mediaSource(source: unknown): IrMediaSource | null {
  if (!isObject(source)) return null;
  switch (source.type) {
    case 'base64':
      return { kind: 'base64', mediaType: str(source.media_type) ?? 'application/octet-stream', data: str(source.data) ?? '' };
    case 'url':
      return typeof source.url === 'string' ? { kind: 'url', url: source.url } : null;
    case 'file':
      return typeof source.file_id === 'string' ? { kind: 'file_id', fileId: source.file_id } : null;
    case 'text':
      // A plain-text document: kept losslessly as base64 text/plain (the IR has no inline-text source).
      return {
        kind: 'base64',
        mediaType: str(source.media_type) ?? 'text/plain',
        data: Buffer.from(str(source.data) ?? '', 'utf8').toString('base64'),
      };
    default:
      return null;
  }
}

function textPart(block: Json, ctx: CodecContext): IrTextPart {
  if (block.citations !== undefined && block.citations !== null) ctx.dropped('content[].citations');
  const part: IrTextPart = { type: 'text', text: str(block.text) ?? '' };
  const meta = cacheControlMetadata(block);
  if (meta) part.providerMetadata = meta;
  return part;
}

/** An image or document block as an IR part; null (reported) when its source has no IR form. */
function mediaPart(block: Json, ctx: CodecContext): IrImagePart | IrFilePart | null {
  const source = mediaSource(block.source);
  if (!source) {
    ctx.dropped(`content[].${String(block.type)}.source`);
    return null;
  }
  const meta = cacheControlMetadata(block);
  if (block.type === 'image') {
    const part: IrImagePart = { type: 'image', source };
    if (meta) part.providerMetadata = meta;
    return part;
  }
  const part: IrFilePart = { type: 'file', source };
  const sourceType = isObject(block.source) ? block.source.type : undefined;
  part.mediaType = source.kind === 'base64' ? source.mediaType : sourceType === 'url' ? 'application/pdf' : undefined;
  if (typeof block.title === 'string') part.filename = block.title;
  if (meta) part.providerMetadata = meta;
  return part;
}

/** Text, image and document blocks (user content, tool results); anything else is dropped and reported. */
export function decodeAnthropicContentBlock(block: Json, ctx: CodecContext): IrContentPart | null {
  switch (block.type) {
    case 'text':
      return textPart(block, ctx);
    case 'image':
    case 'document':
      return mediaPart(block, ctx);
    default:
      ctx.dropped(`content[].${String(block.type)}`);
      return null;
  }
}

function toolResultPart(block: Json, ctx: CodecContext): IrToolResultPart {
  let content: IrToolResultPart['content'];
  if (typeof block.content === 'string' || block.content === undefined || block.content === null) {
    content = str(block.content) ?? '';
  } else {
    content = [];
    for (const b of anthropicBlocks(block.content)) {
      const part = decodeAnthropicContentBlock(b, ctx);
      if (part) content.push(part);
    }
  }
  const part: IrToolResultPart = { type: 'tool_result', toolCallId: str(block.tool_use_id) ?? '', content };
  if (block.is_error === true) part.isError = true;
  const meta = cacheControlMetadata(block);
  if (meta) part.providerMetadata = meta;
  return part;
}

/** A user turn's blocks: its tool results (IR `tool` messages) apart from its other content. */
export function decodeAnthropicUserBlocks(
  content: unknown,
  ctx: CodecContext,
): { toolResults: IrToolResultPart[]; parts: IrContentPart[] } {
  const toolResults: IrToolResultPart[] = [];
  const parts: IrContentPart[] = [];
  for (const block of anthropicBlocks(content)) {
    if (block.type === 'tool_result') toolResults.push(toolResultPart(block, ctx));
    else {
      const part = decodeAnthropicContentBlock(block, ctx);
      if (part) parts.push(part);
    }
  }
  return { toolResults, parts };
}

/** `tool_use.input` as the IR's arguments text. */
export function toolArguments(input: unknown): string {
  return input === undefined || input === null ? '{}' : JSON.stringify(input);
}

/** An assistant's blocks (a request's history or a response's content) as IR parts, in order. */
export function decodeAnthropicAssistantBlocks(content: unknown, ctx: CodecContext): IrPart[] {
  const parts: IrPart[] = [];
  for (const block of anthropicBlocks(content)) {
    switch (block.type) {
      case 'text':
        parts.push(textPart(block, ctx));
        break;
      case 'tool_use': {
        const part: IrToolCallPart = {
          type: 'tool_call',
          id: str(block.id) ?? '',
          name: str(block.name) ?? '',
          arguments: toolArguments(block.input),
        };
        const meta = cacheControlMetadata(block);
        if (meta) part.providerMetadata = meta;
        parts.push(part);
        break;
      }
      case 'thinking': {
        const part: IrReasoningPart = { type: 'reasoning', text: str(block.thinking) ?? '' };
        if (typeof block.signature === 'string' && block.signature.length > 0) part.signature = block.signature;
        parts.push(part);
        break;
      }
      case 'redacted_thinking':
        parts.push({ type: 'reasoning', text: '', redactedData: str(block.data) ?? '' });
        break;
      default:
        ctx.dropped(`content[].${String(block.type)}`);
    }
  }
  return parts;
}
