/**
 * Issue #18 item 2: backend limits shared by replicas through a real redis-server. Two gateway
 * processes (and one gateway with `workers: 2`) sharing a `max_concurrency: 2` backend never send
 * it a third request at once, also when each request outlives the lease (it is renewed); with
 * Redis down they keep serving with per-machine limits, say so (log, gauge) and share again once
 * Redis is back; a replica killed mid-request frees its slots within `lease_seconds`; Redis
 * restarting under load loses no request; a wrong password or an unreachable Redis at start are
 * errors naming `state.redis.url`. Skipped, saying why, when redis-server is not installed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { post, waitFor } from '../helpers/e2e.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { scrapeMetrics } from '../helpers/prometheus-text.js';
import { redisSkipReason, startRedis, type RunningRedis } from '../helpers/redis-server.js';
import { assertAllOk, burst, chat, heldReplies, type HeldStats } from '../helpers/scale.js';
import { runCli, startGateway, writeConfigFile, type RunningGateway } from '../helpers/start-gateway.js';

const skip = redisSkipReason();

function sharedConfig(
  upstream: FakeUpstream,
  prefix: string,
  redis: Record<string, unknown> = {},
  server: Record<string, unknown> = {},
  more: { backends?: object[]; routes?: object[] } = {},
) {
  return {
    routes: more.routes ?? [],
    logging: { level: 'info' },
    server,
    state: { redis: { url: '${REDIS_URL}', key_prefix: prefix, lease_seconds: 1, connect_timeout_seconds: 5, ...redis } },
    backends: [
      {
        id: 'gpu',
        type: 'openai',
        base_url: upstream.url,
        skip_probe: true,
        max_concurrency: 2,
        max_queue: 100,
        queue_timeout_seconds: 30,
        models: ['*'],
      },
      ...(more.backends ?? []),
    ],
  };
}

const connected = async (gw: RunningGateway): Promise<number | undefined> =>
  (await scrapeMetrics(gw.metricsUrl)).find('switchyard_state_redis_connected')[0]?.value;

describe('shared backend limits through Redis (issue #18)', { skip }, () => {
  let redis: RunningRedis;
  let upstream: FakeUpstream;
  let stats: HeldStats;
  let hold = (): number => 1500;
  const gateways: RunningGateway[] = [];

  before(async () => {
    redis = await startRedis();
    const held = heldReplies(() => hold());
    stats = held.stats;
    upstream = await startFakeUpstream(held.handler);
  });

  after(async () => {
    await Promise.all(gateways.map((g) => g.stop('SIGKILL')));
    await upstream?.close();
    await redis?.stop();
  });

  const start = async (
    prefix: string,
    redisExtra: Record<string, unknown> = {},
    server: Record<string, unknown> = {},
    more: { backends?: object[]; routes?: object[] } = {},
  ) => {
    const gw = await startGateway({ config: sharedConfig(upstream, prefix, redisExtra, server, more), env: { REDIS_URL: redis.url } });
    gateways.push(gw);
    return gw;
  };

  it('two replicas never send a max_concurrency: 2 backend a third request, though each outlives the lease', async () => {
    const [a, b] = [await start('two:'), await start('two:')];
    hold = () => 1500; // longer than lease_seconds: 1, so only renewal keeps the slots
    stats.reset();
    const replies = await burst([a.url, b.url], 'm', 8);
    assertAllOk(replies, 8);
    assert.equal(stats.max, 2, 'the backend saw at most 2 requests at once, and reached 2');
    assert.equal(await connected(a), 1);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('workers: 2 in one process tree with Redis: still at most 2 at once', async () => {
    const gw = await start('workers:', {}, { workers: 2 });
    hold = () => 800;
    // Requests an earlier test's gateways left held must not count toward this test's maximum.
    await waitFor(() => (stats.current === 0 ? true : undefined), 10_000, 'no request still held');
    stats.reset();
    const replies = await burst([gw.url], 'm', 8);
    assertAllOk(replies, 8);
    assert.equal(stats.max, 2);
    // Both workers are connected: the primary's gauge is the sum.
    assert.equal(await waitFor(async () => ((await connected(gw)) === 2 ? 2 : undefined), 10_000, 'two connected workers'), 2);
    assert.equal(await gw.stop(), 0);
  });

  it("a retry-after cooldown one replica sees is the other's too", async () => {
    const spare = await startFakeUpstream();
    try {
      const more = {
        backends: [{ id: 'spare', type: 'openai', base_url: spare.url, skip_probe: true, models: [] }],
        routes: [
          {
            virtual_model: 'ha',
            targets: [
              { backend: 'gpu', real_model: 'm' },
              { backend: 'spare', real_model: 'm' },
            ],
          },
        ],
      };
      const [a, b] = [await start('cool:', {}, {}, more), await start('cool:', {}, {}, more)];
      hold = () => 10;
      stats.failNext = {
        status: 429,
        headers: { 'retry-after': '30' },
        body: { error: { message: 'slow down', type: 'rate_limit_error' } },
      };
      const first = await post(`${a.url}/v1/chat/completions`, chat('ha'));
      assert.equal(first.status, 200, first.text);
      assert.equal(spare.requests.filter((r) => r.method === 'POST').length, 1, 'a failed over to spare');
      const gpuBefore = upstream.requests.filter((r) => r.method === 'POST').length;
      await new Promise((r) => setTimeout(r, 300));
      const second = await post(`${b.url}/v1/chat/completions`, chat('ha'));
      assert.equal(second.status, 200, second.text);
      assert.equal(upstream.requests.filter((r) => r.method === 'POST').length, gpuBefore, 'b skipped the cooling-down gpu');
      assert.equal(spare.requests.filter((r) => r.method === 'POST').length, 2);
      await Promise.all([a.stop(), b.stop()]);
    } finally {
      await spare.close();
    }
  });

  it('a replica killed mid-request frees its slots within lease_seconds', async () => {
    const [a, b] = [await start('kill:', { lease_seconds: 2 }), await start('kill:', { lease_seconds: 2 })];
    let n = 0;
    hold = () => (n++ < 2 ? 60_000 : 50);
    stats.reset();
    const held = [post(`${a.url}/v1/chat/completions`, chat('m'), {}, AbortSignal.timeout(60_000)).catch((e: unknown) => e)];
    held.push(post(`${a.url}/v1/chat/completions`, chat('m'), {}, AbortSignal.timeout(60_000)).catch((e: unknown) => e));
    await waitFor(() => stats.current === 2, 10_000, 'a holding both slots');
    const waiting = post(`${b.url}/v1/chat/completions`, chat('m'), {}, AbortSignal.timeout(30_000));
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(stats.total, 2, 'b waits in the shared queue while a holds both slots');
    const killedAt = Date.now();
    a.kill('SIGKILL');
    const reply = await waiting;
    const waited = Date.now() - killedAt;
    assert.equal(reply.status, 200, reply.text);
    assert.ok(waited < 2000 + 3000, `b got a slot ${waited} ms after a died (lease_seconds: 2)`);
    await Promise.all(held);
    await b.stop();
  });

  it('Redis down: both replicas keep serving with per-machine limits, log it, set the gauge, and share again once it is back', async () => {
    const [a, b] = [await start('down:'), await start('down:')];
    await redis.stop();
    hold = () => 1000;
    stats.reset();
    const replies = await burst([a.url, b.url], 'm', 8);
    assertAllOk(replies, 8);
    assert.equal(stats.max, 4, 'each replica held its own limit of 2');
    assert.equal(await connected(a), 0);
    assert.match(a.stderr(), /Redis \(state\.redis\.url\) is unreachable: backend limits now hold per machine/);
    assert.doesNotMatch(a.stderr(), /redis:\/\/[^\s"]*@/, 'no credentials in logs');

    await redis.start();
    await waitFor(async () => (await connected(a)) === 1 && (await connected(b)) === 1, 15_000, 'both replicas reconnected');
    assert.match(a.stderr(), /Redis is reachable again/);
    stats.reset();
    const again = await burst([a.url, b.url], 'm', 6);
    assertAllOk(again, 6);
    assert.equal(stats.max, 2, 'shared again');
    await Promise.all([a.stop(), b.stop()]);
  });

  it('a Redis that restarts empty learns the slots still held: the limit holds again once it is back', async () => {
    const [a, b] = [await start('again:'), await start('again:')];
    let n = 0;
    hold = () => (n++ < 2 ? 60_000 : 50);
    stats.reset();
    const held = [1, 2].map(() =>
      post(`${a.url}/v1/chat/completions`, chat('m'), {}, AbortSignal.timeout(60_000)).catch((e: unknown) => e),
    );
    await waitFor(() => stats.current === 2, 10_000, 'a holding both slots');
    await redis.stop();
    await redis.start();
    await waitFor(async () => (await connected(a)) === 1 && (await connected(b)) === 1, 15_000, 'both replicas reconnected');
    await new Promise((r) => setTimeout(r, 300));
    const waiting = post(`${b.url}/v1/chat/completions`, chat('m'), {}, AbortSignal.timeout(30_000));
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(stats.total, 2, "b waits: a's two slots were registered again in the new Redis");
    a.kill('SIGKILL');
    assert.equal((await waiting).status, 200);
    await Promise.all(held);
    await b.stop();
  });

  it('Redis restarting under load loses no request', async () => {
    const [a, b] = [await start('restart:'), await start('restart:')];
    hold = () => 100;
    let stop = false;
    const statuses: number[] = [];
    const client = async (url: string): Promise<void> => {
      while (!stop) statuses.push((await post(`${url}/v1/chat/completions`, chat('m'), {}, AbortSignal.timeout(30_000))).status);
    };
    const clients = [a.url, b.url, a.url, b.url, a.url, b.url].map(client);
    await new Promise((r) => setTimeout(r, 1000));
    await redis.stop();
    await new Promise((r) => setTimeout(r, 1000));
    await redis.start();
    await waitFor(async () => (await connected(a)) === 1 && (await connected(b)) === 1, 15_000, 'both replicas reconnected');
    await new Promise((r) => setTimeout(r, 500));
    stop = true;
    await Promise.all(clients);
    assert.ok(statuses.length > 12, `${statuses.length} requests`);
    assert.deepEqual(
      statuses.filter((s) => s !== 200),
      [],
      'every request answered 200',
    );
    await Promise.all([a.stop(), b.stop()]);
  });

  it('at start: a wrong password and an unreachable Redis are errors naming state.redis.url, without the password', async () => {
    const locked = await startRedis({ password: 'right-pass' });
    const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-redis-'));
    try {
      const file = writeConfigFile(dir, sharedConfig(upstream, 'start:', { connect_timeout_seconds: 1 }));
      const wrong = await runCli(['--config', file, '--listen', '127.0.0.1:0'], {
        REDIS_URL: `redis://:wrong-pass@127.0.0.1:${locked.port}`,
      });
      assert.equal(wrong.code, 1, wrong.stderr);
      assert.match(wrong.stderr, /state\.redis\.url: Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/? refused the credentials/);
      assert.doesNotMatch(wrong.stderr, /wrong-pass/);
      await locked.stop();
      const down = await runCli(['--config', file, '--listen', '127.0.0.1:0'], { REDIS_URL: `redis://127.0.0.1:${locked.port}` });
      assert.equal(down.code, 1, down.stderr);
      assert.match(down.stderr, /state\.redis\.url: cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+\/? within 1 s/);
    } finally {
      await locked.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
