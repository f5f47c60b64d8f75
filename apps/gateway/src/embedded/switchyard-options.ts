import { resolve } from 'node:path';
import {
  buildConfig,
  createLogger,
  loadConfigFile,
  PluginRegistry,
  silentLogger,
  type BuiltConfig,
  type KernelLogger,
  type KernelOptions,
  type ProviderPlugin,
} from '@switchyard/kernel';
import { createBuiltinRegistry } from '../builtin-plugins.js';

/** How an in-process gateway is built (createSwitchyard, SwitchyardModule.forRoot). */
export interface SwitchyardOptions {
  /**
   * The configuration: an object with the same sections as a configuration file (validated by
   * the same code, with the same error text), or the path of a YAML / TOML / JSON file.
   */
  config: Record<string, unknown> | string;
  /**
   * Provider plugins to register before the built-in ones (`openai`, `anthropic`, `mock`,
   * `openresponses`, `gcp-vertex`); one with a built-in's `type` replaces it. Packages named under
   * the configuration's `plugins:` are loaded as well.
   */
  plugins?: readonly ProviderPlugin[];
  /** Register the built-in plugins (default true). */
  builtins?: boolean;
  /**
   * A pino-compatible logger, or `false` for none. Default: pino at `logging.level`, JSON lines on
   * stderr, like the server.
   */
  logger?: KernelLogger | false;
  /**
   * Start the `telemetry` section's exporters (Prometheus on its own port, OTLP) and register
   * their MeterProvider as the global one (default false). Without it the instruments record into
   * whatever global MeterProvider the host program registered (none: they are no-ops).
   */
  metrics?: boolean;
  /** Resolves `${VAR}` references in the configuration (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** For a configuration object: where `${file:…}` and relative `plugins:` paths resolve (default the working directory). */
  baseDir?: string;
  /** For a configuration object: how error lines name it (default `config`). */
  source?: string;
  /** Background model listings and backend probes (default true). */
  refreshModels?: boolean;
}

/** The configuration validated, the registry built and the logger chosen: what the Nest modules are made from. */
export interface PreparedSwitchyard {
  kernel: KernelOptions;
  options: SwitchyardOptions;
}

/** The registry an in-process gateway uses: the caller's plugins first, then the built-ins whose type is free. */
export function createSwitchyardRegistry(plugins: readonly ProviderPlugin[] = [], builtins = true): PluginRegistry {
  const registry = new PluginRegistry();
  for (const p of plugins) registry.register(p);
  if (builtins) {
    const taken = new Set(registry.types());
    const builtin = createBuiltinRegistry();
    for (const type of builtin.types()) if (!taken.has(type)) registry.register(builtin.get(type)!);
  }
  return registry;
}

/**
 * Validates the configuration exactly as the server does with a file (ConfigError listing every
 * problem, one per line, `<source>: <key.path>: <what was expected>`), loading `plugins:` packages
 * into `registry`.
 */
export async function loadSwitchyardConfig(options: SwitchyardOptions, registry: PluginRegistry): Promise<BuiltConfig> {
  const env = options.env ?? process.env;
  if (typeof options.config === 'string') {
    return loadConfigFile(resolve(options.config), { env, registry, shownAs: options.config });
  }
  return buildConfig(options.config, {
    source: options.source ?? 'config',
    baseDir: resolve(options.baseDir ?? '.'),
    env,
    registry,
  });
}

export async function prepareSwitchyard(options: SwitchyardOptions): Promise<PreparedSwitchyard> {
  const registry = createSwitchyardRegistry(options.plugins, options.builtins !== false);
  const built = await loadSwitchyardConfig(options, registry);
  const logger = options.logger === false ? silentLogger() : (options.logger ?? createLogger(built.config.logging.level));
  return {
    kernel: {
      config: built.config,
      registry,
      logger,
      secrets: built.secrets,
      refreshModels: options.refreshModels !== false,
    },
    options,
  };
}

/** `SwitchyardModule.forRoot(config)` also takes the configuration alone. */
export function toSwitchyardOptions(arg: SwitchyardOptions | Record<string, unknown> | string): SwitchyardOptions {
  if (typeof arg === 'string') return { config: arg };
  const config = (arg as { config?: unknown }).config;
  // A configuration has no `config` section: an object with one is the options.
  if (typeof config === 'string' || (typeof config === 'object' && config !== null)) return arg as SwitchyardOptions;
  return { config: arg as Record<string, unknown> };
}
