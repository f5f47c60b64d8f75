import type { GovernanceStore, KernelLogger, SwitchyardConfig } from '@switchyard/kernel';
import { connectRedis } from '../state/connect-redis.js';
import { RedisGovernanceStore } from './redis-governance-store.js';

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
  const client = await connectRedis(redis, options);
  return new RedisGovernanceStore({ client, prefix: redis.key_prefix, leaseSeconds: redis.lease_seconds, fallback: local, logger });
}
