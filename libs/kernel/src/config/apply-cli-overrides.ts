import { parseLogLevel, type CliArgs } from './cli-args.js';
import { ApiKeyEntry } from './schema/server-config.js';
import type { SwitchyardConfig } from './schema/switchyard-config.js';

/**
 * Command-line settings beat the configuration: `--listen`, `--metrics-listen` (which also
 * turns Prometheus on), `--log-level`, `--workers`; SWITCHYARD_API_KEY adds an inbound key. Returns the
 * secrets it added.
 */
export function applyCliOverrides(config: SwitchyardConfig, args: CliArgs, env: NodeJS.ProcessEnv): string[] {
  if (args.listen) {
    if (args.listen.host !== undefined) config.server.host = args.listen.host;
    config.server.port = args.listen.port;
  }
  if (args.metricsListen) {
    const prom = config.telemetry.prometheus;
    if (args.metricsListen.host !== undefined) prom.host = args.metricsListen.host;
    prom.port = args.metricsListen.port;
    prom.enabled = true;
  }
  if (args.logLevel !== undefined) config.logging.level = parseLogLevel(args.logLevel);
  if (args.workers !== undefined) config.server.workers = args.workers;

  const secrets: string[] = [];
  const envKey = env.SWITCHYARD_API_KEY;
  if (envKey !== undefined && envKey !== '') {
    secrets.push(envKey);
    if (!config.server.api_keys.some((k) => k.key === envKey)) {
      const entry = new ApiKeyEntry();
      entry.key = envKey;
      config.server.api_keys.push(entry);
    }
  }
  return secrets;
}
