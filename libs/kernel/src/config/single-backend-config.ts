import type { PluginRegistry } from '../plugin/plugin-registry.js';
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
  [['backends', 0, 'project'], '--project / GOOGLE_CLOUD_PROJECT'],
  [['backends', 0, 'location'], '--location / GOOGLE_CLOUD_LOCATION'],
  [['backends', 0, 'models'], '--model'],
];

/**
 * The one backend of single-backend mode, from flags and environment (the API key only from
 * SWITCHYARD_BACKEND_API_KEY): id = type, `default: true`, models = the `--model` globs or `*`.
 */
export function singleBackendEntry(type: string, args: CliArgs, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    id: type,
    type,
    default: true,
    models: args.models && args.models.length > 0 ? [...args.models] : ['*'],
  };
  const baseUrl = nonEmpty(args.baseUrl) ?? nonEmpty(env.SWITCHYARD_BASE_URL);
  const apiKey = nonEmpty(env.SWITCHYARD_BACKEND_API_KEY);
  const project = nonEmpty(args.project) ?? nonEmpty(env.GOOGLE_CLOUD_PROJECT);
  const location = nonEmpty(args.location) ?? nonEmpty(env.GOOGLE_CLOUD_LOCATION) ?? nonEmpty(env.VERTEX_LOCATION);
  if (baseUrl !== undefined) entry.base_url = baseUrl;
  if (apiKey !== undefined) entry.api_key = apiKey;
  if (project !== undefined) entry.project = project;
  if (location !== undefined) entry.location = location;
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
  return buildConfig(
    { backends: [singleBackendEntry(type, args, env)] },
    { source: `${via} ${type}`, baseDir: cwd, env, registry, interpolate: false, loadPlugins: false, pathLabels: LABELS },
  );
}
