import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfigFile, parseConfigText } from '@switchyard/kernel';
import { builtinRegistry } from '../helpers/builtin-registry.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-config-parse-'));
after(() => rmSync(dir, { recursive: true, force: true }));
function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
const load = (file: string) => loadConfigFile(file, { env: {}, registry: builtinRegistry() });

const YAML = `server:
  port: 4100
backends:
  - id: local
    type: openai
    base_url: http://gpu:8000
    models: ["Qwen/*"]
`;
const TOML = `[server]
port = 4100

[[backends]]
id = "local"
type = "openai"
base_url = "http://gpu:8000"
models = ["Qwen/*"]
`;
const JSON_TEXT = JSON.stringify({
  server: { port: 4100 },
  backends: [{ id: 'local', type: 'openai', base_url: 'http://gpu:8000', models: ['Qwen/*'] }],
});

for (const [name, text] of [
  ['a.yaml', YAML],
  ['a.yml', YAML],
  ['a.toml', TOML],
  ['a.json', JSON_TEXT],
] as const) {
  test(`${name}: parsed into the one schema, defaults filled in`, async () => {
    const { config } = await load(write(name, text));
    assert.equal(config.server.port, 4100);
    assert.equal(config.server.host, '0.0.0.0');
    assert.equal(config.backends.length, 1);
    assert.equal(config.backends[0]!.id, 'local');
    assert.equal(config.backends[0]!.base_url, 'http://gpu:8000');
    assert.deepEqual(config.backends[0]!.models, ['Qwen/*']);
    assert.equal(config.backends[0]!.timeout_seconds, 300);
    assert.equal(config.telemetry.prometheus.port, 9091);
  });
}

test('YAML syntax error names the file and line', () => {
  assert.throws(
    () => parseConfigText('server:\n  port: 4000\nbackends: [a, b\nroutes: x: y\n', 'bad.yaml'),
    (err: unknown) => err instanceof ConfigError && /^bad\.yaml:\d+:\d+: YAML syntax error: /.test(err.message),
  );
});

test('YAML duplicate key is a syntax error with its line', () => {
  assert.throws(
    () => parseConfigText('server: {}\nserver: {}\n', 'dup.yaml'),
    /ConfigError: dup\.yaml:2:1: YAML syntax error: Map keys must be unique/,
  );
});

test('TOML syntax error names the file and line', () => {
  assert.throws(() => parseConfigText('[server]\nport = = 4000\n', 'bad.toml'), /ConfigError: bad\.toml:2:\d+: TOML syntax error: /);
});

test('JSON syntax error names the file and line, without quoting the text', () => {
  const text = '{\n  "backends": [\n    { "id": "x", "api_key": sk-literal-secret-value }\n  ]\n}';
  assert.throws(
    () => parseConfigText(text, 'bad.json'),
    (err: unknown) =>
      err instanceof ConfigError && /^bad\.json:3:\d+: JSON syntax error: /.test(err.message) && !err.message.includes('literal-secret'),
  );
  assert.throws(() => parseConfigText('{\n  "a": 1,\n}', 'c.json'), /ConfigError: c\.json:3:1: JSON syntax error: /);
});

test('an unsupported extension is an error', async () => {
  await assert.rejects(load(write('conf.ini', 'x=1')), /conf\.ini: unsupported file type "\.ini"/);
});

test('a missing file is an error naming it', async () => {
  await assert.rejects(load(join(dir, 'nope.yaml')), /nope\.yaml: cannot read the configuration file: no such file/);
});

for (const [name, text] of [
  ['empty.yaml', ''],
  ['comments.yaml', '# nothing here\n\n'],
  ['empty-map.yaml', '{}\n'],
  ['empty.toml', ''],
  ['empty.json', ''],
  ['empty-object.json', '{}'],
] as const) {
  test(`${name}: an empty configuration is an error, never demo mode`, async () => {
    await assert.rejects(
      load(write(name, text)),
      (err: unknown) => err instanceof ConfigError && err.message.startsWith(`${join(dir, name)}: the configuration is empty`),
    );
  });
}

test('a top-level list is an error', async () => {
  await assert.rejects(load(write('list.yaml', '- a\n- b\n')), /list\.yaml: expected a map of sections .* not a list/);
});
