import { GatewayError } from '@switchyard/plugin-sdk';
import type { LimitState } from '@switchyard/plugin-sdk';
import type { KeyPolicy } from './compile-key-policies.js';

const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** 403: the key's `models` do not include what the client asked for. */
export function modelNotAllowed(policy: KeyPolicy, model: string): GatewayError {
  return new GatewayError({
    status: 403,
    kind: 'permission',
    code: 'model_not_allowed',
    param: 'model',
    message: `client key ${policy.name} may not use model '${model}' (it may use: ${policy.models?.join(', ') ?? 'every model'})`,
  });
}

/** 403: a key with a USD budget asked for a model without a price (its spend could not be counted). */
export function unpricedModel(policy: KeyPolicy, model: string, realModel: string): GatewayError {
  return new GatewayError({
    status: 403,
    kind: 'permission',
    code: 'model_not_priced',
    param: 'model',
    message: `client key ${policy.name} has a USD budget and model '${model}' (${realModel} upstream) has no price, so its spend cannot be counted; add ${realModel} to pricing or a price to the route`,
  });
}

function reason(policy: KeyPolicy, refused: LimitState, period: string | undefined, reservedTokens: number): string {
  switch (refused.limit) {
    case 'rpm':
      return `client key ${policy.name} is over its rate limit of ${refused.max} requests per minute`;
    case 'tpm':
      return `client key ${policy.name} is over its rate limit of ${refused.max} tokens per minute (${Math.floor(refused.remaining)} left; this request reserves ${reservedTokens}: its estimated input plus its max output tokens)`;
    case 'max_concurrency':
      return `client key ${policy.name} already has ${refused.max} requests in flight (max_concurrency ${refused.max})`;
    case 'budget_tokens':
      return `client key ${policy.name} has spent its ${period} budget of ${refused.max} tokens (${Math.floor(refused.remaining)} left; this request reserves ${reservedTokens}); it resets at ${rfc3339(refused.resetAtMs)}`;
    case 'budget_usd':
      return `client key ${policy.name} has spent its ${period} budget of ${refused.max} USD (${refused.remaining.toFixed(4)} USD left); it resets at ${rfc3339(refused.resetAtMs)}`;
  }
}

/** 429 for a refused admission, with retry-after and the dialect's rate-limit headers. */
export function overLimit(
  policy: KeyPolicy,
  refused: LimitState,
  retryAfterSeconds: number,
  headers: Record<string, string>,
  reservedTokens: number,
): GatewayError {
  const budget = refused.limit === 'budget_tokens' || refused.limit === 'budget_usd';
  const retry = Math.max(1, Math.ceil(retryAfterSeconds));
  return new GatewayError({
    status: 429,
    kind: 'rate_limit',
    code: budget ? 'budget_exceeded' : 'rate_limit_exceeded',
    message: `${reason(policy, refused, policy.limits?.budget?.period, reservedTokens)}; retry after ${retry} s`,
    headers: { ...headers, 'retry-after': String(retry) },
  });
}
