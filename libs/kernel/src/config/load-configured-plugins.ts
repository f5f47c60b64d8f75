import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolve as resolveImport } from 'import-meta-resolve';
import type { PluginRegistry } from '../plugin/plugin-registry.js';
import type { ConfigIssues } from './config-issues.js';

/**
 * A `plugins:` entry as an import URL, resolved the way Node resolves an `import` written in a
 * file of that folder:
 * - a path (`./x.js`, `../pkgs/acme`, absolute) is relative to the configuration file's folder; a
 *   folder is a package, whose package.json says which file (`exports`, else `main`, else index.js);
 * - a package name is looked up from the configuration file's folder (its `node_modules`, then
 *   every parent's), then from the working directory, then next to the gateway itself (a plugin
 *   installed alongside it).
 * Throws an error that says where it looked.
 */
export function pluginSpecifier(entry: string, baseDir: string, cwd = process.cwd()): string {
  if (entry.startsWith('.') || isAbsolute(entry)) return resolvePluginPath(resolve(baseDir, entry));
  const bases = [...new Set([resolve(baseDir), resolve(cwd)])];
  for (const parent of [...bases.map((base) => pathToFileURL(join(base, 'package.json')).href), import.meta.url]) {
    try {
      return resolveImport(entry, parent);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  const where = bases.map((b) => join(b, 'node_modules')).join(', ');
  throw new Error(`cannot load "${entry}": no such package in ${where} (or their parent folders' node_modules) or next to the gateway`);
}

/** A file as its URL; a package folder as the file its package.json names for `import`. */
function resolvePluginPath(path: string): string {
  if (!existsSync(path)) throw new Error(`cannot load "${path}": no such file or folder`);
  if (!statSync(path).isDirectory()) return pathToFileURL(path).href;
  const manifestPath = join(path, 'package.json');
  if (!existsSync(manifestPath))
    throw new Error(`cannot load "${path}": a folder without a package.json (name the plugin's file or its package folder)`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { name?: unknown; exports?: unknown; main?: unknown };
  // With `exports`, the package's own name resolves to its entry point from inside it (Node's self-reference).
  if (manifest.exports !== undefined && typeof manifest.name === 'string') {
    return resolveImport(manifest.name, pathToFileURL(manifestPath).href);
  }
  return pathToFileURL(resolve(path, typeof manifest.main === 'string' ? manifest.main : 'index.js')).href;
}

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'ERR_MODULE_NOT_FOUND';
}

/**
 * Import the packages named under `plugins:` into the registry, so that the backend types they
 * add validate against their config classes. A package that cannot be found or fails to load is a
 * config error.
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
