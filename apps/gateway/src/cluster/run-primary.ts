import cluster, { type Worker } from 'node:cluster';
import { metrics } from '@opentelemetry/api';
import {
  ConfigError,
  JournalWriter,
  loadConfigFile,
  type CliArgs,
  type KernelLogger,
  type LoadedConfig,
  type PluginRegistry,
} from '@switchyard/kernel';
import { acceptDelayMs } from '../ops/graceful-shutdown.js';
import { watchConfigFile, type ConfigWatcher } from '../ops/watch-config-file.js';
import { connectRedis } from '../state/connect-redis.js';
import { startMeterProvider } from '../telemetry/start-meter-provider.js';
import { isSwitchyardMessage, type PrimaryToWorker, type WorkerToPrimary } from './ipc-messages.js';
import { WorkerMetricsProducer, type MetricSnapshot } from './merge-metric-snapshots.js';
import { PrimaryArbiter } from './primary-arbiter.js';
import { GovernanceIpcServer } from './serve-governance-ipc.js';
import { createGovernanceStore } from '../governance/create-governance-store.js';

export interface PrimaryOptions {
  loaded: LoadedConfig;
  args: CliArgs;
  registry: PluginRegistry;
  logger: KernelLogger;
  /** How many workers to run (server.workers, resolved). */
  workers: number;
  env?: NodeJS.ProcessEnv;
}

/** The meter nestjs-otel's instruments live in: the primary's own series share their scope. */
const METER = 'nestjs-otel';
/** Series only the primary counts (a reload is one event however many workers apply it). */
const PRIMARY_ONLY = new Set(['switchyard.config.reloads', 'switchyard.journal.dropped']);
/** How long a scrape waits for a worker's snapshot. */
const COLLECT_TIMEOUT_MS = 2000;

interface Live {
  worker: Worker;
  listening: boolean;
  startedAt: number;
  last?: MetricSnapshot;
  gone: Promise<void>;
}

function send(worker: Worker, message: PrimaryToWorker): void {
  if (worker.isConnected()) worker.send(message, undefined, () => undefined);
}

/**
 * The primary of a multi-worker gateway (issue #18, `server.workers`). It serves no request: it
 * forks the workers (node:cluster, which shares the API port among them), and is the one gateway
 * they make together: it serves the metrics port (the merge of the workers' snapshots, plus
 * `switchyard_workers` and `switchyard_worker_restarts_total`), writes and rotates the one journal
 * (workers send their lines), arbitrates backend slots (PrimaryArbiter; with `state.redis` the
 * workers use Redis and fall back on it), reloads every worker on SIGHUP / `--watch` after
 * checking the file once, drains them all on SIGTERM, and restarts a worker that dies.
 */
export async function runPrimary(options: PrimaryOptions): Promise<void> {
  const { loaded, args, registry, logger, workers: count } = options;
  const env = options.env ?? process.env;
  const config = loaded.config;
  const live = new Map<number, Live>();
  let stopping = false;
  let quickDeaths = 0;

  // Everything that can fail the start happens before a worker is forked.
  if (config.state.redis) (await connectRedis(config.state.redis)).disconnect();
  let collectId = 0;
  const collecting = new Map<number, { want: Set<number>; got: MetricSnapshot[]; done: () => void }>();
  const producer = new WorkerMetricsProducer(() => {
    const id = ++collectId;
    const targets = [...live.values()].filter((l) => l.listening);
    if (targets.length === 0) return Promise.resolve([]);
    return new Promise<MetricSnapshot[]>((resolve) => {
      const got: MetricSnapshot[] = [];
      const done = (): void => {
        clearTimeout(timer);
        collecting.delete(id);
        resolve(got);
      };
      const timer = setTimeout(done, COLLECT_TIMEOUT_MS);
      collecting.set(id, { want: new Set(targets.map((l) => l.worker.id)), got, done });
      for (const l of targets) send(l.worker, { sy: 'collect', id });
    });
  });
  const telemetry = await startMeterProvider(config.telemetry, logger, env, [producer]);
  const meter = metrics.getMeter(METER);
  const restarts = meter.createCounter('switchyard.worker.restarts', {
    description: 'Worker processes that exited unexpectedly and were started again',
    unit: '{restart}',
  });
  const reloads = meter.createCounter('switchyard.config.reloads', { description: 'Configuration reloads, by result', unit: '{reload}' });
  const journalDropped = meter.createCounter('switchyard.journal.dropped', {
    description: 'Journal lines dropped because the writer fell behind',
    unit: '{line}',
  });
  meter
    .createObservableGauge('switchyard.workers', { description: 'Worker processes serving the API port', unit: '{process}' })
    .addCallback((r) => r.observe([...live.values()].filter((l) => l.listening).length));

  let journal: JournalWriter | null = null;
  if (config.journal.enabled) {
    const j = new JournalWriter({
      path: config.journal.path,
      maxSizeBytes: Math.round(config.journal.max_size_mb * 1024 * 1024),
      onDrop: (n, reason) => journalDropped.add(n, { reason }),
      onError: (err, what) => logger.warn({ err: err.message, path: j.path, what }, 'request journal: write failed'),
    });
    try {
      j.open();
    } catch (err) {
      throw new ConfigError(`journal.path: ${(err as Error).message}`);
    }
    journal = j;
  }

  // Client-key counters for the machine (issue #20): the workers ask this store over IPC (with
  // state.redis, only while Redis is unreachable).
  const governanceStore = createGovernanceStore(config);
  const governance = new GovernanceIpcServer(governanceStore, logger);

  const arbiter = new PrimaryArbiter(
    () => [...live.values()].map((l) => ({ id: l.worker.id, send: (m: PrimaryToWorker) => send(l.worker, m) })),
    logger,
  );

  let reloadId = 0;
  const onMessage = (entry: Live, raw: unknown): void => {
    if (!isSwitchyardMessage(raw)) return;
    const message = raw as WorkerToPrimary;
    const peer = { id: entry.worker.id, send: (m: PrimaryToWorker) => send(entry.worker, m) };
    if (arbiter.handle(peer, message)) return;
    if (governance.handle(peer, message)) return;
    switch (message.sy) {
      case 'journal':
        if (journal) for (const line of message.lines) journal.write(line);
        break;
      case 'metrics': {
        const c = collecting.get(message.id);
        const snapshot = (message.snapshot as MetricSnapshot).map((sm) => ({
          ...sm,
          metrics: sm.metrics.filter((m) => !PRIMARY_ONLY.has(m.descriptor.name)),
        }));
        entry.last = snapshot;
        if (!c) break;
        c.got.push(snapshot);
        c.want.delete(entry.worker.id);
        if (c.want.size === 0) c.done();
        break;
      }
      case 'reloaded':
        if (message.result === 'failure') {
          logger.error({ worker: entry.worker.id, err: message.error }, 'a worker could not apply the reloaded configuration');
        }
        break;
    }
  };

  let announced = false;
  const fork = (): void => {
    const worker = cluster.fork();
    let exited = false;
    let disconnected = false;
    let settle: () => void = () => undefined;
    const gone = new Promise<void>((resolve) => (settle = resolve));
    const entry: Live = { worker, listening: false, startedAt: Date.now(), gone };
    live.set(worker.id, entry);
    worker.on('message', (m: unknown) => onMessage(entry, m));
    worker.once('listening', (address: { address: string | null; port: number }) => {
      entry.listening = true;
      if (!announced && [...live.values()].filter((l) => l.listening).length === count) {
        announced = true;
        const backends = config.backends.map((b) => `${b.id} (${b.type})`).join(', ');
        logger.info(
          { workers: count, port: address.port, metrics: telemetry.prometheusUrl, source: loaded.source, file: loaded.file },
          `Switchyard listening on port ${address.port} with ${count} workers; backends: ${backends}`,
        );
      }
    });
    // A worker is gone once it has exited AND its channel is closed (its last journal lines are in).
    const maybeGone = (): void => {
      if (!exited || !disconnected) return;
      live.delete(worker.id);
      arbiter.forget(worker.id);
      void governance.forget(worker.id);
      producer.retire(entry.last);
      settle();
    };
    worker.once('disconnect', () => {
      disconnected = true;
      maybeGone();
    });
    worker.once('exit', (code, signal) => {
      exited = true;
      maybeGone();
      if (!disconnected) setTimeout(() => ((disconnected = true), maybeGone()), 1000).unref();
      if (stopping) return;
      if (!announced && !entry.listening) {
        logger.error({ worker: worker.id, code, signal }, 'a worker failed to start; stopping');
        void stop('startup failure', 1);
        return;
      }
      restarts.add(1);
      quickDeaths = Date.now() - entry.startedAt < 10_000 ? quickDeaths + 1 : 0;
      const delay = quickDeaths > 0 ? Math.min(30_000, 250 * 2 ** Math.min(quickDeaths, 7)) : 0;
      logger.error({ worker: worker.id, code, signal, restartInMs: delay }, 'a worker exited unexpectedly; starting a new one');
      setTimeout(() => {
        if (!stopping) fork();
      }, delay).unref();
    });
  };

  const reload = async (trigger: string): Promise<void> => {
    if (stopping) return;
    if (loaded.source !== 'file' || !loaded.file) {
      logger.warn(`${trigger}: nothing to reload: the gateway runs without a configuration file`);
      return;
    }
    try {
      await loadConfigFile(loaded.file, { env, registry }); // checked once, here; workers then apply it
    } catch (err) {
      reloads.add(1, { result: 'failure' });
      const message = err instanceof ConfigError ? err.message : String((err as Error)?.message ?? err);
      logger.error(
        { trigger, file: loaded.file, err: message },
        `configuration reload failed; the previous configuration stays in effect: ${message}`,
      );
      return;
    }
    reloads.add(1, { result: 'success' });
    const id = ++reloadId;
    for (const l of live.values()) send(l.worker, { sy: 'reload', id, trigger });
    logger.info({ trigger, file: loaded.file, workers: live.size }, 'configuration checked; every worker reloads it');
  };
  process.on('SIGHUP', () => void reload('SIGHUP'));
  let watcher: ConfigWatcher | null = null;
  if (args.watch && loaded.source === 'file' && loaded.file)
    watcher = watchConfigFile(loaded.file, () => void reload('--watch'), { logger });

  const stop = async (why: string, code = 0): Promise<void> => {
    if (stopping) {
      // A second signal: the workers skip what is left of their grace period.
      for (const l of live.values()) l.worker.process.kill('SIGTERM');
      return;
    }
    stopping = true;
    watcher?.close();
    const graceMs = config.server.shutdown_grace_seconds * 1000;
    logger.info({ signal: why, workers: live.size, graceSeconds: graceMs / 1000 }, 'shutting down: every worker drains its requests');
    // A worker still starting has no drain to do (and no handler for the message yet): the signal ends it.
    for (const l of live.values()) {
      if (l.listening) send(l.worker, { sy: 'shutdown' });
      else l.worker.process.kill('SIGTERM');
    }
    // Workers end themselves within grace + their 10 s backstop; past that they are killed.
    const kill = setTimeout(
      () => {
        for (const l of live.values()) l.worker.process.kill('SIGKILL');
      },
      graceMs + acceptDelayMs(graceMs).maxMs + 12_000,
    );
    kill.unref();
    await Promise.all([...live.values()].map((l) => l.gone));
    clearTimeout(kill);
    if (journal) await journal.close();
    await governanceStore.close().catch(() => undefined);
    await telemetry.shutdown();
    logger.info('stopped');
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  for (let i = 0; i < count; i++) fork();
}
