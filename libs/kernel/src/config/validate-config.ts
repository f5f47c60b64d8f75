import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { PluginRegistry } from '../plugin/plugin-registry.js';
import { BackendConfig } from '@switchyard/plugin-sdk';
import { SwitchyardConfig } from './schema/switchyard-config.js';
import { checkUnknownKeys } from './check-unknown-keys.js';
import type { ConfigIssues } from './config-issues.js';
import { isPlainObject } from './is-plain-object.js';
import type { PathSegment } from './key-path.js';
import { reportValidationErrors } from './report-validation-errors.js';
import { suggestNearestKey } from './suggest-nearest-key.js';

export interface ValidateContext {
  registry: PluginRegistry;
  issues: ConfigIssues;
  /** From interpolation: which string values were substituted (and may be coerced). */
  interpolated?: WeakMap<object, Set<PathSegment>>;
}

/**
 * Backend types accepted: the registered plugins' (the application registers its built-ins and
 * `plugins:` packages are loaded before validation), each validated with its plugin's config class.
 */
export function knownBackendTypes(registry: PluginRegistry): string[] {
  return registry.types();
}

function validateBackend(
  entry: unknown,
  i: number,
  ctx: ValidateContext,
  interpolated: WeakMap<object, Set<PathSegment>>,
): BackendConfig | undefined {
  const path: PathSegment[] = ['backends', i];
  if (!isPlainObject(entry)) {
    ctx.issues.add(path, 'expected a map of backend settings (id, type, base_url, …)');
    return undefined;
  }
  const type = entry.type;
  const known = knownBackendTypes(ctx.registry);
  const typeKnown = typeof type === 'string' && known.includes(type);
  if (typeof type === 'string' && type !== '' && !typeKnown) {
    const near = suggestNearestKey(type, known);
    ctx.issues.add(
      [...path, 'type'],
      `unknown backend type "${type}"${near ? `; did you mean "${near}"?` : ''} (known types: ${known.join(', ') || 'none registered'}; a plugin package under plugins: may add more)`,
    );
  }
  const cls = typeKnown ? ctx.registry.configClassFor(type) : BackendConfig;
  // An unknown type's own keys cannot be judged: its plugin is what would declare them.
  if (typeKnown) checkUnknownKeys(cls, entry, path, ctx.issues, interpolated);
  const instance = plainToInstance(cls, entry);
  reportValidationErrors(validateSync(instance), path, ctx.issues);
  return instance;
}

/**
 * Check a normalised, interpolated tree against the schema classes: unknown keys (with the
 * nearest valid one), types and ranges; each backend against its type's config class. Every
 * problem goes to `ctx.issues`; the returned config is meaningful only when there are none.
 */
export function validateConfigTree(root: Record<string, unknown>, ctx: ValidateContext): SwitchyardConfig {
  const interpolated = ctx.interpolated ?? new WeakMap();
  checkUnknownKeys(SwitchyardConfig, root, [], ctx.issues, interpolated, ['backends']);

  const backends: BackendConfig[] = [];
  if (Array.isArray(root.backends)) {
    root.backends.forEach((entry, i) => {
      const b = validateBackend(entry, i, ctx, interpolated);
      if (b) backends.push(b);
    });
  }

  const config = plainToInstance(SwitchyardConfig, { ...root, backends: [] });
  reportValidationErrors(validateSync(config), [], ctx.issues);
  if (Array.isArray(root.backends)) config.backends = backends;
  else if (root.backends !== undefined) ctx.issues.add(['backends'], 'expected a list of backends, or a map keyed by id');
  return config;
}
