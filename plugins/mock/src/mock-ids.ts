/** Cheap unique ids: a random per-process prefix and a counter (no crypto on the hot path). */
const PREFIX = Math.random().toString(36).slice(2, 10).padEnd(8, '0');
let counter = 0;

export function nextMockId(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return PREFIX + counter.toString(36);
}
