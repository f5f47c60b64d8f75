import { randomFillSync } from 'node:crypto';

const VALID = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** Random bytes drawn 4 KiB at a time (one syscall per ~170 requests), handed out in slices. */
const pool = Buffer.alloc(4096);
let offset = pool.length;

function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}

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
