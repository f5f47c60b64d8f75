import {
  audioMediaType,
  GatewayError,
  mediaSourceOf,
  mediaTypeOfFilename,
  type CodecContext,
  type IrContentPart,
  type IrMediaSource,
} from '@switchyard/plugin-sdk';
import { asObject, asString, isObject } from './read-openai-chat-json.js';

/** One content part of a user, system or tool message; null (and reported as dropped) when the IR has no place for it. */
function decodePart(raw: unknown, where: string, ctx: CodecContext): IrContentPart | null {
  const part = asObject(raw);
  if (!part || typeof part.type !== 'string') throw GatewayError.invalidRequest(`${where}: each content part needs a type`, where);
  switch (part.type) {
    case 'text':
    case 'input_text':
    case 'refusal': {
      const text = asString(part.text) ?? asString(part.refusal);
      if (text === undefined) throw GatewayError.invalidRequest(`${where}: a text part needs text`, where);
      return { type: 'text', text };
    }
    case 'image_url': {
      const image = isObject(part.image_url) ? part.image_url : { url: part.image_url };
      const url = asString(image.url);
      if (!url) throw GatewayError.invalidRequest(`${where}: image_url.url is required`, where);
      const detail = image.detail;
      return {
        type: 'image',
        source: mediaSourceOf(url, 'image/png'),
        ...(detail === 'auto' || detail === 'low' || detail === 'high' ? { detail } : {}),
      };
    }
    case 'input_audio': {
      const audio = asObject(part.input_audio);
      const data = asString(audio?.data);
      if (!data) throw GatewayError.invalidRequest(`${where}: input_audio.data is required`, where);
      const format = asString(audio?.format) ?? 'wav';
      const mediaType = audioMediaType(format);
      return { type: 'file', source: { kind: 'base64', mediaType, data }, mediaType };
    }
    case 'file': {
      const file = asObject(part.file) ?? {};
      const filename = asString(file.filename);
      const fileId = asString(file.file_id);
      const fileData = asString(file.file_data);
      let source: IrMediaSource;
      if (fileData) source = mediaSourceOf(fileData, mediaTypeOfFilename(filename) ?? 'application/octet-stream');
      else if (fileId) source = { kind: 'file_id', fileId };
      else throw GatewayError.invalidRequest(`${where}: file needs file_data or file_id`, where);
      const mediaType = source.kind === 'base64' ? source.mediaType : mediaTypeOfFilename(filename);
      return { type: 'file', source, ...(mediaType ? { mediaType } : {}), ...(filename ? { filename } : {}) };
    }
    default:
      ctx.dropped(`${where}.${part.type}`);
      return null;
  }
}

/** A message's `content`: a string, an array of parts, or null/absent (no parts). */
export function decodeOpenAIChatContent(content: unknown, where: string, ctx: CodecContext): IrContentPart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw GatewayError.invalidRequest(`${where}: expected a string or an array of content parts`, where);
  const parts: IrContentPart[] = [];
  for (const raw of content) {
    const part = decodePart(raw, where, ctx);
    if (part) parts.push(part);
  }
  return parts;
}
