import type { ChunkRewriter } from './observed-stream.js';

/**
 * Writes the model name the client asked for into each streamed chunk's `model` field, as a
 * byte substitution (no JSON parse or re-serialisation). `"model":"real"` and `"model": "real"`
 * are both recognised. A needle split across two reads is handled by holding back only a chunk
 * tail that is a proper prefix of a needle (which never ends a complete SSE event).
 */
export function createModelRewriter(realModel: string, clientModel: string): ChunkRewriter | undefined {
  if (realModel === clientModel) return undefined;
  const quotedReal = JSON.stringify(realModel);
  const quotedClient = JSON.stringify(clientModel);
  const pairs = [
    [Buffer.from(`"model":${quotedReal}`), Buffer.from(`"model":${quotedClient}`)],
    [Buffer.from(`"model": ${quotedReal}`), Buffer.from(`"model": ${quotedClient}`)],
  ] as const;
  const maxNeedle = Math.max(pairs[0][0].length, pairs[1][0].length);
  let carry: Buffer | null = null;

  return (chunk: Buffer): Buffer => {
    let buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    carry = null;
    for (const [needle, replacement] of pairs) buf = replaceAll(buf, needle, replacement);
    const hold = partialNeedleTail(buf, pairs, maxNeedle);
    if (hold > 0) {
      carry = Buffer.from(buf.subarray(buf.length - hold));
      buf = buf.subarray(0, buf.length - hold);
    }
    return buf;
  };
}

function replaceAll(buf: Buffer, needle: Buffer, replacement: Buffer): Buffer {
  let at = buf.indexOf(needle);
  if (at < 0) return buf;
  const parts: Buffer[] = [];
  let from = 0;
  while (at >= 0) {
    parts.push(buf.subarray(from, at), replacement);
    from = at + needle.length;
    at = buf.indexOf(needle, from);
  }
  parts.push(buf.subarray(from));
  return Buffer.concat(parts);
}

/** Length of the longest chunk tail that is a proper prefix of a needle (0 almost always). */
function partialNeedleTail(buf: Buffer, pairs: ReadonlyArray<readonly [Buffer, Buffer]>, maxNeedle: number): number {
  const quote = buf.lastIndexOf(0x22, buf.length - 1); // '"'
  if (quote < 0 || buf.length - quote >= maxNeedle) return 0;
  for (let start = Math.max(0, buf.length - maxNeedle + 1); start < buf.length; start++) {
    if (buf[start] !== 0x22) continue;
    const tail = buf.subarray(start);
    for (const [needle] of pairs) if (tail.length < needle.length && needle.subarray(0, tail.length).equals(tail)) return tail.length;
  }
  return 0;
}

/** The same byte substitution for a complete (non-streamed) JSON body. */
export function rewriteModelInBody(body: Buffer, realModel: string, clientModel: string): Buffer {
  if (realModel === clientModel) return body;
  const rewrite = createModelRewriter(realModel, clientModel)!;
  const out = rewrite(body);
  const rest = rewrite(Buffer.alloc(0));
  return rest.length ? Buffer.concat([out, rest]) : out;
}
