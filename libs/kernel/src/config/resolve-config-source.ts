import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliArgs } from './cli-args.js';
import { UsageError } from './config-error.js';

/** Where the configuration comes from (SPEC §1), first that applies. */
export type ConfigSource =
  | { kind: 'file'; file: string; shownAs: string; via: '--config' | 'SWITCHYARD_CONFIG' | './config.yaml' }
  | { kind: 'single-backend'; type: string; via: '--backend' | 'SWITCHYARD_BACKEND' }
  | { kind: 'demo' };

export interface ResolvedSource {
  source: ConfigSource;
  /** Settings that were given but lose to a higher-precedence source. */
  warnings: string[];
}

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v);

/** The single-backend flags given on the command line (they need --backend or SWITCHYARD_BACKEND). */
function singleBackendFlags(args: CliArgs): string[] {
  const flags: string[] = [];
  if (args.models && args.models.length > 0) flags.push('--model');
  if (args.baseUrl !== undefined) flags.push('--base-url');
  if (args.project !== undefined) flags.push('--project');
  if (args.location !== undefined) flags.push('--location');
  return flags;
}

/**
 * Pick the configuration source: `--config` / SWITCHYARD_CONFIG, then `--backend` /
 * SWITCHYARD_BACKEND, then ./config.yaml in `cwd`, then demo mode. Contradictory flags are a
 * UsageError; an environment variable that loses is reported as a warning.
 */
export function resolveConfigSource(args: CliArgs, env: NodeJS.ProcessEnv, cwd: string): ResolvedSource {
  const warnings: string[] = [];
  const envBackend = nonEmpty(env.SWITCHYARD_BACKEND);
  const backendFlags = singleBackendFlags(args);
  if (args.config !== undefined && args.backend !== undefined) {
    throw new UsageError(
      '--config and --backend cannot be used together: --config FILE describes every backend; --backend TYPE runs one without a file',
    );
  }
  if (backendFlags.length > 0 && args.backend === undefined && envBackend === undefined) {
    throw new UsageError(
      `${backendFlags.join(', ')} only ${backendFlags.length === 1 ? 'applies' : 'apply'} in single-backend mode: add --backend TYPE (or set SWITCHYARD_BACKEND)`,
    );
  }

  const configFlag = nonEmpty(args.config);
  const configEnv = nonEmpty(env.SWITCHYARD_CONFIG);
  const configPath = configFlag ?? configEnv;
  if (configPath !== undefined) {
    const via = configFlag !== undefined ? '--config' : 'SWITCHYARD_CONFIG';
    const ignored = [
      ...(args.backend !== undefined ? ['--backend', ...backendFlags] : []),
      ...(envBackend !== undefined ? ['SWITCHYARD_BACKEND'] : []),
    ];
    if (ignored.length > 0) warnings.push(`${ignored.join(', ')} ignored: ${via} selects the configuration file ${configPath}`);
    return { source: { kind: 'file', file: resolve(cwd, configPath), shownAs: configPath, via }, warnings };
  }

  const backend = nonEmpty(args.backend) ?? envBackend;
  if (backend !== undefined) {
    return {
      source: { kind: 'single-backend', type: backend, via: args.backend !== undefined ? '--backend' : 'SWITCHYARD_BACKEND' },
      warnings,
    };
  }

  const local = resolve(cwd, 'config.yaml');
  if (existsSync(local)) return { source: { kind: 'file', file: local, shownAs: 'config.yaml', via: './config.yaml' }, warnings };
  return { source: { kind: 'demo' }, warnings };
}
