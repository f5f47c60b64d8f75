import type { Protocol } from '@switchyard/plugin-sdk';

/** Content part types that make a request a `vision` one for auto_route (SPEC §2). */
const MEDIA_PART_TYPES = new Set([
  'image_url',
  'input_image',
  'image',
  'input_audio',
  'file',
  'input_file',
  'document',
  'video',
  'video_url',
  'audio',
]);

function partsHaveMedia(parts: unknown, depth: number): boolean {
  if (!Array.isArray(parts)) return false;
  for (const p of parts) {
    if (typeof p !== 'object' || p === null) continue;
    const type = (p as { type?: unknown }).type;
    if (typeof type === 'string' && MEDIA_PART_TYPES.has(type)) return true;
    // Tool result blocks (and messages listed in `input`) carry their own content array.
    if (depth > 0 && partsHaveMedia((p as { content?: unknown }).content, depth - 1)) return true;
  }
  return false;
}

/**
 * Whether an ingress body carries image, audio, video or file content: a cheap scan of the
 * message content arrays only (`messages[].content` for the chat and messages protocols; `input[]`
 * and its messages' `content` for Responses); nothing is decoded.
 */
export function hasMediaContent(body: Record<string, unknown>, protocol: Protocol): boolean {
  if (protocol === 'openai.responses') return partsHaveMedia(body.input, 2);
  if (protocol !== 'openai.chat' && protocol !== 'anthropic.messages') return false;
  const messages = body.messages;
  if (!Array.isArray(messages)) return false;
  for (const m of messages) {
    if (typeof m === 'object' && m !== null && partsHaveMedia((m as { content?: unknown }).content, 1)) return true;
  }
  return false;
}
