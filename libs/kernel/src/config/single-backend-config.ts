import type { PluginRegistry } from '../plugin/plugin-registry.js';
import type { SingleBackendFlag } from '@switchyard/plugin-sdk';
import { buildConfig, type BuiltConfig } from './build-config.js';
import type { CliArgs } from './cli-args.js';
import type { PathSegment } from './key-path.js';

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v);

/** Error lines in single-backend mode name the flag or variable, not a file path. */
const LABELS: ReadonlyArray<readonly [PathSegment[], string]> = [
  [['backends', 0], 'backend'],
  [['backends', 0, 'id'], '--backend / SWITCHYARD_BACKEND'],
  [['backends', 0, 'type'], '--backend / SWITCHYARD_BACKEND'],
  [['backends', 0, 'base_url'], '--base-url / SWITCHYARD_BASE_URL'],
  [['backends', 0, 'api_key'], 'SWITCHYARD_BACKEND_API_KEY'],
  [['backends', 0, 'models'], '--model'],
];

/** The flags a plugin's single-backend keys may name, as the config key each sets when its type declares none. */
const PLUGIN_FLAGS: ReadonlyArray<readonly [SingleBackendFlag, keyof CliArgs & string]> = [
  ['--project', 'project'],
  ['--location', 'location'],
];

/** The plugin's single-backend keys with their values, then flags its type has no key for (rejected by validation). */
function pluginKeyEntries(type: string, args: CliArgs, env: NodeJS.ProcessEnv, registry: PluginRegistry): [string, string, string][] {
  const declared = registry.get(type)?.singleBackendKeys ?? [];
  const flagValue = (flag: SingleBackendFlag): string | undefined =>
    nonEmpty(args[PLUGIN_FLAGS.find(([f]) => f === flag)![1]] as string | undefined);
  const out: [string, string, string][] = [];
  for (const { key, flag, env: names = [] } of declared) {
    const value = (flag && flagValue(flag)) ?? names.map((n) => nonEmpty(env[n])).find((v) => v !== undefined);
    if (value !== undefined) out.push([key, value, [flag, ...names].filter(Boolean).join(' / ')]);
  }
  for (const [flag, field] of PLUGIN_FLAGS) {
    const value = flagValue(flag);
    if (value !== undefined && !declared.some((k) => k.flag === flag)) out.push([field, value, flag]);
  }
  return out;
}

/**
 * The one backend of single-backend mode, from flags and environment (the API key only from
 * SWITCHYARD_BACKEND_API_KEY): id = type, `default: true`, models = the `--model` globs or `*`,
 * and the keys the type's plugin fills from its flags and variables (singleBackendKeys).
 */
export function singleBackendEntry(
  type: string,
  args: CliArgs,
  env: NodeJS.ProcessEnv,
  registry: PluginRegistry,
  labels?: [PathSegment[], string][],
): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    id: type,
    type,
    default: true,
    models: args.models && args.models.length > 0 ? [...args.models] : ['*'],
  };
  const baseUrl = nonEmpty(args.baseUrl) ?? nonEmpty(env.SWITCHYARD_BASE_URL);
  const apiKey = nonEmpty(env.SWITCHYARD_BACKEND_API_KEY);
  if (baseUrl !== undefined) entry.base_url = baseUrl;
  if (apiKey !== undefined) entry.api_key = apiKey;
  for (const [key, value, label] of pluginKeyEntries(type, args, env, registry)) {
    entry[key] ??= value;
    labels?.push([['backends', 0, key], label]);
  }
  return entry;
}

/** Validate the single-backend configuration like a file (values are taken verbatim: no `${…}`). */
export function buildSingleBackendConfig(
  type: string,
  via: string,
  args: CliArgs,
  env: NodeJS.ProcessEnv,
  registry: PluginRegistry,
  cwd: string,
): Promise<BuiltConfig> {
  const labels: [PathSegment[], string][] = [...LABELS].map(([path, label]) => [path, label]);
  const entry = singleBackendEntry(type, args, env, registry, labels);
  return buildConfig(
    { backends: [entry] },
    { source: `${via} ${type}`, baseDir: cwd, env, registry, interpolate: false, loadPlugins: false, pathLabels: labels },
  );
}
