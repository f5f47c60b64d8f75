import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GatewayError, GatewayPipeline, type KernelLogger } from '@switchyard/kernel';
import { LifecycleState } from '../lifecycle-state.js';

export interface GracefulShutdownOptions {
  app: NestFastifyApplication;
  logger: KernelLogger;
  /** `server.shutdown_grace_seconds` of the configuration in effect (a reload may change it). */
  graceSeconds: () => number;
  /** Runs once the HTTP server is closed and every shutdown hook has run (metrics flush). */
  flush: () => Promise<void>;
  /** Called at the first signal (stop watching the config file…). */
  onStopping?: () => void;
  /** Ends the process (tests replace it). */
  exit?: (code: number) => void;
}

/**
 * How long new connections may still be accepted after readiness turned 503, so load balancers
 * stop sending first: a fifth of the grace period, at most 5 s, ended early once no new
 * connection has arrived for a second (the balancers have noticed, or there are none).
 */
export function acceptDelayMs(graceMs: number): { maxMs: number; quietMs: number } {
  const maxMs = Math.min(5_000, graceMs / 5);
  return { maxMs, quietMs: Math.min(1_000, maxMs) };
}

/**
 * SIGTERM / SIGINT, SPEC §6. At once: `/readyz` answers 503. After a short delay (see
 * acceptDelayMs): the listener closes, so new connections are refused, and connections with
 * nothing in flight are closed. In-flight requests and streams go on until
 * `shutdown_grace_seconds` after the signal; those still running then end with an error in their
 * own protocol (a final SSE error event for streams, a 503 for requests without a response yet).
 * Then the shutdown hooks run (journal flushed, connection pools closed), metrics are flushed,
 * and the process exits 0. A second signal skips what is left of the grace period.
 */
export function installGracefulShutdown(options: GracefulShutdownOptions): void {
  const { app, logger } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const lifecycle = app.get(LifecycleState);
  const pipeline = app.get(GatewayPipeline);
  let stopping = false;
  let interruptNow: (() => void) | null = null;

  const stop = (signal: string): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: ending the requests still in flight now');
      interruptNow?.();
      return;
    }
    stopping = true;
    lifecycle.shuttingDown = true;
    options.onStopping?.();
    const graceMs = Math.max(0, options.graceSeconds() * 1000);
    const delay = acceptDelayMs(graceMs);
    const signalAt = Date.now();
    let lastConnectionAt = signalAt;
    const server = app.getHttpServer();
    const onConnection = (): void => void (lastConnectionAt = Date.now());
    server.on('connection', onConnection);
    server.on('secureConnection', onConnection);
    logger.info(
      { signal, graceSeconds: graceMs / 1000, inFlight: pipeline.inFlight },
      'shutting down: readiness fails now, new connections are refused shortly, in-flight requests may finish',
    );

    let interrupted = false;
    interruptNow = () => {
      if (interrupted) return;
      interrupted = true;
      const count = pipeline.interruptAll(GatewayError.unavailable('the gateway is shutting down'));
      if (count > 0) logger.warn({ interrupted: count }, 'shutdown grace period over: requests still in flight end with an error');
    };
    const grace = setTimeout(interruptNow, graceMs);
    // Last resort if something hangs (a client that never reads its error event…).
    const backstop = setTimeout(() => {
      logger.error({ inFlight: lifecycle.inFlight }, 'shutdown did not complete 10 s after the grace period; exiting');
      exit(0);
    }, graceMs + 10_000);
    backstop.unref();

    const close = (): void => {
      server.off('connection', onConnection);
      server.off('secureConnection', onConnection);
      // Once nothing is in flight every remaining (keep-alive) connection is closed, whatever the
      // client does with it, so close() never waits out the grace period for nothing.
      let ticks = 0;
      const drain = setInterval(() => {
        if (lifecycle.inFlight === 0) server.closeAllConnections();
        else if (++ticks % 20 === 0) logger.info({ inFlight: lifecycle.inFlight }, 'waiting for in-flight requests to finish');
      }, 50);
      drain.unref();
      void app
        .close()
        .then(() => {
          clearTimeout(grace);
          clearInterval(drain);
          return options.flush();
        })
        .then(
          () => {
            logger.info('stopped');
            exit(0);
          },
          (err: unknown) => {
            logger.error({ err }, 'error while shutting down');
            exit(1);
          },
        );
    };
    const waitForQuiet = setInterval(
      () => {
        const now = Date.now();
        if (now - signalAt >= delay.maxMs || now - lastConnectionAt >= delay.quietMs) {
          clearInterval(waitForQuiet);
          close();
        }
      },
      Math.min(50, Math.max(1, delay.quietMs)),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
