import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { ApiKeyEntry } from '@switchyard/kernel';

interface KeyDigest {
  digest: Buffer;
  id: string;
}

/**
 * Inbound API keys: `Authorization: Bearer <key>` or `x-api-key: <key>`, compared in constant
 * time (SHA-256 digests of equal length, every key checked; a `key_sha256` entry gives the digest). The journal names a client by the
 * key's configured name, or an HMAC of the key with a per-install secret — never the key.
 */
export class InboundAuth {
  private keys: KeyDigest[] = [];

  constructor(
    entries: readonly ApiKeyEntry[],
    private readonly installSecret: string,
  ) {
    this.update(entries);
  }

  /** Replaces the accepted keys (a configuration reload); requests already past auth are not affected. */
  update(entries: readonly ApiKeyEntry[]): void {
    this.keys = entries.flatMap((e): KeyDigest[] => {
      // key_sha256 (issue #20): the file holds the digest only; the comparison is the same.
      const digest = e.key ? sha256(e.key) : e.key_sha256 ? Buffer.from(e.key_sha256, 'hex') : null;
      if (!digest || digest.length !== 32) return [];
      const hmacOf = e.key ?? e.key_sha256!.toLowerCase();
      return [{ digest, id: e.name ?? `key-${createHmac('sha256', this.installSecret).update(hmacOf).digest('hex').slice(0, 16)}` }];
    });
  }

  get enabled(): boolean {
    return this.keys.length > 0;
  }

  /** The client key's id when the headers carry a valid key, else null. */
  check(authorization: string | undefined, xApiKey: string | string[] | undefined): string | null {
    const presented = bearer(authorization) ?? (typeof xApiKey === 'string' ? xApiKey : undefined);
    if (!presented) return null;
    const digest = sha256(presented);
    let found: string | null = null;
    for (const k of this.keys) if (timingSafeEqual(digest, k.digest) && found === null) found = k.id;
    return found;
  }
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  return m ? m[1]!.trim() : undefined;
}
