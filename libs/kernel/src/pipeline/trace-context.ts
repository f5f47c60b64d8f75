import { randomUUID } from 'node:crypto';

const VALID = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** 32 random hex digits from Node's pooled UUID generator (no syscall per request). */
const randomHex32 = (): string => randomUUID().replaceAll('-', '');

/**
 * A W3C `traceparent` for the upstream call: the client's trace continues (new span id) when it
 * sent a valid one; otherwise a new trace starts.
 */
export function nextTraceparent(incoming: string | string[] | undefined): string {
  const hex = randomHex32();
  const span = hex.slice(16);
  if (typeof incoming === 'string' && VALID.test(incoming)) {
    return `00-${incoming.slice(3, 35)}-${span}-${incoming.slice(-2)}`;
  }
  return `00-${randomHex32()}-${span}-01`;
}
