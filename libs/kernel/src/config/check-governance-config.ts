import type { ConfigIssues } from './config-issues.js';
import { isPlainObject } from './is-plain-object.js';
import { matchesModelGlob } from './model-glob.js';
import type { ApiKeyEntry } from './schema/server-config.js';
import type { SwitchyardConfig } from './schema/switchyard-config.js';

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
const PRICE_FIELDS = ['input', 'output', 'cached_input'];

/** The fields that make an inbound key a governed client key (issue #20). */
export const GOVERNED_KEY_FIELDS = ['models', 'rpm', 'tpm', 'max_concurrency', 'budget'] as const;

export function isGovernedKey(entry: ApiKeyEntry): boolean {
  return GOVERNED_KEY_FIELDS.some((f) => entry[f] !== undefined);
}

/**
 * Whether a key's `models` entry names something this configuration can route (docs/governance.md
 * "models"): it is `*`; or it names or (as a glob) matches a virtual model; or a backend serves a
 * name it matches — some backend glob admits the entry read literally, or the entry admits a
 * backend glob read literally (`gpt-4o*` against a backend's `gpt-*`, and the reverse); or the
 * gateway routes every name (passthrough_unrouted, single-backend mode).
 */
export function modelEntryIsRoutable(entry: string, config: SwitchyardConfig, everyName: boolean): boolean {
  if (entry === '*' || everyName) return true;
  const virtuals = config.routes.map((r) => r?.virtual_model).filter((v): v is string => typeof v === 'string');
  if (virtuals.some((v) => matchesModelGlob(entry, v))) return true;
  return config.backends.some(
    (b) =>
      Array.isArray(b.models) && b.models.some((g) => typeof g === 'string' && (matchesModelGlob(g, entry) || matchesModelGlob(entry, g))),
  );
}

function checkKey(entry: ApiKeyEntry, i: number, config: SwitchyardConfig, everyName: boolean, issues: ConfigIssues): void {
  const at = ['server', 'api_keys', i];
  const hasKey = typeof entry.key === 'string';
  const hasHash = entry.key_sha256 !== undefined;
  if (hasKey && hasHash) issues.add(at, 'set key or key_sha256, not both');
  else if (!hasKey && !hasHash) issues.add(at, 'expected key (the key itself) or key_sha256 (its SHA-256, 64 hex digits)');
  if (typeof entry.key_sha256 === 'string' && !SHA256_HEX.test(entry.key_sha256)) {
    issues.add(
      [...at, 'key_sha256'],
      `expected 64 hex digits (the SHA-256 of the key, e.g. from \`printf %s "$KEY" | sha256sum\`), got ${entry.key_sha256.length} characters`,
    );
  }
  if (isGovernedKey(entry) && entry.name === undefined) {
    issues.add(
      [...at, 'name'],
      'is required on a key with models, rpm, tpm, max_concurrency or budget (counters and reports are kept by name)',
    );
  }
  if (Array.isArray(entry.models)) {
    entry.models.forEach((m, j) => {
      if (typeof m === 'string' && m !== '' && !modelEntryIsRoutable(m, config, everyName)) {
        issues.add([...at, 'models', j], `"${m}" names no virtual model (routes) and matches no model any backend's models globs serve`);
      }
    });
  }
  const budget = entry.budget;
  if (isPlainObject(budget) && budget.tokens === undefined && budget.usd === undefined) {
    issues.add([...at, 'budget'], 'expected tokens or usd (or both) with the period');
  }
}

function checkPrice(value: unknown, at: (string | number)[], issues: ConfigIssues): void {
  if (!isPlainObject(value)) {
    issues.add(at, 'expected { input, output, cached_input } in USD per million tokens');
    return;
  }
  for (const k of Object.keys(value))
    if (!PRICE_FIELDS.includes(k)) issues.add([...at, k], `unknown key (expected ${PRICE_FIELDS.join(', ')})`);
  for (const k of PRICE_FIELDS) {
    const v = value[k];
    if (v === undefined && k === 'cached_input') continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) issues.add([...at, k], 'expected a number >= 0 (USD per million tokens)');
  }
}

/** Client keys, pricing and governance rules the schema classes cannot express (issue #20). */
export function checkGovernanceConfig(config: SwitchyardConfig, issues: ConfigIssues, singleBackend = false): void {
  const everyName = singleBackend || config.server?.passthrough_unrouted === true;
  const keys = Array.isArray(config.server?.api_keys) ? config.server.api_keys : [];
  const firstByName = new Map<string, number>();
  keys.forEach((entry, i) => {
    if (!isPlainObject(entry)) return;
    checkKey(entry, i, config, everyName, issues);
    if (typeof entry.name === 'string' && isGovernedKey(entry)) {
      const j = firstByName.get(entry.name);
      if (j !== undefined)
        issues.add(
          ['server', 'api_keys', i, 'name'],
          `duplicate client key name "${entry.name}" (also ${issues.labels.format(['server', 'api_keys', j])}): limits and counters are kept by name`,
        );
      else firstByName.set(entry.name, i);
    }
  });
  if (isPlainObject(config.pricing)) {
    for (const [model, price] of Object.entries(config.pricing)) checkPrice(price, ['pricing', model], issues);
  }
}
