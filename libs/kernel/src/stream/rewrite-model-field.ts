import type { ChunkRewriter } from '@switchyard/plugin-sdk';

const KEY = Buffer.from('"model"');
/** A value longer than this is not a model name: the bytes are forwarded untouched. */
const MAX_HELD = 1024;

/**
 * Writes the model name the client asked for into the `model` field of each streamed chunk,
 * whatever value the upstream put there (the real model, or a dated snapshot of it such as
 * `gpt-4.1-nano-2025-04-14`), as a byte substitution: no JSON parse, no re-serialisation. An
 * unescaped `"model"` in JSON text is always a key (quotes inside strings are escaped), so the
 * scan cannot touch content. A field split across two reads is completed from the next read: only
 * the tail from its key on is held, and such a tail never ends a complete SSE event.
 */
export function createModelRewriter(realModel: string, clientModel: string): ChunkRewriter | undefined {
  if (realModel === clientModel) return undefined;
  const replacement = Buffer.from(JSON.stringify(clientModel));
  let carry: Buffer | null = null;

  /** Value spans to replace in the current read, as start/end pairs (reused: the rewriter is synchronous). */
  const spans: number[] = [];

  return (chunk: Buffer): Buffer => {
    const flushing = chunk.length === 0;
    const buf = carry ? (flushing ? carry : Buffer.concat([carry, chunk])) : chunk;
    carry = null;
    if (flushing) return buf;
    spans.length = 0;
    /** Where the bytes sent now end (the rest is carried to the next read). */
    let until = buf.length;
    let at = buf.indexOf(KEY);
    while (at >= 0) {
      const field = scanModelValue(buf, at + KEY.length);
      if (field === 'partial') {
        if (buf.length - at <= MAX_HELD) {
          carry = Buffer.from(buf.subarray(at));
          until = at;
        }
        break;
      }
      if (field !== null) spans.push(field.start, field.end);
      at = buf.indexOf(KEY, at + KEY.length);
    }
    if (carry === null) {
      // A key cut short at the end of this read (`"mod`) is completed by the next one.
      const tail = keyPrefixTail(buf, spans.length ? spans[spans.length - 1]! : 0);
      if (tail > 0) {
        carry = Buffer.from(buf.subarray(buf.length - tail));
        until = buf.length - tail;
      }
    }
    if (spans.length === 0) return until === buf.length ? buf : buf.subarray(0, until);
    // One allocation: the bytes between the spans, with the replacement in each span.
    let size = until;
    for (let i = 0; i < spans.length; i += 2) size += replacement.length - (spans[i + 1]! - spans[i]!);
    const out = Buffer.allocUnsafe(size);
    let from = 0;
    let to = 0;
    for (let i = 0; i < spans.length; i += 2) {
      to += buf.copy(out, to, from, spans[i]!);
      to += replacement.copy(out, to);
      from = spans[i + 1]!;
    }
    buf.copy(out, to, from, until);
    return out;
  };
}

/** Length of the tail of `buf` (after `from`) that is a proper prefix of `"model"`, or 0. */
function keyPrefixTail(buf: Buffer, from: number): number {
  for (let len = Math.min(KEY.length - 1, buf.length - from); len > 0; len--) {
    if (buf[buf.length - len] === 0x22 && KEY.subarray(0, len).equals(buf.subarray(buf.length - len))) return len;
  }
  return 0;
}

const SPACE = (c: number | undefined): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * After a `"model"` key: the span of its string value (quotes included), null when it is not a
 * `: "string"` (e.g. `"model": null`), or 'partial' when the buffer ends before the value does.
 */
function scanModelValue(buf: Buffer, i: number): { start: number; end: number } | null | 'partial' {
  while (i < buf.length && SPACE(buf[i])) i++;
  if (i >= buf.length) return 'partial';
  if (buf[i] !== 0x3a) return null; // ':'
  i++;
  while (i < buf.length && SPACE(buf[i])) i++;
  if (i >= buf.length) return 'partial';
  if (buf[i] !== 0x22) return null; // '"'
  const start = i;
  for (i = start + 1; i < buf.length; i++) {
    const c = buf[i];
    if (c === 0x5c)
      i++; // backslash escape
    else if (c === 0x22) return { start, end: i + 1 };
  }
  return 'partial';
}

/**
 * The same substitution for a complete (non-streamed) JSON body; `create` makes the rewriter (a
 * codec's createModelRewriter hook, by default this file's).
 */
export function rewriteModelInBody(
  body: Buffer,
  realModel: string,
  clientModel: string,
  create: (realModel: string, clientModel: string) => ChunkRewriter | undefined = createModelRewriter,
): Buffer {
  const rewrite = create(realModel, clientModel);
  if (!rewrite) return body;
  const out = rewrite(body);
  const rest = rewrite(Buffer.alloc(0));
  return rest.length ? Buffer.concat([out, rest]) : out;
}
