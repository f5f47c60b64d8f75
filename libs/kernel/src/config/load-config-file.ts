import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { PluginRegistry } from '../plugin/plugin-registry.js';
import { buildConfig, type BuiltConfig } from './build-config.js';
import { ConfigError } from './config-error.js';
import { configFormatOf, parseConfigText } from './parse-config-text.js';
import { describeFileError } from './describe-file-error.js';

export interface LoadConfigFileOptions {
  env: NodeJS.ProcessEnv;
  registry: PluginRegistry;
  /** How the file is named in error lines (default: the path as given). */
  shownAs?: string;
  loadPlugins?: boolean;
}

/** Read, parse (by extension), interpolate and validate one configuration file. */
export async function loadConfigFile(file: string, options: LoadConfigFileOptions): Promise<BuiltConfig> {
  const shown = options.shownAs ?? file;
  const format = configFormatOf(shown);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const why = describeFileError(err);
    throw new ConfigError(`${shown}: cannot read the configuration file: ${why}`);
  }
  const raw = parseConfigText(text, shown, format);
  return buildConfig(raw, {
    source: shown,
    baseDir: dirname(resolve(file)),
    env: options.env,
    registry: options.registry,
    ...(options.loadPlugins !== undefined ? { loadPlugins: options.loadPlugins } : {}),
  });
}
