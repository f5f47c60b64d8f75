import type { BackendConfig } from '@switchyard/plugin-sdk';
import { GatewayError } from '@switchyard/plugin-sdk';
import type { RouteDecision, RouteTarget } from '../router/model-router.js';
import { CLIENT_CLOSED_REQUEST } from './exchange.js';
import { retryAfterMs, type ConcurrencyLimits, type TargetBalancer } from './target-balancer.js';

/**
 * The attempt policy of a request (SPEC §2 "Resilience", issue #10), in one place: which targets
 * are tried in which order, until when, whether a failed attempt is tried again on the next
 * target, and how long a target that said "busy" is left alone. The loop that applies it is
 * send-to-targets.ts; it decides nothing itself.
 */

/** The search for a reply ends this long after the request started unless the route sets `retry_deadline_seconds`. */
export const DEFAULT_RETRY_DEADLINE_MS = 60_000;

export interface AttemptPlan {
  /** The targets to try, in this order (at most once each). */
  order: RouteTarget[];
  /** performance.now() after which no attempt starts. */
  deadline: number;
}

/** What a failed attempt looked like, for the policy. */
export interface FailedAttempt {
  /** The upstream's status when it answered (an error status), null when it never did (connect, timeout, queue). */
  upstreamStatus: number | null;
  /** The upstream's `retry-after` header, when it answered with one. */
  retryAfter: string | string[] | undefined;
  /** The error the client gets if this is the last attempt. */
  error: GatewayError;
}

/**
 * The targets in the order the route's strategy picks them (failover: as listed; round_robin /
 * least_loaded: by weight and load; cooling-down and down backends last) and the deadline.
 */
export function planAttempts(balancer: TargetBalancer, decision: RouteDecision, startedAt: number): AttemptPlan {
  const targets: RouteTarget[] = decision.targets ?? [
    { backendId: decision.backendId, realModel: decision.realModel, profile: decision.profile, weight: 1 },
  ];
  const order = balancer.order(decision.virtualModel ?? decision.clientModel, targets, decision.strategy ?? 'failover');
  return { order, deadline: startedAt + (decision.retryDeadlineMs ?? DEFAULT_RETRY_DEADLINE_MS) };
}

/**
 * With several targets, the whole search for a reply (queue waits and attempts still waiting for
 * their first byte included) ends at the route's deadline: `cut` is aborted with a 504, never a
 * stream cut short. Null with one target (its own timeouts apply). Clear the timer when done.
 */
export function armRetryDeadline(
  plan: AttemptPlan,
  decision: RouteDecision,
  startedAt: number,
  cut: AbortController,
): ReturnType<typeof setTimeout> | null {
  if (plan.order.length <= 1) return null;
  return setTimeout(
    () =>
      cut.abort(
        GatewayError.gatewayTimeout(
          `no target of ${decision.clientModel} answered within the route's retry deadline (${Math.round(plan.deadline - startedAt) / 1000} s)`,
        ),
      ),
    Math.max(0, plan.deadline - performance.now()),
  );
}

/**
 * How long a target is skipped after a failure: only after 429 or 503, for the upstream's
 * `retry-after` (else the one on the gateway's own error); null: no cooldown.
 */
export function cooldownAfter(failed: FailedAttempt): number | null {
  const { upstreamStatus } = failed;
  return upstreamStatus === 429 || upstreamStatus === 503 ? retryAfterMs(failed.retryAfter ?? failed.error.headers['retry-after']) : null;
}

/**
 * Whether another target may serve the request: the upstream answered 5xx or 429, or it never
 * answered and the gateway's error is a 5xx (connect failure, timeout, a full queue) other than
 * the client having gone away. A 4xx is the request's fault and is the same everywhere.
 */
export function isRetryable(failed: FailedAttempt): boolean {
  const { upstreamStatus, error } = failed;
  return upstreamStatus !== null
    ? upstreamStatus >= 500 || upstreamStatus === 429
    : error.status >= 500 && error.status !== CLIENT_CLOSED_REQUEST;
}

/** Whether attempt `index` (0-based) failing this way moves on to the next target, rather than ending the request with its error. */
export function tryNextTarget(failed: FailedAttempt, index: number, plan: AttemptPlan, signal: AbortSignal): boolean {
  return !signal.aborted && isRetryable(failed) && index + 1 < plan.order.length && performance.now() < plan.deadline;
}

/** A backend's in-flight limit and queue (max_concurrency, max_queue, queue_timeout_seconds). */
export function concurrencyLimits(b: BackendConfig): ConcurrencyLimits {
  return { maxConcurrency: b.max_concurrency ?? 0, maxQueue: b.max_queue ?? 100, queueTimeoutMs: (b.queue_timeout_seconds ?? 30) * 1000 };
}
