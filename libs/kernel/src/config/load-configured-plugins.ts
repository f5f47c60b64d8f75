import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PluginRegistry } from '../plugin/plugin-registry.js';
import type { ConfigIssues } from './config-issues.js';

/** A `plugins:` entry as an import specifier: package names as-is, paths relative to the config file. */
export function pluginSpecifier(entry: string, baseDir: string): string {
  if (entry.startsWith('.') || isAbsolute(entry)) return pathToFileURL(resolve(baseDir, entry)).href;
  return entry;
}

/**
 * Import the packages named under `plugins:` into the registry, so that the backend types they
 * add validate against their config classes. A package that fails to load is a config error.
 */
export async function loadConfiguredPlugins(
  plugins: unknown,
  baseDir: string,
  registry: PluginRegistry,
  issues: ConfigIssues,
): Promise<void> {
  if (!Array.isArray(plugins)) return; // the schema reports the wrong shape
  for (const [i, entry] of plugins.entries()) {
    if (typeof entry !== 'string' || entry === '') continue;
    try {
      await registry.loadPackage(pluginSpecifier(entry, baseDir));
    } catch (err) {
      issues.add(['plugins', i], (err as Error).message.replace(/^plugins: /, ''));
    }
  }
}
