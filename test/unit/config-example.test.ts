import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { generateConfigJsonSchema, resolveConfig, SwitchyardConfig } from '@switchyard/kernel';
import { builtinRegistry } from '../helpers/builtin-registry.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const examplePath = join(root, 'config.example.yaml');
const exampleEnv = { VLLM_API_KEY: 'sk-example-key-123456', GOOGLE_CLOUD_PROJECT: 'example-project' };

test('config.example.yaml passes validation', async () => {
  const loaded = await resolveConfig({ args: { config: examplePath }, env: exampleEnv, cwd: root, registry: builtinRegistry() });
  assert.equal(loaded.source, 'file');
  assert.deepEqual(
    loaded.config.backends.map((b) => b.id),
    ['local', 'vertex'],
  );
  assert.deepEqual(
    loaded.config.routes.map((r) => r.virtual_model),
    ['coder', 'vision', 'auto', 'coder-ha'],
  );
  assert.equal(loaded.config.server.api_keys.length, 0, 'SWITCHYARD_API_KEY unset → no inbound auth');
  assert.equal(loaded.config.journal.enabled, true);
  assert.ok(loaded.secrets.includes('sk-example-key-123456'));
});

test('config.example.yaml without its variables fails naming them and their key paths', async () => {
  await assert.rejects(
    resolveConfig({ args: { config: examplePath }, env: {}, cwd: root, registry: builtinRegistry() }),
    /backends\[0\]\.api_key: environment variable VLLM_API_KEY is not set[\s\S]*backends\[1\]\.project: environment variable GOOGLE_CLOUD_PROJECT is not set/,
  );
});

/** Every section of the schema (the root and each definition, the built-in plugins' backend keys too), with the keys it declares. */
function schemaKeys(): Map<string, string[]> {
  const schema = generateConfigJsonSchema(builtinRegistry());
  const out = new Map<string, string[]>([[SwitchyardConfig.name, Object.keys(schema.properties as object)]]);
  for (const [name, def] of Object.entries(schema.definitions as Record<string, { properties?: object }>)) {
    out.set(name, Object.keys(def.properties ?? {}));
  }
  return out;
}

test('config.example.yaml documents every key, each with a comment', () => {
  const text = readFileSync(examplePath, 'utf8');
  const lines = text.split('\n');
  const missing: string[] = [];
  for (const [cls, keys] of schemaKeys()) {
    if (cls.endsWith('MapEntry')) continue;
    for (const key of keys) {
      const re = new RegExp(`(^|[\\s{,])${key}:`);
      const line = lines.find((l) => re.test(l));
      if (!line) missing.push(`${cls}.${key}`);
      else if (!line.includes('#')) missing.push(`${cls}.${key} (no comment on its line)`);
    }
  }
  assert.deepEqual(missing, []);
  assert.ok(parse(text));
});

test('the JSON Schema: unknown keys rejected, list and map forms, string or object API keys', () => {
  const schema = generateConfigJsonSchema();
  const defs = schema.definitions as Record<string, Record<string, unknown>>;
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.equal(schema.additionalProperties, false);
  for (const [name, def] of Object.entries(defs)) assert.equal(def.additionalProperties, false, name);
  const props = schema.properties as Record<string, Record<string, unknown>>;
  assert.equal((props.backends!.oneOf as unknown[]).length, 2);
  assert.equal((props.routes!.oneOf as unknown[]).length, 2);
  assert.deepEqual(defs.BackendConfig!.required, ['id', 'type']);
  assert.deepEqual(defs.BackendConfigMapEntry!.required, ['type']);
  const server = defs.ServerConfig!.properties as Record<string, Record<string, unknown>>;
  assert.equal(server.port!.default, 4000);
  assert.ok(typeof server.port!.description === 'string');
  assert.deepEqual((server.api_keys!.items as Record<string, unknown>).anyOf, [{ type: 'string' }, { $ref: '#/definitions/ApiKeyEntry' }]);
  const route = defs.RouteConfig!.properties as Record<string, Record<string, unknown>>;
  assert.deepEqual((route.defaults!.propertyNames as Record<string, unknown>).not, { enum: ['model', 'messages', 'input', 'stream'] });
});

test('config.schema.json is up to date with the schema classes', () => {
  const committed = JSON.parse(readFileSync(join(root, 'config.schema.json'), 'utf8')) as Record<string, unknown>;
  const fresh = generateConfigJsonSchema(builtinRegistry());
  const committedDefs = committed.definitions as Record<string, unknown>;
  const freshDefs = fresh.definitions as Record<string, unknown>;
  // Generated with the built-in plugins (their backend config classes): every definition must match.
  assert.deepEqual(Object.keys(committedDefs), Object.keys(freshDefs), 'config.schema.json: definitions differ; regenerate it');
  for (const [name, def] of Object.entries(freshDefs)) {
    assert.deepEqual(
      committedDefs[name],
      def,
      `config.schema.json: definitions.${name} is stale; regenerate it (see docs/configuration.md)`,
    );
  }
  assert.deepEqual(Object.keys(committed.properties as object), Object.keys(fresh.properties as object));
});
