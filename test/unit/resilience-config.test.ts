/** Issue #10 configuration: route targets and strategies, backend queue keys, and their checks. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { buildConfig, ConfigError, ModelRouter, type Protocol } from '@switchyard/kernel';
import { builtinRegistry } from '../helpers/builtin-registry.js';

const build = (yaml: string) => buildConfig(parse(yaml), { source: 'cfg.yaml', baseDir: '.', env: {}, registry: builtinRegistry() });

async function errorLines(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return [...err.issues];
  }
  assert.fail('expected the configuration to be rejected');
}

test('targets, strategy, retry_deadline_seconds, max_queue and queue_timeout_seconds are read with their defaults', async () => {
  const { config } = await build(`
backends:
  - { id: a, type: openai, base_url: "http://a", max_concurrency: 4, max_queue: 8, queue_timeout_seconds: 2.5 }
  - { id: b, type: openai, base_url: "http://b" }
routes:
  - virtual_model: m
    strategy: round_robin
    defaults: { temperature: 0.3, top_p: 0.5 }
    targets:
      - { backend: a, real_model: ra, weight: 3, defaults: { temperature: 0.9 } }
      - { backend: b, real_model: rb }
  - { virtual_model: plain, backend: b, real_model: rb }
`);
  assert.deepEqual([config.backends[0]!.max_queue, config.backends[0]!.queue_timeout_seconds], [8, 2.5]);
  assert.deepEqual([config.backends[1]!.max_queue, config.backends[1]!.queue_timeout_seconds], [100, 30]);
  const route = config.routes[0]!;
  assert.equal(route.strategy, 'round_robin');
  assert.equal(route.retry_deadline_seconds, 60);
  assert.deepEqual(
    route.targets!.map((t) => [t.backend, t.real_model, t.weight]),
    [
      ['a', 'ra', 3],
      ['b', 'rb', 1],
    ],
  );
  assert.equal(config.routes[1]!.strategy, 'failover');
  const router = new ModelRouter({ backends: config.backends, routes: config.routes, passthroughUnrouted: false, singleBackend: false });
  const d = router.route('m');
  assert.equal(d.strategy, 'round_robin');
  assert.equal(d.retryDeadlineMs, 60_000);
  assert.deepEqual(
    d.targets!.map((t) => t.profile?.defaults),
    [
      { temperature: 0.9, top_p: 0.5 },
      { temperature: 0.3, top_p: 0.5 },
    ],
  );
  assert.deepEqual([d.backendId, d.realModel], ['a', 'ra']);
  assert.deepEqual(
    router.route('plain').targets!.map((t) => t.backendId),
    ['b'],
  );
});

test('route rules with targets: exactly one of backend + real_model, targets, auto_route; target backends must exist', async () => {
  const lines = await errorLines(
    build(`
backends: [{ id: local, type: openai, base_url: "http://x", models: ["Qwen/*"] }]
routes:
  both: { backend: local, real_model: m, targets: [{ backend: local, real_model: m }] }
  empty: { targets: [] }
  typo: { targets: [{ backend: local, real_model: m }, { backend: locla, real_model: m }] }
  badstrategy: { strategy: random, targets: [{ backend: local, real_model: m }] }
  noreal: { targets: [{ backend: local }] }
`),
  );
  const has = (line: string) => assert.ok(lines.includes(line), `missing:\n  ${line}\nin:\n  ${lines.join('\n  ')}`);
  has('cfg.yaml: routes.both: set one of backend + real_model, targets, or auto_route');
  has('cfg.yaml: routes.empty.targets: expected at least one { backend, real_model }');
  has('cfg.yaml: routes.typo.targets[1].backend: no backend has id "locla"; did you mean "local"? (backends: local)');
  assert.ok(
    lines.some((l) => l.startsWith('cfg.yaml: routes.badstrategy.strategy')),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => l.startsWith('cfg.yaml: routes.noreal.targets[0].real_model')),
    lines.join('\n'),
  );
});

test('an unknown key inside a target is an error naming it', async () => {
  const lines = await errorLines(
    build(`
backends: [{ id: local, type: openai, base_url: "http://x" }]
routes: [{ virtual_model: m, targets: [{ backend: local, real_model: m, wieght: 2 }] }]
`),
  );
  assert.ok(
    lines.some((l) => l.includes('wieght')),
    lines.join('\n'),
  );
});

/** What auto_route asks: the client protocol's codec reads the body (ProtocolCodec.hasMediaContent; none: text). */
const codecs = builtinRegistry();
const hasMediaContent = (body: Record<string, unknown>, protocol: Protocol): boolean =>
  codecs.codec(protocol)?.hasMediaContent?.(body) === true;

test('hasMediaContent scans only message content arrays', () => {
  assert.equal(hasMediaContent({ messages: [{ role: 'user', content: 'see image_url' }] }, 'openai.chat'), false);
  assert.equal(hasMediaContent({ messages: [{ role: 'user', content: [{ type: 'image_url' }] }] }, 'openai.chat'), true);
  assert.equal(hasMediaContent({ messages: [{ role: 'user', content: [{ type: 'text', text: 'image' }] }] }, 'anthropic.messages'), false);
  assert.equal(hasMediaContent({ input: [{ type: 'input_image' }] }, 'openai.responses'), true);
  assert.equal(hasMediaContent({ input: 'text' }, 'openai.responses'), false);
  assert.equal(hasMediaContent({ messages: [{ content: [{ type: 'image_url' }] }] }, 'openai.embeddings'), false);
});
