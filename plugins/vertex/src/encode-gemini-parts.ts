import type { CodecContext, IrContentPart, IrMediaSource, IrReasoningPart, IrToolCallPart, IrToolResultPart } from '@switchyard/plugin-sdk';
import { isObject, parseJson, type Json } from './gemini-json.js';

const MEDIA_TYPES_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  html: 'text/html',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  flac: 'audio/flac',
  ogg: 'audio/ogg',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
};

/** A media type for a URL from its file extension, else the fallback. */
export function mediaTypeOfUrl(url: string, fallback: string): string {
  const path = url.split(/[?#]/)[0] ?? '';
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return MEDIA_TYPES_BY_EXTENSION[ext] ?? fallback;
}

/** A media source as `inlineData` (base64) or `fileData` (a gs:// or http(s) URI); null for a file id Gemini cannot read. */
function mediaPart(source: IrMediaSource, mediaType: string | undefined, fallback: string, where: string, ctx: CodecContext): Json | null {
  switch (source.kind) {
    case 'base64':
      return { inlineData: { mimeType: source.mediaType || mediaType || fallback, data: source.data } };
    case 'url':
      return { fileData: { mimeType: mediaType ?? mediaTypeOfUrl(source.url, fallback), fileUri: source.url } };
    case 'file_id':
      ctx.dropped(`${where} file_id (Gemini reads inline data or file URIs)`);
      return null;
  }
}

/** A text, image or file part of a user, system or tool turn as a Gemini part. */
export function encodeGeminiContentPart(part: IrContentPart, ctx: CodecContext): Json | null {
  switch (part.type) {
    case 'text':
      return part.text.length > 0 ? { text: part.text } : null;
    case 'image':
      if (part.detail !== undefined) ctx.dropped('image detail');
      return mediaPart(part.source, undefined, 'image/jpeg', 'image', ctx);
    case 'file':
      return mediaPart(part.source, part.mediaType, 'application/octet-stream', 'file', ctx);
  }
}

/** The thought signature a reasoning part carries (Google's own, else the IR signature). */
export function reasoningSignature(part: IrReasoningPart): string | undefined {
  return googleSignature(part.providerMetadata) ?? (part.signature || undefined);
}

/**
 * Reasoning with text replayed as a thought part with its signature; null for reasoning without
 * text (its signature belongs on the answer's text, see encodeGeminiContents) and for Anthropic
 * redacted blocks, which have no Gemini form.
 */
export function encodeGeminiReasoning(part: IrReasoningPart, ctx: CodecContext): Json | null {
  if (part.redactedData !== undefined) {
    ctx.dropped('redacted reasoning');
    return null;
  }
  if (!part.text) return null;
  const out: Json = { text: part.text, thought: true };
  const signature = reasoningSignature(part);
  if (signature) out.thoughtSignature = signature;
  return out;
}

export function googleSignature(meta: Record<string, Record<string, unknown>> | undefined): string | undefined {
  const s = meta?.google?.thoughtSignature;
  return typeof s === 'string' && s.length > 0 ? s : undefined;
}

/** A tool call's arguments (JSON text) as the object Gemini's `functionCall.args` must be. */
export function functionCallArgs(call: IrToolCallPart, ctx: CodecContext): Json {
  if (call.arguments.trim() === '') return {};
  const parsed = parseJson(call.arguments);
  if (isObject(parsed)) return parsed;
  ctx.dropped(`tool call ${call.id} arguments (not a JSON object; sent as {"input": …})`);
  return { input: parsed === undefined ? call.arguments : parsed };
}

/** A tool call as a `functionCall` part (Gemini has no call ids: results are matched by name and order). */
export function encodeGeminiFunctionCall(call: IrToolCallPart, ctx: CodecContext): Json {
  const out: Json = { functionCall: { name: call.name, args: functionCallArgs(call, ctx) } };
  const signature = googleSignature(call.providerMetadata);
  if (signature) out.thoughtSignature = signature;
  return out;
}

/**
 * A tool result as a `functionResponse` part, whose `response` is always an object: a JSON
 * object result as is, anything else under `output` (`error` for a failed call, as Vertex
 * documents). Images and files of the result follow as their own parts.
 */
export function encodeGeminiFunctionResponse(result: IrToolResultPart, name: string, ctx: CodecContext): Json[] {
  let text: string;
  const media: Json[] = [];
  if (typeof result.content === 'string') text = result.content;
  else {
    const texts: string[] = [];
    for (const part of result.content) {
      if (part.type === 'text') texts.push(part.text);
      else {
        const encoded = encodeGeminiContentPart(part, ctx);
        if (encoded) media.push(encoded);
      }
    }
    text = texts.join('\n');
  }
  const parsed = text.trim() === '' ? undefined : parseJson(text);
  let response: Json;
  if (result.isError) response = { error: parsed ?? text };
  else if (isObject(parsed)) response = parsed;
  else response = { output: parsed ?? text };
  return [{ functionResponse: { name, response } }, ...media];
}
