/**
 * Issue #20 item 6: `npm run bench -- --keys none,limited` — the option parses, and the `limited`
 * target's configuration is a valid one whose key has every limit on and whose model is priced.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildConfig, compileKeyPolicies } from '@switchyard/kernel';
import { builtinRegistry } from '../helpers/builtin-registry.js';

// The bench is built after the tests (tsconfig.build.json): load its output at run time.
const { parseBenchOptions } = (await import(new URL('../../../bench/dist/bench-options.js', import.meta.url).href)) as {
  parseBenchOptions(argv: string[], env: NodeJS.ProcessEnv): { keys: string[] };
};
const { switchyardConfig } = (await import(new URL('../../../bench/dist/switchyard-target.js', import.meta.url).href)) as {
  switchyardConfig(upstream: object, port: number, metricsPort: number, scale?: object): Record<string, unknown>;
};
const { GOVERNED_KEY_HEADERS } = (await import(new URL('../../../bench/dist/governed-key.js', import.meta.url).href)) as {
  GOVERNED_KEY_HEADERS: Record<string, string>;
};

test('--keys (or BENCH_KEYS): none by default; limited adds a target; anything else is an error', () => {
  assert.deepEqual(parseBenchOptions([], {}).keys, ['none']);
  assert.deepEqual(parseBenchOptions(['--keys', 'none,limited'], {}).keys, ['none', 'limited']);
  assert.deepEqual(parseBenchOptions([], { BENCH_KEYS: 'limited' }).keys, ['limited']);
  assert.throws(() => parseBenchOptions(['--keys', 'all'], {}), /--keys: unknown value "all" \(none, limited\)/);
});

test('the limited target: a valid configuration, its key with every limit, its model priced', async () => {
  const upstream = { fast: 'http://127.0.0.1:1', paced: 'http://127.0.0.1:2' };
  const registry = builtinRegistry();
  const plain = await buildConfig(switchyardConfig(upstream, 1000, 1001), { source: 'b', baseDir: '.', env: {}, registry });
  assert.equal(compileKeyPolicies(plain.config).inert, true, 'no keys: nothing governed');
  const { config } = await buildConfig(switchyardConfig(upstream, 1000, 1001, { keys: 'limited' }), {
    source: 'bench.json',
    baseDir: '.',
    env: {},
    registry,
  });
  const policy = compileKeyPolicies(config).keys.get('bench')!;
  assert.deepEqual(Object.keys(policy.limits!).sort(), ['budget', 'keyId', 'maxConcurrency', 'rpm', 'tpm']);
  assert.deepEqual(Object.keys(policy.limits!.budget!).sort(), ['period', 'tokens', 'usd']);
  assert.ok(policy.allows!('bench') && policy.allows!('bench-paced'));
  assert.ok(compileKeyPolicies(config).pricing);
  assert.equal(GOVERNED_KEY_HEADERS.authorization, `Bearer ${config.server.api_keys[0]!.key}`);
});
