import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Redis } from 'ioredis';
import { GatewayPipeline, TargetBalancer, type KernelLogger, type SwitchyardConfig } from '@switchyard/kernel';
import { connectRedis } from './connect-redis.js';
import { RedisSharedLimits, type FallbackLimits } from './redis-shared-limits.js';

export interface SharedState {
  /** Makes the app's limited backends take their slots (and share cooldowns) through Redis. */
  attach(app: NestFastifyApplication): RedisSharedLimits;
  close(): Promise<void>;
}

/**
 * `state.redis` (issue #18): connects to Redis before the gateway starts serving (see
 * connectRedis for what fails the start) and returns what attaches the shared limits to the app;
 * null without `state.redis`. `fallback` holds the limits while Redis is down: this process's
 * own (default), or the primary's for a worker of a multi-worker gateway.
 */
export async function startSharedState(
  config: SwitchyardConfig,
  logger: KernelLogger,
  options: { required: boolean; fallback?: FallbackLimits },
): Promise<SharedState | null> {
  const redis = config.state.redis;
  if (!redis) return null;
  const client: Redis = await connectRedis(redis, { required: options.required });
  // Subscriptions may wait for the connection (and ioredis renews them after a reconnect).
  const subscriber = client.duplicate({ enableOfflineQueue: true });
  subscriber.connect().catch(() => undefined);
  const local = new TargetBalancer();
  const fallback = options.fallback ?? { acquire: (b, l, s) => local.acquireLocal(b, l, s) };
  let limits: RedisSharedLimits | null = null;
  return {
    attach(app) {
      const balancer = app.get(GatewayPipeline).balancer;
      limits = new RedisSharedLimits({
        config: redis,
        client,
        subscriber,
        fallback,
        logger,
        onCooldown: (backendId, realModel, untilMs) => balancer.noteCooldown({ backendId, realModel }, untilMs),
      });
      balancer.shareWith(limits);
      return limits;
    },
    async close() {
      if (limits) await limits.close();
      else {
        client.disconnect();
        subscriber.disconnect();
      }
    },
  };
}
