import type { PluginRegistry } from '../plugin/plugin-registry.js';
import type { SwitchyardConfig } from './schema/switchyard-config.js';
import { applyCliOverrides } from './apply-cli-overrides.js';
import type { BuiltConfig } from './build-config.js';
import type { CliArgs } from './cli-args.js';
import { buildDemoConfig, DEMO_MODE_WARNING } from './demo-config.js';
import { loadConfigFile } from './load-config-file.js';
import { resolveConfigSource } from './resolve-config-source.js';
import { buildSingleBackendConfig } from './single-backend-config.js';

export interface ResolveConfigOptions {
  args: CliArgs;
  env: NodeJS.ProcessEnv;
  /** Where `./config.yaml` and a relative `--config` path are looked up. */
  cwd: string;
  /** Backend types and their config classes; `plugins:` packages are loaded into it. */
  registry: PluginRegistry;
}

export interface LoadedConfig {
  config: SwitchyardConfig;
  source: 'file' | 'single-backend' | 'demo';
  /** The configuration file's absolute path (source `file`), e.g. for `--watch`. */
  file?: string;
  /** True in single-backend mode: every model name goes to the one backend as-is. */
  singleBackend: boolean;
  /** Credentials found in the configuration and environment: feed them to the SecretRedactor. */
  secrets: string[];
  /** Things to log at warn level (demo mode, ignored settings). */
  warnings: string[];
}

/**
 * The configuration the gateway runs with (SPEC §1): `--config` / SWITCHYARD_CONFIG, else
 * single-backend mode, else ./config.yaml, else demo mode; then command-line overrides.
 * Throws ConfigError (every problem, one per line) or UsageError.
 */
export async function resolveConfig(options: ResolveConfigOptions): Promise<LoadedConfig> {
  const { args, env, cwd, registry } = options;
  const { source, warnings } = resolveConfigSource(args, env, cwd);
  let built: BuiltConfig;
  let loaded: Omit<LoadedConfig, 'config' | 'secrets' | 'warnings'>;
  switch (source.kind) {
    case 'file':
      built = await loadConfigFile(source.file, { env, registry, shownAs: source.shownAs });
      loaded = { source: 'file', file: source.file, singleBackend: false };
      break;
    case 'single-backend':
      built = await buildSingleBackendConfig(source.type, source.via, args, env, registry, cwd);
      loaded = { source: 'single-backend', singleBackend: true };
      break;
    case 'demo':
      built = await buildDemoConfig(env, registry, cwd);
      loaded = { source: 'demo', singleBackend: false };
      warnings.push(DEMO_MODE_WARNING);
      break;
  }
  const overrideSecrets = applyCliOverrides(built.config, args, env);
  return { ...loaded, config: built.config, secrets: [...new Set([...built.secrets, ...overrideSecrets])], warnings };
}
