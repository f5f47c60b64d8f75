import { Server as HttpsServer } from 'node:https';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  applyCliOverrides,
  ConfigError,
  GatewayRuntime,
  loadConfigFile,
  MetricsRecorder,
  RuntimeHolder,
  type CliArgs,
  type KernelLogger,
  type LoadedConfig,
  type PluginRegistry,
  type SwitchyardConfig,
} from '@switchyard/kernel';
import { InboundAuth } from '../http/inbound-auth.js';
import { LifecycleState } from '../lifecycle-state.js';
import { loadServerTls } from './server-tls.js';

export interface ConfigReloaderOptions {
  app: NestFastifyApplication;
  /** The configuration the gateway started with. */
  loaded: LoadedConfig;
  /** Command-line overrides (`--listen`, `--log-level`…) still beat the file after a reload. */
  args: CliArgs;
  env: NodeJS.ProcessEnv;
  registry: PluginRegistry;
  logger: KernelLogger;
}

export interface ReloadOutcome {
  result: 'success' | 'failure' | 'skipped';
  error?: string;
  /** Changed settings that only a restart applies (listener address, telemetry, journal…). */
  restartNeeded?: string[];
}

/** Settings read once at start-up: a reload that changes them says a restart is needed. */
const RESTART_ONLY: Array<[string, (c: SwitchyardConfig) => unknown]> = [
  ['server.host', (c) => c.server.host],
  ['server.port', (c) => c.server.port],
  ['server.tls (on/off)', (c) => c.server.tls !== undefined],
  ['server.body_limit_mb', (c) => c.server.body_limit_mb],
  ['server.cors', (c) => c.server.cors],
  ['server.request_timeout_seconds', (c) => c.server.request_timeout_seconds],
  ['server.headers_timeout_seconds', (c) => c.server.headers_timeout_seconds],
  ['telemetry', (c) => c.telemetry],
  ['journal', (c) => c.journal],
  ['server.workers', (c) => c.server.workers],
  ['state', (c) => c.state],
];

/**
 * SIGHUP / `--watch` hot reload (SPEC §6). Re-reads the configuration file (and `${file:}`
 * secrets), validates it, builds a new GatewayRuntime and swaps it in at once together with the
 * inbound keys, the log level and the TLS certificate. Requests in flight finish on the runtime
 * they started with, whose connection pools close once they are done; the model list and backend
 * probes follow the new runtime. A file that does not validate changes nothing: the error is
 * logged and counted in `switchyard.config.reloads{result="failure"}`.
 */
export class ConfigReloader {
  private current: LoadedConfig;
  private chain: Promise<unknown> = Promise.resolve();
  private queued: Promise<ReloadOutcome> | null = null;

  constructor(private readonly options: ConfigReloaderOptions) {
    this.current = options.loaded;
  }

  /** The configuration in effect. */
  get loaded(): LoadedConfig {
    return this.current;
  }

  /**
   * Reloads once the reload in progress (if any) is done; requests made while one is waiting
   * share it, so a burst of file events or signals reads the file once more, not once each.
   */
  reload(trigger: string): Promise<ReloadOutcome> {
    if (this.queued) return this.queued;
    const next = this.chain.then(() => {
      this.queued = null;
      return this.apply(trigger);
    });
    this.queued = next;
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async apply(trigger: string): Promise<ReloadOutcome> {
    const { app, logger } = this.options;
    if (app.get(LifecycleState).shuttingDown) return { result: 'skipped' };
    const file = this.current.file;
    if (this.current.source !== 'file' || !file) {
      logger.info(
        { trigger },
        `${trigger}: nothing to reload: the gateway runs in ${this.current.source === 'demo' ? 'demo' : 'single-backend'} mode, without a configuration file`,
      );
      return { result: 'skipped' };
    }
    const reloads = app.get(MetricsRecorder).metrics.configReloads;
    try {
      const { env, registry, args } = this.options;
      const built = await loadConfigFile(file, { env, registry });
      const secrets = [...new Set([...built.secrets, ...applyCliOverrides(built.config, args, env)])];
      const config = built.config;

      // Everything that can fail happens before anything is swapped.
      const server = app.getHttpServer();
      const tls = config.server.tls && server instanceof HttpsServer ? loadServerTls(config.server.tls).material : null;
      const runtime = new GatewayRuntime({ config, registry, logger, singleBackend: false, secrets });

      app.get(RuntimeHolder).swap(runtime);
      app.get(InboundAuth).update(config.server.api_keys);
      logger.level = config.logging.level;
      if (tls) (server as HttpsServer).setSecureContext(tls);
      const restartNeeded = RESTART_ONLY.filter(
        ([, read]) => JSON.stringify(read(config)) !== JSON.stringify(read(this.current.config)),
      ).map(([key]) => key);
      this.current = { ...this.current, config, secrets, warnings: [] };
      reloads.add(1, { result: 'success' });
      logger.info(
        { trigger, file, backends: config.backends.map((b) => b.id), routes: config.routes.length, logLevel: config.logging.level },
        'configuration reloaded',
      );
      if (restartNeeded.length > 0) {
        logger.warn(
          { keys: restartNeeded },
          `configuration reloaded, but these changes only take effect after a restart: ${restartNeeded.join(', ')}`,
        );
      }
      return { result: 'success', restartNeeded };
    } catch (err) {
      reloads.add(1, { result: 'failure' });
      const message = err instanceof ConfigError ? err.message : `${(err as Error)?.message ?? String(err)}`;
      logger.error({ trigger, file, err: message }, `configuration reload failed; the previous configuration stays in effect: ${message}`);
      return { result: 'failure', error: message };
    }
  }
}
