/**
 * Issue #18 item 4: `npm run bench -- --workers 1,2 --limits local,redis` — the options parse (bad
 * values are errors naming the flag) and the Switchyard configuration each target gets: its
 * `server.workers`, and a never-reached max_concurrency held in-process or through Redis.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';

// The bench is built after the tests (tsconfig.build.json): load its output at run time.
interface Options {
  workers: number[];
  youngMb: number[];
  limits: string[];
}
interface Config {
  server: { workers: number };
  state?: { redis: { url: string } };
  backends: Array<{ max_concurrency?: number }>;
}
const { parseBenchOptions } = (await import(new URL('../../../bench/dist/bench-options.js', import.meta.url).href)) as {
  parseBenchOptions(argv: string[], env: NodeJS.ProcessEnv): Options;
};
const { switchyardConfig } = (await import(new URL('../../../bench/dist/switchyard-target.js', import.meta.url).href)) as {
  switchyardConfig(upstream: object, port: number, metricsPort: number, scale?: object): Config;
};

test('--workers and --limits (or BENCH_WORKERS, BENCH_LIMITS); defaults: one worker, no limit targets', () => {
  assert.deepEqual(parseBenchOptions([], {}).workers, [1]);
  assert.deepEqual(parseBenchOptions([], {}).limits, []);
  assert.deepEqual(parseBenchOptions(['--workers', '1,2'], {}).workers, [1, 2]);
  assert.deepEqual(parseBenchOptions([], { BENCH_WORKERS: '2' }).workers, [2]);
  assert.deepEqual(parseBenchOptions(['--limits', 'local,redis'], {}).limits, ['local', 'redis']);
  assert.throws(() => parseBenchOptions(['--workers', '0'], {}), /--workers: each value must be a whole number >= 1, got "0"/);
  assert.throws(() => parseBenchOptions(['--limits', 'memcached'], {}), /--limits: unknown value "memcached"/);
});

test("--young-mb (or BENCH_YOUNG_MB): one Switchyard per young-generation size; default 0, Node's own (issue #19)", () => {
  assert.deepEqual(parseBenchOptions([], {}).youngMb, [0]);
  assert.deepEqual(parseBenchOptions(['--young-mb', '0,8'], {}).youngMb, [0, 8]);
  assert.deepEqual(parseBenchOptions([], { BENCH_YOUNG_MB: '4' }).youngMb, [4]);
  assert.throws(() => parseBenchOptions(['--young-mb=-1'], {}), /--young-mb: each value must be a whole number of MB >= 0, got "-1"/);
  assert.throws(() => parseBenchOptions(['--young-mb', 'big'], {}), /--young-mb/);
});

test("each target's configuration: workers, and the limit in-process or through Redis", () => {
  const upstream = { fast: 'http://127.0.0.1:1', paced: 'http://127.0.0.1:2' };
  const plain = switchyardConfig(upstream, 1000, 1001);
  assert.equal(plain.server.workers, 1);
  assert.equal(plain.state, undefined);
  assert.ok(plain.backends.every((b) => b.max_concurrency === undefined));
  assert.equal(switchyardConfig(upstream, 1000, 1001, { workers: 2 }).server.workers, 2);
  const local = switchyardConfig(upstream, 1000, 1001, { limit: 'local' });
  assert.ok(local.backends.every((b) => (b.max_concurrency ?? 0) > 0));
  assert.equal(local.state, undefined);
  const redis = switchyardConfig(upstream, 1000, 1001, { limit: 'redis', redisUrl: 'redis://127.0.0.1:6390' });
  assert.equal(redis.state?.redis.url, 'redis://127.0.0.1:6390');
  assert.ok(redis.backends.every((b) => (b.max_concurrency ?? 0) > 0));
});
