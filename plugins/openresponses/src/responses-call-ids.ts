import type { IrReasoningPart, IrTextPart, ProviderMetadata } from '@switchyard/plugin-sdk';
import { asString, isObject, parseJson, type Json } from './responses-json.js';

/** Between a call's own id and the data sealed after it (base64url has no `~`). */
const SEPARATOR = '~swy1~';

/** A streamed item whose id could not carry it (sent before its content), by that id. */
export type SealedItems = Record<string, IrTextPart | IrReasoningPart>;

function sealedItem(part: IrTextPart | IrReasoningPart): Json {
  if (part.type === 'text') return { m: part.text };
  if (part.redactedData !== undefined) return { r: part.redactedData };
  return part.signature !== undefined ? { t: part.text, s: part.signature } : { t: part.text };
}

function openedItem(item: unknown): IrTextPart | IrReasoningPart | null {
  if (!isObject(item)) return null;
  const text = asString(item.m);
  if (text !== undefined) return { type: 'text', text };
  const redactedData = asString(item.r);
  if (redactedData !== undefined) return { type: 'reasoning', text: '', redactedData };
  const thought = asString(item.t);
  if (thought === undefined) return null;
  const signature = asString(item.s);
  return signature !== undefined ? { type: 'reasoning', text: thought, signature } : { type: 'reasoning', text: thought };
}

/**
 * The `call_id` a Responses client gets for a tool call: the call's id, and, when there is any,
 * what a later turn needs sealed after it: the call's provider data (Gemini's `thoughtSignature`)
 * and the streamed reasoning and message items just before the call (their ids went out before
 * their content, so an `item_reference` to them cannot carry them). Clients send `function_call`
 * items back whole with their `call_id` (the Vercel AI SDK with `store` on sends no item id), and
 * the gateway keeps nothing: the call id carries it.
 */
export function sealCallId(callId: string, providerMetadata: ProviderMetadata | undefined, items: SealedItems = {}): string {
  const payload: Json = {};
  if (providerMetadata && Object.keys(providerMetadata).length > 0) payload.p = providerMetadata;
  if (Object.keys(items).length > 0) payload.i = Object.fromEntries(Object.entries(items).map(([id, part]) => [id, sealedItem(part)]));
  if (Object.keys(payload).length === 0) return callId;
  return callId + SEPARATOR + Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

export interface OpenedCallId {
  id: string;
  providerMetadata?: ProviderMetadata;
  items: SealedItems;
}

/** A `call_id` as the call's own id and what is sealed in it (nothing for anyone else's ids). */
export function openCallId(callId: string): OpenedCallId {
  const at = callId.indexOf(SEPARATOR);
  if (at < 0) return { id: callId, items: {} };
  const opened: OpenedCallId = { id: callId.slice(0, at), items: {} };
  const payload = parseJson(Buffer.from(callId.slice(at + SEPARATOR.length), 'base64url').toString('utf8'));
  if (!isObject(payload)) return opened;
  if (isObject(payload.p) && Object.values(payload.p).every(isObject)) opened.providerMetadata = payload.p as ProviderMetadata;
  for (const [id, item] of Object.entries(isObject(payload.i) ? payload.i : {})) {
    const part = openedItem(item);
    if (part) opened.items[id] = part;
  }
  return opened;
}
