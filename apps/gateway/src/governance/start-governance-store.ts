import type { GovernanceStore, KernelLogger, SwitchyardConfig } from '@switchyard/kernel';

/**
 * The governance store of a gateway process (issue #20; docs/governance.md "Shared state"): with
 * `state.redis`, a RedisGovernanceStore on its own connection, falling back to `local` (this
 * process's store, or the primary's over IPC for a worker) while Redis is unreachable; without it,
 * `local` itself. `required` as for connectRedis: Redis unreachable or refusing the credentials at
 * start is a ConfigError naming `state.redis.url`; a worker (the primary checked) connects in the
 * background.
 */
export async function startGovernanceStore(
  config: SwitchyardConfig,
  logger: KernelLogger,
  local: GovernanceStore,
  options: { required: boolean },
): Promise<GovernanceStore> {
  const redis = config.state.redis;
  if (!redis) return local;
  // Loaded only with state.redis: ioredis is ~40 modules a gateway without Redis never runs (issue #19: idle memory).
  const [{ connectRedis }, { RedisGovernanceStore }] = await Promise.all([
    import('../state/connect-redis.js'),
    import('./redis-governance-store.js'),
  ]);
  const client = await connectRedis(redis, options);
  return new RedisGovernanceStore({ client, prefix: redis.key_prefix, leaseSeconds: redis.lease_seconds, fallback: local, logger });
}
