import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, interpolateString, loadConfigFile } from '@switchyard/kernel';
import { builtinRegistry } from '../helpers/builtin-registry.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-config-interp-'));
after(() => rmSync(dir, { recursive: true, force: true }));
function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
const load = (text: string, env: NodeJS.ProcessEnv = {}, name = 'c.yaml') =>
  loadConfigFile(write(name, text), { env, registry: builtinRegistry(), shownAs: name });

async function errorText(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('expected the configuration to be rejected');
}

const ctx = (env: NodeJS.ProcessEnv) => ({ env, baseDir: dir });

test('${ENV}, ${ENV:-default}, several per string and $${ escapes', () => {
  assert.equal(interpolateString('${A}', ctx({ A: 'x' })).value, 'x');
  assert.equal(interpolateString('${B:-fallback}', ctx({})).value, 'fallback');
  assert.equal(interpolateString('${B:-fallback}', ctx({ B: '' })).value, 'fallback');
  assert.equal(interpolateString('${B:-fallback}', ctx({ B: 'set' })).value, 'set');
  assert.equal(interpolateString('${B:-}', ctx({})).value, '');
  assert.equal(interpolateString('http://${HOST}:${PORT:-8000}/v1', ctx({ HOST: 'gpu' })).value, 'http://gpu:8000/v1');
  assert.equal(interpolateString('price $${A} and ${A}', ctx({ A: 'x' })).value, 'price ${A} and x');
  assert.equal(interpolateString('no refs $ here', ctx({})).value, 'no refs $ here');
  assert.match(interpolateString('${A', ctx({ A: 'x' })).errors[0]!, /unterminated/);
  assert.match(interpolateString('${not valid}', ctx({})).errors[0]!, /invalid reference/);
});

test('${file:path} reads the file relative to the config file and trims one trailing newline', async () => {
  mkdirSync(join(dir, 'secrets'), { recursive: true });
  writeFileSync(join(dir, 'secrets', 'key'), 'file-secret-value\n\n');
  writeFileSync(join(dir, 'secrets', 'url'), 'http://from-file:9000\n');
  const { config, secrets } = await load(
    `backends:
  - id: a
    type: openai
    base_url: "\${file:secrets/url}"
    api_key: "\${file:./secrets/key}"
`,
  );
  assert.equal(config.backends[0]!.base_url, 'http://from-file:9000');
  assert.equal(config.backends[0]!.api_key, 'file-secret-value\n');
  assert.ok(secrets.includes('file-secret-value\n'));
  assert.ok(!secrets.includes('http://from-file:9000'));
});

test('an unreadable ${file:} is an error naming the file and key path', async () => {
  const text = await errorText(load(`backends: [{ id: a, type: openai, api_key: "\${file:missing.txt}" }]\n`));
  assert.match(text, /^c\.yaml: backends\[0\]\.api_key: \$\{file:missing\.txt\}: cannot read .*missing\.txt: no such file$/);
});

test('interpolation works in YAML, TOML and JSON alike, at any depth', async () => {
  const env = { URL: 'http://gpu:8000', KEY: 'sk-interp-123456', ORIGIN: 'https://app.example' };
  const yaml = await load(
    'server: { cors: { origins: ["${ORIGIN}"] } }\nbackends: [{ id: a, type: openai, base_url: "${URL}", api_key: "${KEY}" }]\n',
    env,
  );
  const toml = await load(
    '[server.cors]\norigins = ["${ORIGIN}"]\n[[backends]]\nid = "a"\ntype = "openai"\nbase_url = "${URL}"\napi_key = "${KEY}"\n',
    env,
    'c.toml',
  );
  const json = await load(
    JSON.stringify({
      server: { cors: { origins: ['${ORIGIN}'] } },
      backends: [{ id: 'a', type: 'openai', base_url: '${URL}', api_key: '${KEY}' }],
    }),
    env,
    'c.json',
  );
  for (const { config } of [yaml, toml, json]) {
    assert.equal(config.backends[0]!.base_url, 'http://gpu:8000');
    assert.equal(config.backends[0]!.api_key, 'sk-interp-123456');
    assert.deepEqual(config.server.cors.origins, ['https://app.example']);
  }
});

test('an unset ${ENV} without default is an error naming the variable and the key path', async () => {
  const text = await errorText(load('backends:\n  - id: local\n    type: openai\n    api_key: "${VLLM_API_KEY}"\n'));
  assert.match(text, /^c\.yaml: backends\[0\]\.api_key: environment variable VLLM_API_KEY is not set/);
  assert.equal(text.split('\n').length, 1);
});

test('map-form paths are shown as written', async () => {
  const text = await errorText(load('backends:\n  local:\n    type: openai\n    base_url: "${GPU_URL}"\n'));
  assert.match(text, /^c\.yaml: backends\.local\.base_url: environment variable GPU_URL is not set/);
});

test('resolved secrets are collected and never appear in error messages', async () => {
  const env = { BACKEND_KEY: 'sk-very-secret-backend-key', INBOUND: 'inbound-secret-key-1', HDR: 'header-secret-token' };
  const text = await errorText(
    load(
      `server:
  api_keys: ["\${INBOUND}", { name: team, key: "\${INBOUND}" }]
  port: "\${INBOUND}"
backends:
  - id: a
    type: openai
    base_url: "\${BACKEND_KEY}"
    api_key: "\${BACKEND_KEY}"
    headers: { Authorization: "Bearer \${HDR}", X-Other: "\${HDR}" }
    timeout_seconds: "\${BACKEND_KEY}"
    bogus_key: "\${BACKEND_KEY}"
`,
      env,
    ),
  );
  assert.ok(text.split('\n').length >= 3, text);
  for (const secret of Object.values(env)) assert.ok(!text.includes(secret), `error text leaks ${secret}:\n${text}`);

  const ok = await load(
    'server: { api_keys: ["${INBOUND}"] }\nbackends: [{ id: a, type: openai, api_key: "${BACKEND_KEY}", headers: { X-Token: "${HDR}", X-Plain: literal } }]\n',
    env,
  );
  for (const secret of Object.values(env)) assert.ok(ok.secrets.includes(secret), `secret ${secret} not collected`);
  assert.ok(!ok.secrets.includes('literal'));
});

test('a substituted value where a number or boolean is expected is converted', async () => {
  const { config } = await load(
    'server: { port: "${PORT:-4321}", passthrough_unrouted: "${PT:-true}" }\nbackends: [{ id: a, type: openai, default: true, timeout_seconds: "${T}" }]\n',
    { T: '12.5' },
  );
  assert.equal(config.server.port, 4321);
  assert.equal(config.server.passthrough_unrouted, true);
  assert.equal(config.backends[0]!.timeout_seconds, 12.5);
});

test('a literal string where a number is expected stays an error', async () => {
  const text = await errorText(load('server: { port: "4000" }\nbackends: [{ id: a, type: openai }]\n'));
  assert.match(text, /^c\.yaml: server\.port: must be a whole number/);
});

test('map keys are not interpolated, $${ survives as a literal', async () => {
  const { config } = await load('backends: [{ id: a, type: openai, headers: { X-Template: "$${NOT_A_VAR}" } }]\n');
  assert.equal(config.backends[0]!.headers!['X-Template'], '${NOT_A_VAR}');
});
