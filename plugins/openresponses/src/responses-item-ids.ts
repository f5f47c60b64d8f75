import type { IrReasoningPart } from '@switchyard/plugin-sdk';
import { asString, isObject, parseJson } from './responses-json.js';
import { openReasoning, sealReasoning } from './responses-reasoning-envelope.js';

/** Marks an item id this gateway issued whose content is not in it (a streamed item: its id is sent before its content). */
const ISSUED = 'swy0';
/** Marks an item id that carries its own content (same version tag as the reasoning envelope). */
const SEALED = 'swy1.';

export type ItemPrefix = 'msg' | 'rs' | 'fc' | 'ctc';

/** An id for an item whose content the id does not carry (`msg_swy0…`). */
export function issuedItemId(prefix: ItemPrefix, suffix: string): string {
  return `${prefix}_${ISSUED}${suffix}`;
}

const seal = (payload: Record<string, string>): string => SEALED + Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');

/**
 * A reasoning item's id that carries the reasoning (its text, and the signature or redacted data
 * a backend needs replayed): clients that keep items on the server's side (`store` on) send back
 * only `{"type": "item_reference", "id"}`, and the gateway keeps nothing.
 */
export function selfContainedReasoningId(part: Pick<IrReasoningPart, 'text' | 'signature' | 'redactedData'>): string {
  return `rs_${sealReasoning(part) ?? seal({ t: part.text })}`;
}

/** A message item's id that carries the message's text (see selfContainedReasoningId). */
export function selfContainedMessageId(text: string): string {
  return `msg_${seal({ m: text })}`;
}

export type ReferencedItem =
  | { kind: 'reasoning'; part: IrReasoningPart }
  | { kind: 'message'; text: string }
  /** Issued by the gateway, but its content is not in the id (a streamed item). */
  | { kind: 'issued' };

/** What an item id names: content carried by a self-contained id, a gateway id without content, or null (not the gateway's). */
export function openItemId(id: string): ReferencedItem | null {
  const m = /^(msg|rs|fc|ctc)_(.*)$/s.exec(id);
  if (!m) return null;
  const rest = m[2]!;
  if (rest.startsWith(ISSUED)) return { kind: 'issued' };
  if (!rest.startsWith(SEALED)) return null;
  if (m[1] === 'rs') {
    const sealed = openReasoning(rest);
    if (sealed) return { kind: 'reasoning', part: { type: 'reasoning', ...sealed } };
  }
  const payload = parseJson(Buffer.from(rest.slice(SEALED.length), 'base64url').toString('utf8'));
  if (!isObject(payload)) return null;
  const text = asString(payload.m);
  if (m[1] === 'msg' && text !== undefined) return { kind: 'message', text };
  const thought = asString(payload.t);
  if (m[1] === 'rs' && thought !== undefined) return { kind: 'reasoning', part: { type: 'reasoning', text: thought } };
  return null;
}
