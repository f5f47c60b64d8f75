import type { ConfigIssues } from './config-issues.js';
import { isPlainObject } from './is-plain-object.js';
import { formatKeyPath } from './key-path.js';

/**
 * `server.admin_keys` entries as `{ key }` / `{ name, key | key_sha256 }` objects; empty keys are
 * dropped (`["${SWITCHYARD_ADMIN_KEY:-}"]` with the variable unset means no admin endpoint).
 * Runs after interpolation.
 */
export function normalizeAdminKeys(root: Record<string, unknown>, issues: ConfigIssues): void {
  const server = root.server;
  if (!isPlainObject(server) || !('admin_keys' in server)) return;
  const entries = server.admin_keys;
  if (entries === null) {
    server.admin_keys = [];
    return;
  }
  if (!Array.isArray(entries)) return; // the schema reports "must be an array"
  const kept: unknown[] = [];
  entries.forEach((entry, i) => {
    const at = kept.length;
    if (typeof entry === 'string') {
      if (entry === '') return;
      kept.push({ key: entry });
    } else if (isPlainObject(entry)) {
      if (entry.key === '' && entry.key_sha256 === undefined) return;
      kept.push(entry);
    } else {
      issues.addVerbatim(['server', 'admin_keys', i], 'expected a key string or { name, key | key_sha256 }');
      return;
    }
    issues.labels.set(['server', 'admin_keys', at], formatKeyPath(['server', 'admin_keys', i]));
  });
  server.admin_keys = kept;
}
