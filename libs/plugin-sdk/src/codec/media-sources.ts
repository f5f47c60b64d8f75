import type { IrMediaSource } from '../ir/ir-message.js';
import { parseDataUrl } from './json-readers.js';

const FILE_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
};

const AUDIO_TYPES: Record<string, string> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  ogg: 'audio/ogg',
  webm: 'audio/webm',
};

/** The media type a file name's extension implies, for the document types models read. */
export function mediaTypeOfFilename(filename: string | undefined): string | undefined {
  const ext = filename?.split('.').pop()?.toLowerCase();
  return ext ? FILE_TYPES[ext] : undefined;
}

/** The media type of an audio format name (`input_audio.format`: `wav`, `mp3`, …). */
export function audioMediaType(format: string): string {
  return AUDIO_TYPES[format] ?? `audio/${format}`;
}

/** A URL, a `data:` URL or bare base64 (a `file_data` field) as an IR media source. */
export function mediaSourceOf(url: string, fallbackType: string): IrMediaSource {
  const data = parseDataUrl(url);
  if (data) return { kind: 'base64', mediaType: data.mediaType, data: data.data };
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return { kind: 'url', url };
  return { kind: 'base64', mediaType: fallbackType, data: url };
}
