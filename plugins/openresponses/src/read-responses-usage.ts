import { parseJsonObject, readUsageObject, usageNumber as num, usageObject as obj, type IrUsage } from '@switchyard/plugin-sdk';

/** Responses API `usage`. */
export function usageFromResponses(u: Record<string, unknown>): IrUsage {
  return {
    inputTokens: num(u.input_tokens) ?? 0,
    outputTokens: num(u.output_tokens) ?? 0,
    cachedInputTokens: num(obj(u.input_tokens_details)?.cached_tokens),
    reasoningTokens: num(obj(u.output_tokens_details)?.reasoning_tokens),
  };
}

/** Whether an object found under a `usage` key counts tokens (a tool schema's `usage` property does not). */
const countsTokens = (u: Record<string, unknown>): boolean => typeof u.input_tokens === 'number' || typeof u.output_tokens === 'number';

/**
 * The usage of a complete Responses API reply. Read from its last `usage` object (a few hundred
 * bytes, not the whole body); but a Response object echoes the request's tools after its usage,
 * and a tool's parameters may name a property `usage`: when the last one counts no tokens, the
 * reply's own is read from the whole body.
 */
export function readResponsesReplyUsage(body: Buffer): IrUsage | null {
  const last = readUsageObject(body);
  return last ? ownUsage(last, () => parseJsonObject(body.toString('utf8'))?.usage) : null;
}

/**
 * The usage on a Responses stream's terminal event (`response.completed`, `.incomplete`,
 * `.failed`: its `response.usage`), read as a complete reply's is: from the event's last `usage`
 * object, the whole event parsed only when that one counts no tokens or there is none. The event
 * carries the whole Response (its output text again, the echoed request); parsing all of it cost
 * ~9 µs per stream on the translated Responses lane (issue #19, in-process profile).
 */
export function readResponsesEventUsage(data: string): IrUsage | null {
  return ownUsage(readUsageObject(Buffer.from(data)), () => obj(parseJsonObject(data)?.response)?.usage);
}

/** `last` when it counts tokens; else the Response's own usage, which `whole` reads from all of it. */
function ownUsage(last: Record<string, unknown> | null, whole: () => unknown): IrUsage | null {
  const own = last && countsTokens(last) ? last : obj(whole());
  return own ? usageFromResponses(own) : null;
}
