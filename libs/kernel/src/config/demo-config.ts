import type { PluginRegistry } from '../plugin/plugin-registry.js';
import { buildConfig, type BuiltConfig } from './build-config.js';

/** Shown when no configuration was found at all. */
export const DEMO_MODE_WARNING =
  'No configuration found: running in demo mode, where the built-in mock backend serves the model "mock". ' +
  'To serve real models, pass --config FILE (or set SWITCHYARD_CONFIG), put a config.yaml in the working directory, ' +
  'or run one backend with --backend TYPE --base-url URL (its API key in SWITCHYARD_BACKEND_API_KEY). ' +
  'See docs/configuration.md and config.example.yaml.';

/** The demo configuration: one `mock` backend serving model `mock`. */
export function demoConfigData(): Record<string, unknown> {
  return { backends: [{ id: 'mock', type: 'mock', models: ['mock'] }] };
}

export function buildDemoConfig(env: NodeJS.ProcessEnv, registry: PluginRegistry, cwd: string): Promise<BuiltConfig> {
  return buildConfig(demoConfigData(), { source: 'demo mode', baseDir: cwd, env, registry, interpolate: false, loadPlugins: false });
}
