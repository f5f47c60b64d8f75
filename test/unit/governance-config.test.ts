/**
 * Client keys' configuration (issue #20): the new fields validate, every error names the key
 * (`server.api_keys[2] (team-a): …`), the existing forms keep working, pricing entries are checked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildConfig, ConfigError } from '@switchyard/kernel';
import { builtinRegistry } from '../helpers/builtin-registry.js';
import { parse } from 'yaml';

const build = (yaml: string) => buildConfig(parse(yaml), { source: 'cfg.yaml', baseDir: '.', env: {}, registry: builtinRegistry() });

const BACKENDS = `
backends:
  - { id: gpu, type: openai, base_url: "http://gpu:8000", models: ["Qwen/*", "llama-3*"] }
routes:
  - { virtual_model: coder, backend: gpu, real_model: Qwen/Qwen3 }
`;
const HASH = 'a'.repeat(64);

async function errorLines(yaml: string): Promise<string[]> {
  try {
    await build(yaml);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return [...err.issues];
  }
  assert.fail('expected the configuration to be rejected');
}

const has = (lines: string[], line: string) => assert.ok(lines.includes(line), `missing line:\n  ${line}\nin:\n  ${lines.join('\n  ')}`);

test('a full client key, the old forms and a hashed key are accepted', async () => {
  const { config } = await build(`
server:
  api_keys:
    - plain-key-1
    - { name: old, key: old-key-2 }
    - name: team-a
      key_sha256: ${HASH}
      models: [coder, "Qwen/*", "llama-3.1*", "*"]
      rpm: 60
      tpm: 100000
      max_concurrency: 4
      budget: { usd: 12.5, tokens: 1000000, period: week }
      metadata: { owner: data }
pricing:
  Qwen/Qwen3: { input: 0.2, output: 0.8, cached_input: 0.05 }
governance: { default_max_tokens: 1024, store_path: ./gov.sqlite }
${BACKENDS}`);
  const k = config.server.api_keys[2]!;
  assert.equal(k.key_sha256, HASH);
  assert.deepEqual(k.budget, Object.assign(k.budget!, { usd: 12.5, tokens: 1000000, period: 'week' }));
  assert.equal(config.server.api_keys[0]!.key, 'plain-key-1');
  assert.equal(config.pricing['Qwen/Qwen3']!.cached_input, 0.05);
  assert.equal(config.governance.default_max_tokens, 1024);
});

test('bad client keys: each error names the key by position and name', async () => {
  const lines = await errorLines(`
server:
  api_keys:
    - first-plain-key
    - { name: team-a, key: k1, rpm: -5, tpm: 2.5, max_concurrency: 0 }
    - { name: team-b, key_sha256: "abc123", models: ["claude-*", coder] }
    - { name: team-c, key: k3, key_sha256: ${HASH} }
    - { name: team-d, key: k4, budget: { period: day } }
    - { key: k5, rpm: 5 }
    - { name: team-a, key: k6, rpm: 1 }
${BACKENDS}`);
  has(lines, 'cfg.yaml: server.api_keys[1] (team-a).rpm: must not be less than 1');
  has(lines, 'cfg.yaml: server.api_keys[1] (team-a).tpm: must be a whole number');
  has(lines, 'cfg.yaml: server.api_keys[1] (team-a).max_concurrency: must not be less than 1');
  has(
    lines,
    'cfg.yaml: server.api_keys[2] (team-b).key_sha256: expected 64 hex digits (the SHA-256 of the key, e.g. from `printf %s "$KEY" | sha256sum`), got 6 characters',
  );
  has(
    lines,
    `cfg.yaml: server.api_keys[2] (team-b).models[0]: "claude-*" names no virtual model (routes) and matches no model any backend's models globs serve`,
  );
  has(lines, 'cfg.yaml: server.api_keys[3] (team-c): set key or key_sha256, not both');
  has(lines, 'cfg.yaml: server.api_keys[4] (team-d).budget: expected tokens or usd (or both) with the period');
  has(
    lines,
    'cfg.yaml: server.api_keys[5].name: is required on a key with models, rpm, tpm, max_concurrency or budget (counters and reports are kept by name)',
  );
  has(
    lines,
    'cfg.yaml: server.api_keys[6] (team-a).name: duplicate client key name "team-a" (also server.api_keys[1] (team-a)): limits and counters are kept by name',
  );
  // The valid entries (a plain key; coder, a virtual model) draw no error.
  assert.ok(!lines.some((l) => l.includes('api_keys[0]') || l.includes('models[1]')), lines.join('\n'));
});

test('"unknown model glob": a models entry must name or match something routable', async () => {
  // Matches a backend glob read literally, or a backend glob matches it: both routable.
  await build(`server: { api_keys: [{ name: a, key: k, models: ["llama-3.1-8b", "llama-*", "Qwen/Qwen3*", "cod*"] }] }\n${BACKENDS}`);
  const lines = await errorLines(`server: { api_keys: [{ name: a, key: k, models: ["gpt-4o", "cod"] }] }\n${BACKENDS}`);
  assert.equal(lines.length, 2, lines.join('\n'));
  // With passthrough_unrouted every name is routable.
  await build(`server: { passthrough_unrouted: true, api_keys: [{ name: a, key: k, models: ["gpt-4o"] }] }
backends: [{ id: gpu, type: openai, base_url: "http://gpu:8000", default: true }]`);
});

test('pricing entries: numbers >= 0, only input / output / cached_input', async () => {
  const lines = await errorLines(`pricing:\n  Qwen/Qwen3: { input: -1, output: "x", cache: 2 }\n  llama: 3\n${BACKENDS}`);
  has(lines, 'cfg.yaml: pricing["Qwen/Qwen3"].input: expected a number >= 0 (USD per million tokens)');
  has(lines, 'cfg.yaml: pricing["Qwen/Qwen3"].output: expected a number >= 0 (USD per million tokens)');
  has(lines, 'cfg.yaml: pricing["Qwen/Qwen3"].cache: unknown key (expected input, output, cached_input)');
  has(lines, 'cfg.yaml: pricing.llama: expected { input, output, cached_input } in USD per million tokens');
  const route = await errorLines(`${BACKENDS.replace('real_model: Qwen/Qwen3 }', 'real_model: Qwen/Qwen3, price: { input: 1 } }')}`);
  assert.ok(
    route.some((l) => l.startsWith('cfg.yaml: routes[0].price.output:')),
    route.join('\n'),
  );
});
