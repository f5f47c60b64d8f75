import type { ConfigIssues } from './config-issues.js';
import { isPlainObject } from './is-plain-object.js';
import { formatKeyPath } from './key-path.js';

/** The two collections that may be written as a list or as a map keyed by their name field. */
const KEYED_COLLECTIONS = [
  { key: 'backends', idField: 'id', what: 'backend' },
  { key: 'routes', idField: 'virtual_model', what: 'route' },
] as const;

/**
 * `backends` and `routes` as lists: a map entry's key becomes its `id` / `virtual_model`
 * (an entry that also sets a different one is an error). `null` (a key with nothing after
 * it) is an empty list. Paths of map entries keep their map-form label (`backends.local`).
 */
export function normalizeCollections(root: Record<string, unknown>, issues: ConfigIssues): void {
  for (const { key, idField, what } of KEYED_COLLECTIONS) {
    const value = root[key];
    if (value === undefined) continue;
    if (value === null) {
      root[key] = [];
    } else if (isPlainObject(value)) {
      const list: unknown[] = [];
      for (const [name, entry] of Object.entries(value)) {
        const label = formatKeyPath([key, name]);
        issues.labels.set([key, list.length], label);
        if (entry === null || entry === undefined) {
          list.push({ [idField]: name });
        } else if (isPlainObject(entry)) {
          const own = entry[idField];
          if (own !== undefined && own !== name) {
            issues.add([key, list.length, idField], `differs from the map key "${name}" (remove ${idField}, or make the two equal)`);
          }
          list.push({ [idField]: name, ...entry, ...(own === undefined ? {} : { [idField]: own }) });
        } else {
          issues.add([key, list.length], `expected a map of ${what} settings`);
          list.push(entry);
        }
      }
      root[key] = list;
    } else if (!Array.isArray(value)) {
      issues.add([key], `expected a list of ${what}s, or a map keyed by ${idField}`);
    }
  }
}

/**
 * `server.api_keys` entries as `{ key }` / `{ name, key }` objects; empty keys are dropped
 * (`["${SWITCHYARD_API_KEY:-}"]` with the variable unset means no inbound auth). Runs after
 * interpolation.
 */
export function normalizeApiKeys(root: Record<string, unknown>, issues: ConfigIssues): void {
  normalizeKeyList(root, 'api_keys', issues, {
    shape: '{ name, key }',
    isEmpty: (e) => e.key === '',
    // Errors name the key as written and by its name: `server.api_keys[2] (team-a): …`.
    labelWithName: true,
  });
}

/**
 * `server.admin_keys` entries as `{ key }` / `{ name, key | key_sha256 }` objects; empty keys are
 * dropped (`["${SWITCHYARD_ADMIN_KEY:-}"]` with the variable unset means no admin endpoint).
 * Runs after interpolation.
 */
export function normalizeAdminKeys(root: Record<string, unknown>, issues: ConfigIssues): void {
  normalizeKeyList(root, 'admin_keys', issues, {
    shape: '{ name, key | key_sha256 }',
    isEmpty: (e) => e.key === '' && e.key_sha256 === undefined,
    labelWithName: false,
  });
}

/** A `server.<field>` list of key strings or objects, as objects; empty keys dropped, labels kept for errors. */
function normalizeKeyList(
  root: Record<string, unknown>,
  field: 'api_keys' | 'admin_keys',
  issues: ConfigIssues,
  rules: { shape: string; isEmpty: (entry: Record<string, unknown>) => boolean; labelWithName: boolean },
): void {
  const server = root.server;
  if (!isPlainObject(server) || !(field in server)) return;
  const entries = server[field];
  if (entries === null) {
    server[field] = [];
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
      if (rules.isEmpty(entry)) return;
      kept.push(entry);
    } else {
      issues.addVerbatim(['server', field, i], `expected a key string or ${rules.shape}`);
      return;
    }
    const named = rules.labelWithName && isPlainObject(entry) && typeof entry.name === 'string' && entry.name !== '';
    issues.labels.set(['server', field, at], formatKeyPath(['server', field, i]) + (named ? ` (${entry.name as string})` : ''));
  });
  server[field] = kept;
}
