import type { ChunkRewriter } from '@switchyard/plugin-sdk';

/** Applies rewriters in order (undefined ones skipped); an empty chunk flushes each in turn. */
export function chainRewriters(...rewriters: Array<ChunkRewriter | undefined>): ChunkRewriter | undefined {
  const list = rewriters.filter((r): r is ChunkRewriter => r !== undefined);
  if (list.length <= 1) return list[0];
  const empty = Buffer.alloc(0);
  return (chunk: Buffer): Buffer => {
    if (chunk.length === 0) {
      let pending: Buffer = empty;
      for (const r of list) {
        const passed = pending.length > 0 ? r(pending) : empty;
        const flushed = r(empty);
        pending = flushed.length === 0 ? passed : passed.length === 0 ? flushed : Buffer.concat([passed, flushed]);
      }
      return pending;
    }
    let out = chunk;
    for (const r of list) {
      if (out.length === 0) break;
      out = r(out);
    }
    return out;
  };
}
