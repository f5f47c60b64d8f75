import type { PluginRegistry } from '../plugin/plugin-registry.js';
import type { SwitchyardConfig } from './schema/switchyard-config.js';
import { checkConfigSemantics } from './check-config-semantics.js';
import { ConfigError } from './config-error.js';
import { ConfigIssues } from './config-issues.js';
import { interpolateConfigValues } from './interpolate-config-values.js';
import { isPlainObject } from './is-plain-object.js';
import type { PathSegment } from './key-path.js';
import { loadConfiguredPlugins } from './load-configured-plugins.js';
import { normalizeAdminKeys, normalizeApiKeys, normalizeCollections } from './normalize-config.js';
import { collectSecrets } from './secret-positions.js';
import { validateConfigTree } from './validate-config.js';

export interface BuildConfigOptions {
  /** What error lines start with: the file path, or the flag/variable that described the config. */
  source: string;
  /** `${file:relative}` and relative `plugins:` paths resolve against this (the file's directory). */
  baseDir: string;
  env: NodeJS.ProcessEnv;
  registry: PluginRegistry;
  /** Resolve `${…}` references (default true; off for values taken verbatim from the environment). */
  interpolate?: boolean;
  /** Import `plugins:` packages into the registry before checking backend types (default true). */
  loadPlugins?: boolean;
  /** How some paths are shown instead (single-backend mode names its flags). */
  pathLabels?: ReadonlyArray<readonly [PathSegment[], string]>;
}

export interface BuiltConfig {
  config: SwitchyardConfig;
  /** Every value in a secret position (literal or resolved), for the SecretRedactor. */
  secrets: string[];
}

/**
 * Turn parsed config data into a validated SwitchyardConfig: normalise list/map forms,
 * interpolate, normalise API keys, check unknown keys, types and cross-field rules. Every
 * problem is collected and thrown together as one ConfigError; no secret is ever in it.
 */
export async function buildConfig(raw: unknown, options: BuildConfigOptions): Promise<BuiltConfig> {
  const { source } = options;
  if (raw === null || raw === undefined || (isPlainObject(raw) && Object.keys(raw).length === 0)) {
    throw new ConfigError(
      `${source}: the configuration is empty: expected at least a backends section (see config.example.yaml); an empty file is never demo mode`,
    );
  }
  if (!isPlainObject(raw)) {
    throw new ConfigError(
      `${source}: expected a map of sections (server, backends, routes, …), not ${Array.isArray(raw) ? 'a list' : `a ${typeof raw}`}`,
    );
  }
  const root = structuredClone(raw);
  const issues = new ConfigIssues(source);
  for (const [path, label] of options.pathLabels ?? []) issues.labels.set(path, label);

  normalizeCollections(root, issues);
  const interpolation =
    options.interpolate === false
      ? { secrets: [], interpolated: new WeakMap<object, Set<PathSegment>>() }
      : interpolateConfigValues(root, options, issues);
  normalizeApiKeys(root, issues);
  normalizeAdminKeys(root, issues);
  const secrets = [...new Set([...interpolation.secrets, ...collectSecrets(root)])];

  if (options.loadPlugins !== false) await loadConfiguredPlugins(root.plugins, options.baseDir, options.registry, issues);
  const config = validateConfigTree(root, { registry: options.registry, issues, interpolated: interpolation.interpolated });
  checkConfigSemantics(config, options.registry, issues);

  issues.throwIfAny(secrets);
  return { config, secrets };
}
