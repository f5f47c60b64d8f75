import { randomFillSync } from 'node:crypto';

/** Random bytes drawn 4 KiB at a time (one syscall per hundreds of ids), handed out in slices. */
const pool = Buffer.alloc(4096);
let offset = pool.length;

/**
 * `bytes` cryptographically random bytes as lower-case hex (2 × `bytes` characters), sliced from a
 * pool: a `randomBytes` call per id costs a syscall and a Buffer each time (several µs per stream).
 */
export function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}
