import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RuntimeHolder, type CliArgs, type KernelLogger, type LoadedConfig, type PluginRegistry } from '@switchyard/kernel';
import { ConfigReloader } from './config-reloader.js';
import { installGracefulShutdown } from './graceful-shutdown.js';
import { isLoopback } from './server-tls.js';
import { watchConfigFile, type ConfigWatcher } from './watch-config-file.js';

export interface OperationsOptions {
  app: NestFastifyApplication;
  loaded: LoadedConfig;
  args: CliArgs;
  env: NodeJS.ProcessEnv;
  registry: PluginRegistry;
  logger: KernelLogger;
  /** Flushes and stops metrics export (after the HTTP server and the shutdown hooks). */
  flushTelemetry: () => Promise<void>;
}

/**
 * What a running gateway does besides serving requests (docs/operations.md): SIGHUP and
 * `--watch` reloads, SIGTERM/SIGINT graceful shutdown, and a warning when the API is reachable
 * from other machines with neither TLS nor an API key.
 */
export function startOperations(options: OperationsOptions): ConfigReloader {
  const { app, loaded, args, logger } = options;
  const { server } = loaded.config;
  if (!isLoopback(server.host) && !server.tls && server.api_keys.length === 0) {
    logger.warn(
      { host: server.host, port: server.port },
      `the API listens on ${server.host} (reachable from other machines) with neither TLS nor an API key: ` +
        'anyone who can reach it can use your backends; set server.api_keys (or SWITCHYARD_API_KEY) and server.tls, or --listen 127.0.0.1:PORT',
    );
  }

  const reloader = new ConfigReloader({ app, loaded, args, env: options.env, registry: options.registry, logger });
  process.on('SIGHUP', () => void reloader.reload('SIGHUP'));

  let watcher: ConfigWatcher | null = null;
  if (args.watch) {
    if (loaded.source === 'file' && loaded.file) watcher = watchConfigFile(loaded.file, () => void reloader.reload('--watch'), { logger });
    else
      logger.warn(
        `--watch: nothing to watch: the gateway runs in ${loaded.source === 'demo' ? 'demo' : 'single-backend'} mode, without a configuration file`,
      );
  }

  installGracefulShutdown({
    app,
    logger,
    graceSeconds: () => app.get(RuntimeHolder).current().config.server.shutdown_grace_seconds,
    flush: options.flushTelemetry,
    onStopping: () => watcher?.close(),
  });
  return reloader;
}
