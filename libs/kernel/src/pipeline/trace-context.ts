import { randomHex } from '@switchyard/plugin-sdk';

const VALID = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * A W3C `traceparent` for the upstream call: the client's trace continues (new span id) when it
 * sent a valid one; otherwise a new trace starts.
 */
export function nextTraceparent(incoming: string | string[] | undefined): string {
  const span = randomHex(8);
  if (typeof incoming === 'string' && VALID.test(incoming)) {
    return `00-${incoming.slice(3, 35)}-${span}-${incoming.slice(-2)}`;
  }
  return `00-${randomHex(16)}-${span}-01`;
}
