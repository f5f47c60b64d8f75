import type { IrReasoningPart } from '@switchyard/plugin-sdk';
import { asString, isObject, parseJson } from './responses-json.js';

/** Marks an `encrypted_content` written by this gateway (version 1). */
const PREFIX = 'swy1.';

/**
 * Reasoning that a backend needs replayed intact on a later turn (an Anthropic thinking block's
 * signature, or a redacted block's data) travels to a Responses client in the reasoning item's
 * opaque `encrypted_content`, sealed with the block's text: clients (Codex among them) send
 * reasoning items back with `encrypted_content` but not always with their `content`, and the
 * signature is only valid with the exact text it signed. Not encrypted: it holds nothing the
 * client did not already receive.
 */
export function sealReasoning(part: Pick<IrReasoningPart, 'text' | 'signature' | 'redactedData'>): string | undefined {
  let payload: Record<string, string>;
  if (part.redactedData !== undefined) payload = { r: part.redactedData };
  else if (part.signature !== undefined) payload = { t: part.text, s: part.signature };
  else return undefined;
  return PREFIX + Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** The reasoning an `encrypted_content` sealed by this gateway carries; null for anyone else's. */
export function openReasoning(encrypted: string): Pick<IrReasoningPart, 'text' | 'signature' | 'redactedData'> | null {
  if (!encrypted.startsWith(PREFIX)) return null;
  const payload = parseJson(Buffer.from(encrypted.slice(PREFIX.length), 'base64url').toString('utf8'));
  if (!isObject(payload)) return null;
  const redactedData = asString(payload.r);
  if (redactedData !== undefined) return { text: '', redactedData };
  const signature = asString(payload.s);
  if (signature === undefined) return null;
  return { text: asString(payload.t) ?? '', signature };
}
