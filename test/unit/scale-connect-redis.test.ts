/**
 * connectRedis (issue #18): a worker (`required: false`) starts serving only once its Redis
 * connection is up, or after `connect_timeout_seconds` without failing; a primary
 * (`required: true`) fails then, naming `state.redis.url`. A worker that served before its
 * connection was up took its slots from the per-machine fallback while its sibling took theirs
 * from Redis, and the backend saw 3 requests at once under `max_concurrency: 2`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RedisStateConfig } from '@switchyard/kernel';
import { redisSkipReason, startRedis, type RunningRedis } from '../helpers/redis-server.js';
import { freePort } from '../helpers/start-gateway.js';
type ConnectModule = typeof import('../../apps/gateway/src/state/connect-redis.js');
const { connectRedis } = (await import(
  new URL('../../../apps/gateway/dist/state/connect-redis.js', import.meta.url).href
)) as ConnectModule;

const config = (url: string, seconds: number): RedisStateConfig =>
  ({ url, key_prefix: 't:', lease_seconds: 1, connect_timeout_seconds: seconds }) as RedisStateConfig;

describe('connectRedis', { skip: redisSkipReason() }, () => {
  let redis: RunningRedis;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis?.stop();
  });

  it('a worker gets a connection that is ready, so its first request takes a shared slot', async () => {
    const client = await connectRedis(config(redis.url, 5), { required: false });
    try {
      assert.equal(client.status, 'ready');
    } finally {
      client.disconnect();
    }
  });

  it('Redis unreachable: a worker starts after connect_timeout_seconds; a primary fails naming state.redis.url', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const started = Date.now();
    const client = await connectRedis(config(url, 0.3), { required: false });
    try {
      assert.notEqual(client.status, 'ready');
      assert.ok(Date.now() - started >= 250, 'it waited for the connection');
    } finally {
      client.disconnect();
    }
    await assert.rejects(connectRedis(config(url, 0.3), { required: true }), /state\.redis\.url: cannot reach Redis/);
  });
});
