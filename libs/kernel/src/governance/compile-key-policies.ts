import { isGovernedKey } from '../config/check-governance-config.js';
import type { ApiKeyEntry } from '../config/schema/server-config.js';
import type { SwitchyardConfig } from '../config/schema/switchyard-config.js';
import { compileModelGlob } from '@switchyard/plugin-sdk';
import type { KeyLimits } from '@switchyard/plugin-sdk';
import { compilePricing, type PriceLookup } from './price-usage.js';

/** What one client key may do (issue #20), compiled once per configuration. */
export interface KeyPolicy {
  name: string;
  /** The key's `models` as written (for messages). */
  models: readonly string[] | null;
  /** Whether the key may use a model name the client asked for; null: every model. */
  allows: ((model: string) => boolean) | null;
  /** Null when the key has no rpm, tpm, max_concurrency or budget. */
  limits: KeyLimits | null;
}

/** Every governed key of a configuration, with its prices; `inert` when nothing is governed or priced. */
export interface KeyPolicies {
  readonly config: SwitchyardConfig;
  readonly keys: ReadonlyMap<string, KeyPolicy>;
  readonly pricing: PriceLookup | null;
  readonly defaultMaxTokens: number;
  readonly inert: boolean;
}

function limitsOf(name: string, e: ApiKeyEntry): KeyLimits | null {
  if (e.rpm === undefined && e.tpm === undefined && e.max_concurrency === undefined && e.budget === undefined) return null;
  const limits: KeyLimits = { keyId: name };
  if (e.rpm !== undefined) limits.rpm = e.rpm;
  if (e.tpm !== undefined) limits.tpm = e.tpm;
  if (e.max_concurrency !== undefined) limits.maxConcurrency = e.max_concurrency;
  if (e.budget) {
    limits.budget = { period: e.budget.period ?? 'month' };
    if (e.budget.tokens !== undefined) limits.budget.tokens = e.budget.tokens;
    if (e.budget.usd !== undefined) limits.budget.usd = e.budget.usd;
  }
  return limits;
}

/** Key policies by the key's name (the id InboundAuth gives a named key). */
export function compileKeyPolicies(config: SwitchyardConfig): KeyPolicies {
  const keys = new Map<string, KeyPolicy>();
  for (const e of config.server.api_keys) {
    if (!e.name || !isGovernedKey(e) || keys.has(e.name)) continue;
    const matchers = e.models?.map(compileModelGlob) ?? null;
    keys.set(e.name, {
      name: e.name,
      models: e.models ?? null,
      allows: matchers ? (model) => matchers.some((m) => m(model)) : null,
      limits: limitsOf(e.name, e),
    });
  }
  const pricing = compilePricing(config);
  return {
    config,
    keys,
    pricing,
    defaultMaxTokens: config.governance?.default_max_tokens ?? 4096,
    inert: keys.size === 0 && pricing === null,
  };
}
