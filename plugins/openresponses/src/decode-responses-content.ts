import {
  audioMediaType,
  GatewayError,
  mediaSourceOf,
  mediaTypeOfFilename,
  type CodecContext,
  type IrContentPart,
  type IrMediaSource,
} from '@switchyard/plugin-sdk';
import { asObject, asString } from './responses-json.js';

/** One content part of an input message or tool output; null (reported as dropped) when the IR has no place for it. */
function decodePart(raw: unknown, where: string, ctx: CodecContext): IrContentPart | null {
  const part = asObject(raw);
  if (!part || typeof part.type !== 'string') throw GatewayError.invalidRequest(`${where}: each content part needs a type`, where);
  switch (part.type) {
    case 'input_text':
    case 'output_text':
    case 'text':
    case 'summary_text':
    case 'reasoning_text': {
      const text = asString(part.text);
      if (text === undefined) throw GatewayError.invalidRequest(`${where}: a ${part.type} part needs text`, where);
      return { type: 'text', text };
    }
    case 'refusal': {
      const text = asString(part.refusal);
      if (text === undefined) throw GatewayError.invalidRequest(`${where}: a refusal part needs refusal`, where);
      return { type: 'text', text };
    }
    case 'input_image': {
      const url = asString(part.image_url);
      const fileId = asString(part.file_id);
      let source: IrMediaSource;
      if (url) source = mediaSourceOf(url, 'image/png');
      else if (fileId) source = { kind: 'file_id', fileId };
      else throw GatewayError.invalidRequest(`${where}: input_image needs image_url or file_id`, where);
      const detail = part.detail;
      return { type: 'image', source, ...(detail === 'auto' || detail === 'low' || detail === 'high' ? { detail } : {}) };
    }
    case 'input_file': {
      const filename = asString(part.filename);
      const fileData = asString(part.file_data);
      const fileId = asString(part.file_id);
      const fileUrl = asString(part.file_url);
      let source: IrMediaSource;
      if (fileData) source = mediaSourceOf(fileData, mediaTypeOfFilename(filename) ?? 'application/octet-stream');
      else if (fileId) source = { kind: 'file_id', fileId };
      else if (fileUrl) source = { kind: 'url', url: fileUrl };
      else throw GatewayError.invalidRequest(`${where}: input_file needs file_data, file_id or file_url`, where);
      const mediaType = source.kind === 'base64' ? source.mediaType : mediaTypeOfFilename(filename);
      return { type: 'file', source, ...(mediaType ? { mediaType } : {}), ...(filename ? { filename } : {}) };
    }
    case 'input_audio': {
      const audio = asObject(part.input_audio);
      const data = asString(audio?.data);
      if (!data) throw GatewayError.invalidRequest(`${where}: input_audio.data is required`, where);
      const format = asString(audio?.format) ?? 'wav';
      const mediaType = audioMediaType(format);
      return { type: 'file', source: { kind: 'base64', mediaType, data }, mediaType };
    }
    default:
      ctx.dropped(`${where}.${part.type}`);
      return null;
  }
}

/** A message's or tool output's `content`: a string or an array of parts. */
export function decodeResponsesContent(content: unknown, where: string, ctx: CodecContext): IrContentPart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw GatewayError.invalidRequest(`${where}: expected a string or an array of content parts`, where);
  const parts: IrContentPart[] = [];
  content.forEach((raw, i) => {
    const part = decodePart(raw, `${where}[${i}]`, ctx);
    if (part) parts.push(part);
  });
  return parts;
}
