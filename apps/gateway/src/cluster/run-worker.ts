import { GatewayPipeline, type CliArgs, type KernelLogger, type LoadedConfig, type PluginRegistry } from '@switchyard/kernel';
import { createGatewayApp, listenGateway } from '../create-gateway-app.js';
import { startOperations } from '../ops/start-operations.js';
import { startSharedState } from '../state/start-shared-state.js';
import { IpcJournalSink } from './ipc-journal-sink.js';
import { isSwitchyardMessage, type PrimaryToWorker, type WorkerToPrimary } from './ipc-messages.js';
import { IpcSharedLimits } from './ipc-shared-limits.js';
import { IpcGovernanceStore } from './ipc-governance-store.js';
import { startGovernanceStore } from '../governance/start-governance-store.js';
import { startWorkerMeterProvider } from './worker-meter-provider.js';

export interface WorkerOptions {
  loaded: LoadedConfig;
  args: CliArgs;
  registry: PluginRegistry;
  logger: KernelLogger;
}

function sendToPrimary(message: WorkerToPrimary, done?: () => void): void {
  if (!process.connected) return done?.();
  process.send!(message, undefined, undefined, () => done?.());
}

/**
 * One worker of a multi-worker gateway (issue #18, `server.workers`): the same app as a single
 * process, on the port the workers share (node:cluster), except that its journal lines, metric
 * snapshots and backend slots go through the primary (or Redis, with `state.redis`), and that
 * reloads and shutdown come from the primary: a worker ignores SIGHUP and watches no file.
 */
export async function runWorker(options: WorkerOptions): Promise<void> {
  const { loaded, args, registry } = options;
  const logger = options.logger;
  const meter = startWorkerMeterProvider();
  const limits = new IpcSharedLimits((m) => sendToPrimary(m));
  const shared = await startSharedState(loaded.config, logger, { required: false, fallback: limits });
  // Client-key counters live in the primary (or Redis, falling back to the primary's).
  const governanceIpc = new IpcGovernanceStore((m) => sendToPrimary(m));
  const governanceStore = await startGovernanceStore(loaded.config, logger, governanceIpc, { required: false });
  const app = await createGatewayApp({
    config: loaded.config,
    registry,
    logger,
    singleBackend: loaded.singleBackend,
    secrets: loaded.secrets,
    installSecret: process.env.SWITCHYARD_INSTALL_SECRET,
    governanceStore,
    ...(loaded.config.journal.enabled ? { journalSink: new IpcJournalSink(sendToPrimary) } : {}),
  });
  const balancer = app.get(GatewayPipeline).balancer;
  if (shared) shared.attach(app);
  else balancer.shareWith(limits);

  const reloader = startOperations({
    app,
    loaded,
    args: { ...args, watch: false },
    env: process.env,
    registry,
    logger,
    flushTelemetry: async () => {
      await shared?.close();
      await meter.shutdown();
    },
  });
  // The primary reloads every worker at once; a SIGHUP sent to the whole group changes nothing here.
  process.removeAllListeners('SIGHUP');
  process.on('SIGHUP', () => undefined);
  let signalled = false;
  process.once('SIGTERM', () => void (signalled = true));
  process.once('SIGINT', () => void (signalled = true));

  process.on('message', (message: unknown) => {
    if (!isSwitchyardMessage(message)) return;
    const m = message as PrimaryToWorker;
    if (limits.handle(m)) return;
    if (governanceIpc.handle(m)) return;
    switch (m.sy) {
      case 'cooldown':
        balancer.noteCooldown({ backendId: m.backendId, realModel: m.realModel }, m.untilMs);
        break;
      case 'collect':
        void meter.snapshot().then(
          (snapshot) => sendToPrimary({ sy: 'metrics', id: m.id, snapshot }),
          () => sendToPrimary({ sy: 'metrics', id: m.id, snapshot: [] }),
        );
        break;
      case 'reload':
        void reloader.reload(m.trigger).then((outcome) => sendToPrimary({ sy: 'reloaded', id: m.id, ...outcome }));
        break;
      case 'shutdown':
        // The same drain as SIGTERM; when the signal itself already reached this worker, nothing more.
        if (!signalled) process.emit('SIGTERM');
        break;
    }
  });
  await listenGateway(app, loaded.config.server.host, loaded.config.server.port);
}
