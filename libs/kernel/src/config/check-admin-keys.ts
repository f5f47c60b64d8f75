import { createHash } from 'node:crypto';
import type { SwitchyardConfig } from './schema/switchyard-config.js';
import type { ConfigIssues } from './config-issues.js';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * `server.admin_keys`: each entry has exactly one of `key` and `key_sha256`, and no admin key is
 * also a client key (`server.api_keys`): a client must never reach the admin endpoints.
 */
export function checkAdminKeys(config: SwitchyardConfig, issues: ConfigIssues): void {
  const server = config.server as Partial<SwitchyardConfig['server']> | undefined;
  if (!Array.isArray(server?.admin_keys) || !Array.isArray(server.api_keys)) return; // the schema reports the shape
  const clientDigests = new Set(
    server.api_keys.flatMap((k) => {
      const given = (k as { key_sha256?: string }).key_sha256; // client keys may be given as a SHA-256 too
      return typeof k?.key === 'string' && k.key ? [sha256(k.key)] : typeof given === 'string' ? [given.toLowerCase()] : [];
    }),
  );
  server.admin_keys.forEach((entry, i) => {
    if (typeof entry !== 'object' || entry === null) return;
    const has = Number(entry.key !== undefined) + Number(entry.key_sha256 !== undefined);
    if (has !== 1) {
      issues.add(
        ['server', 'admin_keys', i],
        `${entry.name ? `admin key "${entry.name}": ` : ''}expected exactly one of key and key_sha256`,
      );
      return;
    }
    const digest = typeof entry.key === 'string' ? sha256(entry.key) : String(entry.key_sha256).toLowerCase();
    if (clientDigests.has(digest)) {
      issues.add(
        ['server', 'admin_keys', i],
        `${entry.name ? `admin key "${entry.name}": ` : ''}is also a client key in server.api_keys; an admin key must be a key of its own`,
      );
    }
  });
}
