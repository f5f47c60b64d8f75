import { Server as HttpsServer } from 'node:https';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import { GatewayPipeline, GovernanceGate, RuntimeHolder, type GovernanceStore, type KernelOptions } from '@switchyard/kernel';
import { AppModule } from './app.module.js';
import { reportedKeys } from './governance/build-usage-report.js';
import { registerAdminRoutes, type UsageSource } from './http/admin-usage-route.js';
import { answerFrameworkError, createClientErrorHandler } from './http/answer-client-error.js';
import { installCorsPreflight } from './http/answer-cors-preflight.js';
import { installHostCheck } from './http/answer-missing-host.js';
import { useErrorEnvelopes } from './http/error-dialect.js';
import { GatewayExceptionFilter } from './http/gateway-exception.filter.js';
import { InboundAuth } from './http/inbound-auth.js';
import { installHttpHooks } from './http/install-http-hooks.js';
import { lazyChildLogger } from './http/lazy-request-logger.js';
import { registerModelRoutes } from './http/model-routes.js';
import { requestIdFor } from './http/request-id.js';
import { NestLoggerBridge } from './nest-logger-bridge.js';
import { LifecycleState } from './lifecycle-state.js';
import { loadServerTls } from './ops/server-tls.js';

export interface GatewayAppOptions extends KernelOptions {
  /** Secret for naming clients by an HMAC of their key (journal `client_key_id`). */
  installSecret?: string;
  /** What `GET /admin/usage` reports from (issue #20); without it the report lists no usage. */
  governance?: () => UsageSource | null;
  /**
   * Where client-key counters live (issue #20): Redis, the primary over IPC, or this process's
   * store; without it, this process's store (createGovernanceStore).
   */
  governanceStore?: GovernanceStore;
}

/** Builds the Nest application on Fastify, initialised but not listening. */
export async function createGatewayApp(options: GatewayAppOptions): Promise<NestFastifyApplication> {
  const { config, logger } = options;
  const bodyLimit = Math.round(config.server.body_limit_mb * 1024 * 1024);
  const requestTimeouts = requestTimeoutOptions(config.server);
  const adapter = new FastifyAdapter({
    bodyLimit,
    genReqId: requestIdFor,
    requestIdHeader: false,
    // pino is Fastify's logger: every request gets a child logger bound to its request id.
    loggerInstance: logger as never,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    // Request loggers become pino children only when they write (lazy-request-logger.ts).
    childLoggerFactory: lazyChildLogger,
    // No Nest middleware anywhere: Fastify runs no middleware engine on each request.
    skipMiddie: true,
    keepAliveTimeout: 75_000,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Node's own per-request limits (server.request_timeout_seconds, headers_timeout_seconds):
    // they time the request only, never the response, unlike a connection-wide timeout.
    requestTimeout: requestTimeouts.requestTimeout,
    // A missing Host is answered by installHostCheck (answer-missing-host.ts), in the client's envelope.
    http: { ...requestTimeouts, requireHostHeader: false },
    // Errors Fastify meets before routing, in the client's envelope instead of Fastify's.
    clientErrorHandler: createClientErrorHandler(logger, options.registry),
    frameworkErrors: answerFrameworkError,
    // server.tls: HTTPS; a reload (SIGHUP) replaces the certificate with setSecureContext.
    ...(config.server.tls ? { https: { ...loadServerTls(config.server.tls).material, ...requestTimeouts, requireHostHeader: false } } : {}),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(options), adapter, {
    bodyParser: false,
    logger: new NestLoggerBridge(logger),
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  useErrorEnvelopes(fastify, options.registry);
  installHostCheck(fastify);
  const cors = config.server.cors.origins.length > 0;
  if (cors) installCorsPreflight(fastify);
  installHttpHooks(fastify, app.get(InboundAuth), logger, app.get(LifecycleState));
  registerModelRoutes(fastify, app.get(GatewayPipeline), logger, bodyLimit);
  const inbound = app.get(InboundAuth);
  registerAdminRoutes(fastify, {
    adminKeys: () => app.get(RuntimeHolder).current().config.server.admin_keys,
    isClientKey: (authorization, xApiKey) => inbound.check(authorization, xApiKey) !== null,
    usage:
      options.governance ??
      (() => {
        const gate = app.get(GovernanceGate);
        return { store: gate.store, keys: () => reportedKeys(app.get(RuntimeHolder).current().config, gate) };
      }),
    logger,
  });
  app.useGlobalFilters(new GatewayExceptionFilter(logger, bodyLimit));
  if (cors) {
    app.enableCors({
      origin: config.server.cors.origins,
      // Preflights are ended by installCorsPreflight (answer-cors-preflight.ts), in the client's envelope.
      strictPreflight: false,
      preflightContinue: true,
      exposedHeaders: ['x-request-id', 'x-switchyard-real-model', 'x-switchyard-dropped-tools'],
    });
  }
  await app.init();
  return app;
}

/**
 * Node's request-side time limits (options of http(s).createServer): a client must send its
 * headers within `headers_timeout_seconds` and its whole request within `request_timeout_seconds`,
 * else Node reports ERR_HTTP_REQUEST_TIMEOUT (answered 408 by the client-error handler). Node
 * checks them every `connectionsCheckingInterval` (30 s by default: far too coarse for a 10 s
 * limit), so the check runs at a quarter of the shorter limit, between 100 ms and 1 s.
 */
export function requestTimeoutOptions(server: { request_timeout_seconds: number; headers_timeout_seconds: number }): {
  requestTimeout: number;
  headersTimeout: number;
  connectionsCheckingInterval: number;
} {
  const requestTimeout = Math.round(server.request_timeout_seconds * 1000);
  const headersTimeout = Math.min(requestTimeout, Math.round(server.headers_timeout_seconds * 1000));
  return {
    requestTimeout,
    headersTimeout,
    connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.round(headersTimeout / 4))),
  };
}

/** Listens on the configured address; `0.0.0.0` listens dual-stack (IPv4 and IPv6) where the host has IPv6. */
export async function listenGateway(app: NestFastifyApplication, host: string, port: number): Promise<string> {
  if (host === '0.0.0.0') {
    try {
      await app.listen(port, '::');
      return `${schemeOf(app)}://0.0.0.0:${port}`;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL') throw err;
    }
  }
  await app.listen(port, host);
  const address = app.getHttpServer().address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return `${schemeOf(app)}://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
}

function schemeOf(app: NestFastifyApplication): 'http' | 'https' {
  return app.getHttpServer() instanceof HttpsServer ? 'https' : 'http';
}
