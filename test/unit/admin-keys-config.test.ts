/**
 * Issue #20: `server.admin_keys` in the configuration: strings and objects, a key given as its
 * SHA-256, and clear errors naming the entry for a malformed hash, neither or both of key and
 * key_sha256, or an admin key that is also a client key; an admin key never appears in an error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildConfig, ConfigError } from '@switchyard/kernel';
import { builtinRegistry } from '../helpers/builtin-registry.js';
import { parse } from 'yaml';

const build = (yaml: string) => buildConfig(parse(yaml), { source: 'cfg.yaml', baseDir: '.', env: {}, registry: builtinRegistry() });
const BACKENDS = 'backends: [{ id: a, type: openai, base_url: "http://gpu:8000" }]\n';
const HASH = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

async function errorLines(yaml: string): Promise<string[]> {
  try {
    await build(yaml);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return [...err.issues];
  }
  assert.fail('expected the configuration to be rejected');
}

test('server.admin_keys: strings become { key }, objects keep name and key_sha256, empty entries are dropped', async () => {
  const { config } = await build(`server:\n  admin_keys: ["", "adm-secret-1", { name: ops, key_sha256: ${HASH} }]\n${BACKENDS}`);
  assert.deepEqual(
    config.server.admin_keys.map((k) => ({ name: k.name, key: k.key, key_sha256: k.key_sha256 })),
    [
      { name: undefined, key: 'adm-secret-1', key_sha256: undefined },
      { name: 'ops', key: undefined, key_sha256: HASH },
    ],
  );
  const none = await build(BACKENDS);
  assert.deepEqual(none.config.server.admin_keys, []);
});

test('server.admin_keys: a malformed hash, neither or both of key and key_sha256, and a client key are errors naming the entry', async () => {
  const lines = await errorLines(`server:
  api_keys: [client-key-1234]
  admin_keys:
    - { name: bad-hash, key_sha256: abc123 }
    - { name: empty }
    - { name: both, key: adm-secret-2, key_sha256: ${HASH} }
    - client-key-1234
    - 42
${BACKENDS}`);
  const text = lines.join('\n');
  assert.match(text, /server\.admin_keys\[0\]\.key_sha256: expected a SHA-256 as 64 hex digits/);
  assert.match(text, /server\.admin_keys\[1\]: admin key "empty": expected exactly one of key and key_sha256/);
  assert.match(text, /server\.admin_keys\[2\]: admin key "both": expected exactly one of key and key_sha256/);
  assert.match(text, /server\.admin_keys\[3\]: is also a client key in server\.api_keys/);
  assert.match(text, /server\.admin_keys\[4\]: expected a key string or \{ name, key \| key_sha256 \}/);
  assert.ok(!text.includes('client-key-1234') && !text.includes('adm-secret-2'), `no key in the errors:\n${text}`);
});
