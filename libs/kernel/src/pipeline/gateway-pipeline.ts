import type { Readable } from 'node:stream';
import { GatewayError, isGatewayError } from '../errors/gateway-error.js';
import { encodeErrorEvent } from '../errors/encode-error-envelope.js';
import type { KernelLogger } from '../logger.js';
import type { UpstreamReply } from '../plugin/provider-plugin.js';
import type { StreamErrorEvent, WireProtocol } from '../plugin/protocol-codec.js';
import { errorDialect, type Protocol } from '../protocol.js';
import { ObservedStream, type ChunkRewriter } from '../stream/observed-stream.js';
import { createStreamErrorWatcher } from '../stream/watch-stream-errors.js';
import { passthroughFailureFor } from '../stream/passthrough-failure.js';
import { createModelRewriter, rewriteModelInBody } from '../stream/rewrite-model-field.js';
import { chainRewriters, createUsageChunkStripper } from '../stream/strip-usage-chunk.js';
import { requestStreamUsage } from './request-stream-usage.js';
import { requestsStream } from './requests-stream.js';
import { checkJsonReply } from '../upstream/check-json-reply.js';
import { filterReplyHeaders } from '../upstream/header-policy.js';
import { mapTransportError, mapUpstreamHttpError } from '../upstream/map-upstream-failure.js';
import { collectBody, readBody } from '../upstream/upstream-client.js';
import { destroyWhenIdle } from '../stream/destroy-when-idle.js';
import { CLIENT_CLOSED_REQUEST, Exchange, type ExchangeObserver } from './exchange.js';
import type { GatewayReply, GatewayRequest, RequestPipeline } from './gateway-request.js';
import type { GatewayRuntime, RuntimeBackend } from './gateway-runtime.js';
import { shapeUpstreamBody } from './shape-upstream-body.js';
import { codecContext, Translation } from './translation.js';
import { adaptThinkingDialect } from './adapt-thinking-dialect.js';
import { decisionForTranslation, shapeTranslatedThinking } from './shape-translated-thinking.js';
import { applyNativeProfileKeys } from '../profile/apply-native-profile-keys.js';
import { nextTraceparent } from './trace-context.js';
import { thinkingDialectOf, type BackendConfig } from '../config/schema/backend-config.js';
import type { RouteDecision, RouteTarget } from '../router/model-router.js';
import { retryAfterMs, TargetBalancer, type BackendDownCheck, type ConcurrencyLimits } from './target-balancer.js';

const ENDPOINT_NAMES: Record<Protocol, string> = {
  'openai.chat': '/v1/chat/completions',
  'openai.completions': '/v1/completions',
  'openai.embeddings': '/v1/embeddings',
  'openai.responses': '/v1/responses',
  'anthropic.messages': '/v1/messages',
};

const DEFAULT_RETRY_DEADLINE_MS = 60_000;

/** An upstream reply that will be forwarded (the attempt that won). */
interface Sent {
  reply: UpstreamReply;
  backend: RuntimeBackend;
  translation: Translation | null;
}

function concurrencyLimits(b: BackendConfig): ConcurrencyLimits {
  return { maxConcurrency: b.max_concurrency ?? 0, maxQueue: b.max_queue ?? 100, queueTimeoutMs: (b.queue_timeout_seconds ?? 30) * 1000 };
}

const round1 = (ms: number): number => Math.round(ms * 10) / 10;

/** A request in flight that the gateway can end early (shutdown grace expired). */
interface Interruptible {
  interrupt(error: GatewayError): void;
}

/** Where the pipeline reads its current runtime; a reload swaps what it returns. */
export interface RuntimeSource {
  current(): GatewayRuntime;
}

/**
 * Routing, profiles and the adapter call for one request, independent of HTTP: controllers call
 * `handle` and write the reply; an embedding program can call it directly.
 */
export class GatewayPipeline implements RequestPipeline {
  private readonly observers: ExchangeObserver[] = [];
  /** Load, queues and cooldowns of backends and targets (issue #10), shared by all requests and kept across reloads. */
  readonly balancer = new TargetBalancer();
  /** An observer records bodies (journal include_bodies): set `exchange.requestBody`. */
  private wantBodies = false;
  /** Requests in flight, each with how to end it now (see interruptAll). */
  private readonly open = new Set<Interruptible>();

  constructor(
    private readonly runtimes: RuntimeSource,
    private readonly logger: KernelLogger,
  ) {}

  /** Backends the monitor marks down are skipped while another target is up. */
  useHealth(isDown: BackendDownCheck): void {
    this.balancer.useHealth(isDown);
  }

  addObserver(observer: ExchangeObserver): void {
    this.observers.push(observer);
    if (observer.wantsBodies) this.wantBodies = true;
  }

  /** Requests in flight (from the pipeline taking them until their response ended). */
  get inFlight(): number {
    return this.open.size;
  }

  /**
   * Ends every request in flight with `error` (shutdown after its grace period): a stream gets a
   * final error event in its client's protocol, then ends; a request still waiting for the
   * upstream fails with `error` as its response. Returns how many were interrupted.
   */
  interruptAll(error: GatewayError): number {
    const open = [...this.open];
    for (const entry of open) entry.interrupt(error);
    return open.length;
  }

  async handle(req: GatewayRequest): Promise<GatewayReply> {
    const runtime = this.runtimes.current();
    // The runtime this request started on stays in use (and open) until the request ends.
    runtime.retain();
    // One signal for the upstream: the client going away or the gateway ending the request
    // (shutdown, retry deadline). A listener, not AbortSignal.any: that costs several µs per request.
    const cut = new AbortController();
    const signal = cut.signal;
    const clientGone = (): void => cut.abort(req.signal.reason);
    if (req.signal.aborted) clientGone();
    else req.signal.addEventListener('abort', clientGone, { once: true });
    const entry: Interruptible = { interrupt: (error) => cut.abort(error) };
    const model = req.body.model;
    const stream = requestsStream(runtime.registry.codec(req.protocol), req.body, req.operation);
    const exchange = new Exchange(
      req.requestId,
      req.protocol,
      stream,
      typeof model === 'string' ? model : '',
      req.rawBody?.length ?? 0,
      req.clientKeyId ?? null,
    );
    this.open.add(entry);
    void exchange.done.then(() => {
      req.signal.removeEventListener('abort', clientGone);
      this.open.delete(entry);
      runtime.release();
    });
    if (this.wantBodies) exchange.requestBody = req.body;
    for (const o of this.observers) o.observe(exchange);
    try {
      if (typeof model !== 'string' || model.length === 0) {
        throw GatewayError.invalidRequest('model: required, a non-empty string naming the model', 'model');
      }
      // The ingress's own field checks (its plugin's codec), before routing: 400 before 404.
      runtime.registry.codec(req.protocol)?.validateRequest?.(req.body, req.operation);
      const decision = runtime.router.route(model, { protocol: req.protocol, body: req.body });
      exchange.decision = decision;
      const targets: RouteTarget[] = decision.targets ?? [
        { backendId: decision.backendId, realModel: decision.realModel, profile: decision.profile, weight: 1 },
      ];
      const order = this.balancer.order(decision.virtualModel ?? decision.clientModel, targets, decision.strategy ?? 'failover');
      const deadline = exchange.startedAt + (decision.retryDeadlineMs ?? DEFAULT_RETRY_DEADLINE_MS);
      const logger = req.logger ?? this.logger;
      // With several targets, the whole search for a reply (queue waits and attempts still waiting
      // for their first byte included) ends at the route's deadline: 504, never a stream cut short.
      const deadlineTimer =
        order.length > 1
          ? setTimeout(
              () =>
                cut.abort(
                  GatewayError.gatewayTimeout(
                    `no target of ${decision.clientModel} answered within the route's retry deadline (${Math.round(deadline - exchange.startedAt) / 1000} s)`,
                  ),
                ),
              Math.max(0, deadline - performance.now()),
            )
          : null;
      let sent: Sent | null = null;
      try {
        for (let i = 0; sent === null; i++) {
          const target = order[i]!;
          decision.backendId = target.backendId;
          decision.realModel = target.realModel;
          decision.profile = target.profile;
          const attemptStart = performance.now();
          let release: (() => void) | null = null;
          let upstreamStatus: number | null = null;
          let retryAfter: string | string[] | undefined;
          try {
            const backend = runtime.backends.get(target.backendId);
            if (!backend?.adapter || !backend.plugin) {
              throw new GatewayError({
                status: 501,
                kind: 'unavailable',
                message: `backend ${target.backendId} (type ${backend?.config.type ?? 'unknown'}) has no provider plugin in this build`,
                code: 'backend_unavailable',
              });
            }
            release = await this.balancer.acquire(backend.config.id, concurrencyLimits(backend.config), signal);
            exchange.upstreamStatus = null;
            exchange.upstreamRequestId = null;
            const attempt = this.prepare(req, exchange, decision, backend, runtime, model, stream, logger);
            exchange.upstreamSentAt = performance.now();
            const reply = await backend.adapter
              .send({
                protocol: attempt.wire,
                body: attempt.body,
                rawBody: attempt.changed ? undefined : req.rawBody,
                model: decision.realModel,
                stream,
                clientHeaders: req.headers,
                query: req.query,
                operation: req.operation,
                requestId: req.requestId,
                traceparent: nextTraceparent(req.headers['traceparent']),
                signal,
              })
              .catch((err: unknown) => {
                // A plugin's send() that rejects is the backend failing (502/504), not the gateway (500).
                throw signal.aborted || isGatewayError(err) ? err : mapTransportError(err, backend.config.id);
              });
            exchange.upstreamHeadersAt = performance.now();
            exchange.upstreamStatus = upstreamStatus = reply.status;
            const upstreamId = reply.headers['x-request-id'] ?? reply.headers['request-id'];
            if (typeof upstreamId === 'string') exchange.upstreamRequestId = upstreamId;
            if (reply.status >= 400) {
              retryAfter = reply.headers['retry-after'];
              throw await this.upstreamError(reply, backend, runtime, req.protocol, attempt.wire);
            }
            exchange.attempts.push({
              backend: target.backendId,
              real_model: target.realModel,
              status: reply.status,
              ms: round1(performance.now() - attemptStart),
            });
            const held = release;
            release = null;
            void exchange.done.then(held);
            sent = { reply, backend, translation: attempt.translation };
          } catch (err) {
            release?.();
            const error =
              cut.signal.aborted && !req.signal.aborted && isGatewayError(cut.signal.reason)
                ? cut.signal.reason
                : this.toGatewayError(err, req, runtime.backends.get(target.backendId));
            exchange.attempts.push(
              upstreamStatus !== null
                ? {
                    backend: target.backendId,
                    real_model: target.realModel,
                    status: upstreamStatus,
                    ms: round1(performance.now() - attemptStart),
                  }
                : {
                    backend: target.backendId,
                    real_model: target.realModel,
                    error: error.message,
                    ms: round1(performance.now() - attemptStart),
                  },
            );
            const cooldown =
              upstreamStatus === 429 || upstreamStatus === 503 ? retryAfterMs(retryAfter ?? error.headers['retry-after']) : null;
            if (cooldown !== null) this.balancer.coolDown(target, cooldown);
            const retryable =
              upstreamStatus !== null
                ? upstreamStatus >= 500 || upstreamStatus === 429
                : error.status >= 500 && error.status !== CLIENT_CLOSED_REQUEST;
            if (signal.aborted || !retryable || i + 1 >= order.length || performance.now() >= deadline) throw error;
            logger.warn(
              withRequestId(req, {
                backend: target.backendId,
                realModel: target.realModel,
                status: upstreamStatus ?? error.status,
                err: error.message,
              }),
              `attempt on backend ${target.backendId} failed; trying the next target`,
            );
          }
        }
      } finally {
        if (deadlineTimer) clearTimeout(deadlineTimer);
      }
      return await this.forward(
        sent.reply,
        exchange,
        req,
        decision.realModel,
        decision.clientModel,
        sent.backend,
        sent.translation,
        entry,
        runtime,
      );
    } catch (err) {
      const error =
        cut.signal.aborted && !req.signal.aborted && isGatewayError(cut.signal.reason)
          ? cut.signal.reason
          : this.toGatewayError(err, req, runtime.backends.get(exchange.decision?.backendId ?? ''));
      exchange.end(req.signal.aborted ? CLIENT_CLOSED_REQUEST : error.status, error, 0, req.signal.aborted);
      throw error;
    }
  }

  /** Wire protocol, translation and the body for one target (SPEC §2 profile, §3 translation). */
  private prepare(
    req: GatewayRequest,
    exchange: Exchange,
    decision: RouteDecision,
    backend: RuntimeBackend,
    runtime: GatewayRuntime,
    model: string,
    stream: boolean,
    logger: KernelLogger,
  ): { wire: WireProtocol; translation: Translation | null; body: Record<string, unknown>; changed: boolean } {
    const adapter = backend.adapter!;
    exchange.backendType = backend.config.type;
    const wire = adapter.wireProtocolFor(req.protocol, decision.realModel);
    if (
      req.operation !== undefined &&
      wire !== req.protocol &&
      !(wire && adapter.translatesOperation?.(req.operation, wire, decision.realModel))
    ) {
      throw GatewayError.unsupportedOperation(
        `${req.operation} is not available for backend ${backend.config.id} (type ${backend.config.type}): it does not speak ${req.protocol} natively`,
      );
    }
    if (wire === null) {
      throw GatewayError.unsupportedOperation(
        `backend ${backend.config.id} (type ${backend.config.type}) cannot serve ${ENDPOINT_NAMES[req.protocol]}`,
      );
    }
    exchange.upstreamProtocol = wire;
    const translation =
      wire === req.protocol
        ? null
        : Translation.between(
            runtime.registry,
            req.protocol,
            wire,
            codecContext(model, req.requestId, logger, req.logger !== undefined),
            (t) => runtime.redactor.redact(t),
          );
    // Translated requests: the profile's thinking keys are applied to the decoded IR (below), the rest in the
    // ingress's vocabulary.
    const shaped = shapeUpstreamBody(
      req.body,
      translation ? decisionForTranslation(decision) : decision,
      backend.config,
      req.protocol,
      logger,
      translation ? 'reasoning_effort' : undefined,
    );
    exchange.profileApplied = shaped.applied;
    let upstreamBody = shaped.body;
    if (translation) {
      upstreamBody = translation.request(shaped.body, decision.realModel, stream, (ir) => {
        exchange.profileApplied = shapeTranslatedThinking(ir, decision, req.body, shaped.applied);
      });
      const droppedTools = translation.ctx.droppedTools;
      if (droppedTools?.length) {
        logger.warn(
          withRequestId(req, { backend: backend.config.id, tools: droppedTools }),
          `tools dropped from the request: backend ${backend.config.id} cannot run ${droppedTools.join(', ')}`,
        );
      }
      adaptThinkingDialect(upstreamBody, wire, thinkingDialectOf(backend.config));
      applyNativeProfileKeys(upstreamBody, decision.profile);
    }
    let changed = translation !== null || shaped.changed;
    exchange.usageInjected = false;
    if (stream && backend.plugin!.streamUsageOption) {
      const withUsage = requestStreamUsage(upstreamBody, wire);
      if (withUsage) {
        upstreamBody = withUsage;
        changed = true;
        // On passthrough the extra usage chunk is stripped; a translating encoder decides what the client sees.
        exchange.usageInjected = translation === null;
      }
    }
    return { wire, translation, body: upstreamBody, changed };
  }

  private toGatewayError(err: unknown, req: GatewayRequest, backend: RuntimeBackend | undefined): GatewayError {
    if (isGatewayError(err)) return err;
    if (req.signal.aborted) {
      return new GatewayError({ status: CLIENT_CLOSED_REQUEST, kind: 'invalid_request', message: 'client closed the request' });
    }
    if (backend && (err as { code?: string })?.code) return mapTransportError(err, backend.config.id);
    (req.logger ?? this.logger).error(withRequestId(req, { err }), 'unexpected error in the request pipeline');
    return GatewayError.internal();
  }

  private async upstreamError(
    reply: UpstreamReply,
    backend: RuntimeBackend,
    runtime: GatewayRuntime,
    ingress: Protocol,
    wire: string,
  ): Promise<GatewayError> {
    const reading = readBody(reply.body, 64 * 1024).catch(() => '');
    destroyWhenIdle(reply.body, backend.config.timeout_seconds * 1000, () => idleTimeout(backend));
    const text = await reading;
    const sameDialect =
      errorDialect(ingress) === (wire === 'anthropic.messages' ? 'anthropic' : wire.startsWith('openai.') ? 'openai' : 'other');
    // The backend's own error shape first (a cloud hosting another protocol), then its wire protocol's.
    const decoders = [backend.adapter?.decodeError?.bind(backend.adapter), runtime.registry.codec(wire)?.decodeError];
    return mapUpstreamHttpError(reply.status, text, reply.headers, backend.config.id, runtime.redactor, sameDialect, decoders);
  }

  private async forward(
    reply: UpstreamReply,
    exchange: Exchange,
    req: GatewayRequest,
    realModel: string,
    clientModel: string,
    backend: RuntimeBackend,
    translation: Translation | null,
    entry: Interruptible,
    runtime: GatewayRuntime,
  ): Promise<GatewayReply> {
    const contentType = reply.headers['content-type'];
    // The request decides (issue #16 item 1): a stream whose upstream labels it otherwise is still a stream.
    const sse = exchange.stream;
    const headers = filterReplyHeaders(reply.headers, sse);
    runtime.redactor.redactHeaders(headers);
    headers['x-switchyard-real-model'] = realModel;
    const droppedTools = translation?.ctx.droppedTools;
    if (droppedTools?.length) headers['x-switchyard-dropped-tools'] = [...new Set(droppedTools)].join(', ');
    if (!sse) {
      const collecting = collectBody(reply.body);
      destroyWhenIdle(reply.body, backend.config.timeout_seconds * 1000, () => idleTimeout(backend));
      const raw = await collecting;
      const bodyDoneAt = performance.now();
      // A translated reply is parsed by its decoder; a passed-through one is checked to be what it claims.
      if (!translation && reply.status !== 204) checkJsonReply(raw, contentType, backend.config.id);
      // An operation on a translated lane is answered by the adapter in the ingress's shape already.
      const body = !translation
        ? rewriteModelInBody(raw, realModel, clientModel)
        : req.operation === undefined
          ? translation.response(raw)
          : raw;
      if (translation) headers['content-type'] = 'application/json';
      exchange.responseBody = body;
      exchange.overheadMs = exchange.upstreamSentAt! - exchange.startedAt + (performance.now() - bodyDoneAt);
      headers['x-switchyard-overhead-ms'] = exchange.overheadMs.toFixed(3);
      exchange.end(reply.status, null, body.length);
      return { status: reply.status, headers, body, stream: false, exchange };
    }
    // The first error the stream carries to the client is what the request ends with (journal, metrics).
    const onStreamError = (e: StreamErrorEvent): void => {
      exchange.streamError ??= GatewayError.upstreamStreamError(backend.config.id, e.message);
    };
    const out = new ObservedStream(
      translation
        ? undefined
        : chainRewriters(
            createModelRewriter(realModel, clientModel),
            exchange.usageInjected ? createUsageChunkStripper() : undefined,
            watchPassthroughErrors(runtime, req.protocol, onStreamError),
          ),
    );
    if (translation || !isEventStream(contentType)) headers['content-type'] = 'text/event-stream; charset=utf-8';
    exchange.overheadMs = exchange.upstreamSentAt! - exchange.startedAt + (performance.now() - exchange.upstreamHeadersAt!);
    exchange.startStream(out.chunks$);
    const dialect = errorDialect(req.protocol);
    const translating = translation ? translation.stream((u) => (exchange.upstreamUsage = u), onStreamError) : null;
    const source: Readable = translating ? reply.body.pipe(translating) : reply.body;
    // Passthrough Responses streams end in the protocol's own failure events (they need the upstream's response id).
    const passthroughFailure = translating ? null : passthroughFailureFor(req.protocol, { clientModel });
    if (passthroughFailure) out.chunks$.subscribe((chunk) => passthroughFailure.observe(chunk));
    /** The stream's last words after a failure: the client protocol's error event(s), on an event boundary. */
    const finalEvent = (error: GatewayError): string | null => {
      const boundary = out.atEventBoundary ? '' : '\n\n';
      const encoded = translating?.failureEvent(error);
      if (encoded) return boundary + encoded;
      if (!passthroughFailure) return boundary + encodeErrorEvent(dialect, error);
      const events = passthroughFailure.failureEvent(error);
      return events ? boundary + events : null;
    };
    // A failure after the stream started ends it with an error event in the client's protocol.
    const fail = (error: GatewayError): void => {
      if (req.signal.aborted || out.destroyed || exchange.isEnded) return;
      (req.logger ?? this.logger).warn(
        withRequestId(req, { backend: backend.config.id, err: error.message }),
        'stream failed after it started',
      );
      out.finishWith(finalEvent(error));
      exchange.end(error.status, error, out.bytesOut);
    };
    // Shutdown: the stream ends now with an error event (on an event boundary), and the upstream request is dropped.
    entry.interrupt = (error: GatewayError): void => {
      if (req.signal.aborted || out.destroyed || exchange.isEnded) return;
      out.finishWith(finalEvent(error));
      exchange.end(error.status, error, out.bytesOut);
      reply.body.destroy();
    };
    reply.body.on('error', (err: Error) => fail(mapTransportError(err, backend.config.id)));
    if (source !== reply.body) {
      source.on('error', (err: Error) =>
        fail(
          isGatewayError(err)
            ? err
            : GatewayError.badGateway(`backend ${backend.config.id} sent a stream that could not be translated: ${err.message}`),
        ),
      );
    }
    out.on('end', () => {
      const error = exchange.streamError;
      if (error) {
        (req.logger ?? this.logger).warn(
          withRequestId(req, { backend: backend.config.id, err: error.message }),
          'the upstream stream carried an error',
        );
      }
      exchange.end(error ? error.status : reply.status, error, out.bytesOut);
    });
    out.on('close', () => {
      if (!exchange.isEnded) {
        reply.body.destroy();
        exchange.end(CLIENT_CLOSED_REQUEST, null, out.bytesOut, true);
      }
    });
    out.attach(source);
    destroyWhenIdle(reply.body, backend.config.timeout_seconds * 1000, () => idleTimeout(backend));
    return { status: reply.status, headers, body: out, stream: true, exchange };
  }
}

/** The rewriter that records and redacts a passthrough stream's own error events, when its protocol's codec can read them. */
function watchPassthroughErrors(
  runtime: GatewayRuntime,
  protocol: Protocol,
  onError: (e: StreamErrorEvent) => void,
): ChunkRewriter | undefined {
  const codec = runtime.registry.codec(protocol);
  const read = codec?.readStreamError;
  if (!read) return undefined;
  const redactor = runtime.redactor;
  return createStreamErrorWatcher({ read: (e) => read.call(codec, e), redact: (t) => redactor.redact(t), onError });
}

/** The kernel's idle limit on a reply body (destroyWhenIdle), worded as the upstream client's. */
function idleTimeout(backend: RuntimeBackend): GatewayError {
  return GatewayError.gatewayTimeout(`backend ${backend.config.id} timed out waiting for the next byte`);
}

/** Whether an upstream labelled its reply as server-sent events (its own label is kept then). */
function isEventStream(contentType: string | string[] | undefined): boolean {
  return typeof contentType === 'string' && contentType.trimStart().toLowerCase().startsWith('text/event-stream');
}

/** Log fields with the request id, unless the request's own logger already binds it. */
function withRequestId(req: GatewayRequest, fields: Record<string, unknown>): Record<string, unknown> {
  return req.logger ? fields : { requestId: req.requestId, ...fields };
}
