import { GatewayError, isGatewayError } from '@switchyard/plugin-sdk';
import type { KernelLogger } from '@switchyard/plugin-sdk';
import type { RouteDecision } from '../router/model-router.js';
import { mapTransportError } from '@switchyard/plugin-sdk';
import { armRetryDeadline, concurrencyLimits, cooldownAfter, planAttempts, tryNextTarget, type FailedAttempt } from './attempt-policy.js';
import type { Exchange } from './exchange.js';
import type { SentReply } from './forward-reply.js';
import type { GatewayRequest } from './gateway-request.js';
import type { GatewayRuntime } from './gateway-runtime.js';
import { prepareUpstreamCall } from './prepare-upstream-call.js';
import { readUpstreamError } from './read-upstream-error.js';
import type { TargetBalancer } from './target-balancer.js';
import { failureOf } from './to-gateway-error.js';
import { nextTraceparent } from './trace-context.js';
import { withRequestId } from './with-request-id.js';

/** One routed request, for the attempts that try to get it a reply. */
export interface AttemptRun {
  req: GatewayRequest;
  exchange: Exchange;
  decision: RouteDecision;
  runtime: GatewayRuntime;
  balancer: TargetBalancer;
  model: string;
  stream: boolean;
  /** The request's logger (its own, else the pipeline's). */
  logger: KernelLogger;
  /** The pipeline's logger (unexpected errors). */
  pipelineLogger: KernelLogger;
  /** Aborts the upstream call: the client gone, a shutdown, the retry deadline. */
  cut: AbortController;
}

const round1 = (ms: number): number => Math.round(ms * 10) / 10;

/**
 * Forwarding's input: the first upstream reply with a success status, trying the route's targets
 * as the attempt policy (attempt-policy.ts) says: each attempt takes a slot of its backend
 * (max_concurrency), is shaped for it (prepare-upstream-call.ts) and sent; a failure is recorded
 * (exchange.attempts), may cool the target down, and is either the request's error or a reason to
 * try the next target. `decision` names the target of the current attempt. Throws the last error.
 */
export async function sendToTargets(run: AttemptRun): Promise<SentReply> {
  const { req, exchange, decision, runtime, balancer, logger, cut } = run;
  const signal = cut.signal;
  const plan = planAttempts(balancer, decision, exchange.startedAt);
  const deadlineTimer = armRetryDeadline(plan, decision, exchange.startedAt, cut);
  try {
    for (let i = 0; ; i++) {
      const target = plan.order[i]!;
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
        release = await balancer.acquire(backend.config.id, concurrencyLimits(backend.config), signal);
        exchange.upstreamStatus = null;
        exchange.upstreamRequestId = null;
        const attempt = prepareUpstreamCall(req, exchange, decision, backend, runtime, run.model, run.stream, logger);
        exchange.upstreamSentAt = performance.now();
        const reply = await backend.adapter
          .send({
            protocol: attempt.wire,
            body: attempt.body,
            rawBody: attempt.changed ? undefined : req.rawBody,
            model: decision.realModel,
            stream: run.stream,
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
          throw await readUpstreamError(reply, backend, runtime, req.protocol, attempt.wire);
        }
        exchange.attempts.push({
          backend: target.backendId,
          real_model: target.realModel,
          status: reply.status,
          ms: round1(performance.now() - attemptStart),
        });
        // The backend's slot is held until the response has ended.
        const held = release;
        release = null;
        void exchange.done.then(held);
        return { reply, backend, translation: attempt.translation };
      } catch (err) {
        release?.();
        const error = failureOf(err, req, signal, runtime.backends.get(target.backendId), run.pipelineLogger);
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
        const failed: FailedAttempt = { upstreamStatus, retryAfter, error };
        const cooldown = cooldownAfter(failed);
        if (cooldown !== null) balancer.coolDown(target, cooldown);
        if (!tryNextTarget(failed, i, plan, signal)) throw error;
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
}
