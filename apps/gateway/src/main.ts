#!/usr/bin/env node
import 'reflect-metadata';
import cluster from 'node:cluster';
import { ConfigError, createLogger, UsageError, resolveConfig, type LoadedConfig } from '@switchyard/kernel';
import { createBuiltinRegistry } from './builtin-plugins.js';
import { checkJournalPath } from './cli/check-journal-path.js';
import { runJournalCommand } from './cli/journal-summary.js';
import { parseCliArgs, usageText } from './cli/parse-cli-args.js';
import { runHealthcheck } from './cli/run-healthcheck.js';
import { runUsageCommand } from './cli/usage-report.js';
import { createGatewayApp, listenGateway } from './create-gateway-app.js';
import { workerCount } from './cluster/count-workers.js';
import { loadServerTls } from './ops/server-tls.js';
import { startOperations } from './ops/start-operations.js';
import { startMeterProvider } from './telemetry/start-meter-provider.js';

const VERSION = '0.1.0';

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'journal') return runJournalCommand(argv.slice(1), { stdout: process.stdout, stderr: process.stderr });
  if (argv[0] === 'usage') return runUsageCommand(argv.slice(1), { stdout: process.stdout, stderr: process.stderr, env: process.env });
  if (argv[0] === 'healthcheck') {
    const io = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
    return runHealthcheck(argv.slice(1), { ...io, registry: createBuiltinRegistry() });
  }
  let args;
  try {
    args = parseCliArgs(argv);
  } catch (err) {
    process.stderr.write(`switchyard: ${(err as Error).message}\n\n${usageText()}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(usageText());
    return 0;
  }
  if (args.version) {
    process.stdout.write(`switchyard ${VERSION}\n`);
    return 0;
  }

  const registry = createBuiltinRegistry();
  let loaded: LoadedConfig;
  try {
    loaded = await resolveConfig({ args, env: process.env, cwd: process.cwd(), registry });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError) {
      process.stderr.write(`switchyard: ${err.message}\n`);
      return err instanceof UsageError ? 2 : 1;
    }
    throw err;
  }
  if (args.check) {
    // Unreadable or mismatched TLS files, a journal that cannot be written: a ConfigError naming the key.
    if (loaded.config.server.tls) loadServerTls(loaded.config.server.tls);
    checkJournalPath(loaded.config.journal, process.cwd());
    const where = loaded.file ?? (loaded.source === 'single-backend' ? 'single-backend mode' : 'demo mode');
    process.stdout.write(
      `switchyard: configuration OK (${where}: ${loaded.config.backends.length} backend(s), ${loaded.config.routes.length} route(s))\n`,
    );
    return 0;
  }

  // `pidof switchyard` / `pkill -HUP switchyard` find the serving process (not CLI commands).
  process.title = 'switchyard';
  const logger = createLogger(loaded.config.logging.level);
  // server.workers > 1 (issue #18): this process is the primary, or one of its workers.
  // (Loaded on demand: a single process without Redis, --check and usage errors never load them.)
  if (cluster.isWorker) {
    const { runWorker } = await import('./cluster/run-worker.js');
    await runWorker({ loaded, args, registry, logger: logger.child({ worker: cluster.worker!.id }) });
    return -1;
  }
  for (const w of loaded.warnings) logger.warn(w);
  const workers = workerCount(loaded.config.server.workers);
  if (workers > 1) {
    const { runPrimary } = await import('./cluster/run-primary.js');
    await runPrimary({ loaded, args, registry, logger, workers });
    return -1;
  }
  const shared = loaded.config.state.redis
    ? await (await import('./state/start-shared-state.js')).startSharedState(loaded.config, logger, { required: true })
    : null;
  const telemetry = await startMeterProvider(loaded.config.telemetry, logger);
  // Client-key counters (issue #20): this process's store, shared through Redis with state.redis.
  const { startGovernanceStore } = await import('./governance/start-governance-store.js');
  const { createGovernanceStore } = await import('./governance/create-governance-store.js');
  const governanceStore = await startGovernanceStore(loaded.config, logger, createGovernanceStore(loaded.config), { required: true });
  const app = await createGatewayApp({
    config: loaded.config,
    registry,
    logger,
    singleBackend: loaded.singleBackend,
    secrets: loaded.secrets,
    installSecret: process.env.SWITCHYARD_INSTALL_SECRET,
    governanceStore,
  });
  shared?.attach(app);
  const { host, port } = loaded.config.server;
  const url = await listenGateway(app, host, port);
  const backends = loaded.config.backends.map((b) => `${b.id} (${b.type})`).join(', ');
  logger.info(
    {
      url,
      metrics: telemetry.prometheusUrl,
      source: loaded.source,
      file: loaded.file,
      backends: loaded.config.backends.length,
      routes: loaded.config.routes.length,
    },
    loaded.source === 'demo'
      ? `Switchyard listening on ${url}, serving the built-in mock model "mock" (demo mode)`
      : `Switchyard listening on ${url}; backends: ${backends}`,
  );

  // SIGHUP / --watch reloads, SIGTERM / SIGINT graceful shutdown (docs/operations.md).
  startOperations({
    app,
    loaded,
    args,
    env: process.env,
    registry,
    logger,
    flushTelemetry: async () => {
      await shared?.close();
      await telemetry.shutdown();
    },
  });
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    // A start-up ConfigError (e.g. journal.path not writable) is the user's to fix: no stack.
    process.stderr.write(
      err instanceof ConfigError ? `switchyard: ${err.message}\n` : `switchyard: fatal: ${(err as Error)?.stack ?? String(err)}\n`,
    );
    process.exit(1);
  },
);
