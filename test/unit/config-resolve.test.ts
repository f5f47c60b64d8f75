import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEMO_MODE_WARNING, UsageError, resolveConfig, type BackendConfig, type CliArgs } from '@switchyard/kernel';
import { builtinRegistry } from '../helpers/builtin-registry.js';

const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A fresh working directory, optionally with ./config.yaml and another file; removed after the file's tests. */
function workdir(withLocalConfig: boolean): string {
  const cwd = mkdtempSync(join(tmpdir(), 'switchyard-config-resolve-'));
  made.push(cwd);
  if (withLocalConfig) writeFileSync(join(cwd, 'config.yaml'), 'backends: [{ id: from-local, type: openai }]\n');
  mkdirSync(join(cwd, 'etc'));
  writeFileSync(join(cwd, 'etc', 'explicit.yaml'), 'backends: [{ id: from-explicit, type: openai }]\n');
  writeFileSync(join(cwd, 'etc', 'env.toml'), '[[backends]]\nid = "from-env"\ntype = "openai"\n');
  return cwd;
}

const resolve = (args: CliArgs, env: NodeJS.ProcessEnv, cwd: string) => resolveConfig({ args, env, cwd, registry: builtinRegistry() });

test('precedence: --config beats SWITCHYARD_BACKEND beats ./config.yaml beats demo mode', async () => {
  const cwd = workdir(true);
  const explicit = await resolve({ config: 'etc/explicit.yaml' }, { SWITCHYARD_BACKEND: 'openai' }, cwd);
  assert.equal(explicit.source, 'file');
  assert.equal(explicit.file, join(cwd, 'etc', 'explicit.yaml'));
  assert.equal(explicit.config.backends[0]!.id, 'from-explicit');
  assert.equal(explicit.singleBackend, false);
  assert.match(explicit.warnings.join('\n'), /SWITCHYARD_BACKEND ignored: --config selects/);

  const fromEnv = await resolve({}, { SWITCHYARD_CONFIG: 'etc/env.toml', SWITCHYARD_BACKEND: 'openai' }, cwd);
  assert.equal(fromEnv.config.backends[0]!.id, 'from-env');

  const flagBeatsEnv = await resolve({ config: 'etc/explicit.yaml' }, { SWITCHYARD_CONFIG: 'etc/env.toml' }, cwd);
  assert.equal(flagBeatsEnv.config.backends[0]!.id, 'from-explicit');

  const single = await resolve({}, { SWITCHYARD_BACKEND: 'openai' }, cwd);
  assert.equal(single.source, 'single-backend');
  assert.equal(single.config.backends[0]!.id, 'openai');

  const local = await resolve({}, {}, cwd);
  assert.equal(local.source, 'file');
  assert.equal(local.file, join(cwd, 'config.yaml'));
  assert.equal(local.config.backends[0]!.id, 'from-local');

  const demo = await resolve({}, {}, workdir(false));
  assert.equal(demo.source, 'demo');
  assert.equal(demo.file, undefined);
  assert.deepEqual(
    demo.config.backends.map((b) => ({ id: b.id, type: b.type, models: b.models })),
    [{ id: 'mock', type: 'mock', models: ['mock'] }],
  );
  assert.ok(demo.warnings.includes(DEMO_MODE_WARNING));
  assert.match(DEMO_MODE_WARNING, /--config FILE/);
  assert.match(DEMO_MODE_WARNING, /--backend TYPE/);
});

test('an invalid ./config.yaml is an error, not demo mode', async () => {
  const cwd = workdir(false);
  writeFileSync(join(cwd, 'config.yaml'), '');
  await assert.rejects(
    resolve({}, {}, cwd),
    (err: unknown) => err instanceof ConfigError && err.message.startsWith('config.yaml: the configuration is empty'),
  );
  writeFileSync(join(cwd, 'config.yaml'), 'backends: [{ id: a, type: openai, base_ulr: x }]\n');
  await assert.rejects(resolve({}, {}, cwd), /config\.yaml: backends\[0\]\.base_ulr: unknown key; did you mean "base_url"\?/);
});

test('an explicit config file that does not exist is an error', async () => {
  await assert.rejects(
    resolve({ config: 'missing.yaml' }, {}, workdir(true)),
    /missing\.yaml: cannot read the configuration file: no such file/,
  );
});

test('single-backend mode from the environment', async () => {
  const loaded = await resolve(
    {},
    {
      SWITCHYARD_BACKEND: 'gcp-vertex',
      SWITCHYARD_BASE_URL: 'https://proxy.example:8443',
      SWITCHYARD_BACKEND_API_KEY: 'sk-single-backend-secret',
      GOOGLE_CLOUD_PROJECT: 'proj-1',
      VERTEX_LOCATION: 'europe-west4',
    },
    workdir(true),
  );
  assert.equal(loaded.source, 'single-backend');
  assert.equal(loaded.singleBackend, true);
  const [b] = loaded.config.backends as (BackendConfig & { project?: string; location?: string })[];
  assert.equal(loaded.config.backends.length, 1);
  assert.equal(b!.id, 'gcp-vertex');
  assert.equal(b!.type, 'gcp-vertex');
  assert.equal(b!.default, true);
  assert.deepEqual(b!.models, ['*']);
  assert.equal(b!.base_url, 'https://proxy.example:8443');
  assert.equal(b!.api_key, 'sk-single-backend-secret');
  assert.equal(b!.project, 'proj-1');
  assert.equal(b!.location, 'europe-west4');
  assert.ok(loaded.secrets.includes('sk-single-backend-secret'));
});

test('single-backend mode from flags; flags beat the environment; GOOGLE_CLOUD_LOCATION beats VERTEX_LOCATION', async () => {
  const loaded = await resolve(
    { backend: 'gcp-vertex', baseUrl: 'http://flag:8000', project: 'flag-proj', models: ['claude-*', 'gemini-*'] },
    {
      SWITCHYARD_BACKEND: 'anthropic',
      SWITCHYARD_BASE_URL: 'http://env:1',
      GOOGLE_CLOUD_PROJECT: 'env-proj',
      GOOGLE_CLOUD_LOCATION: 'us-east5',
      VERTEX_LOCATION: 'x',
    },
    workdir(true),
  );
  const [b] = loaded.config.backends as (BackendConfig & { project?: string; location?: string })[];
  assert.equal(b!.type, 'gcp-vertex');
  assert.equal(b!.id, 'gcp-vertex');
  assert.equal(b!.base_url, 'http://flag:8000');
  assert.equal(b!.project, 'flag-proj');
  assert.equal(b!.location, 'us-east5');
  assert.deepEqual(b!.models, ['claude-*', 'gemini-*']);
  assert.equal(b!.api_key, undefined);
  const withLocation = await resolve({ backend: 'gcp-vertex', location: 'global' }, { GOOGLE_CLOUD_LOCATION: 'us-east5' }, workdir(false));
  assert.equal((withLocation.config.backends[0] as BackendConfig & { location?: string }).location, 'global');
});

test("single-backend mode: a plugin's flags and variables only for the type that declares them", async () => {
  // The Google Cloud variables are not read for other types (they may well be set for something else) ...
  const openai = await resolve({ backend: 'openai' }, { GOOGLE_CLOUD_PROJECT: 'p', GOOGLE_CLOUD_LOCATION: 'us-east5' }, workdir(false));
  assert.deepEqual(
    Object.keys(openai.config.backends[0]!).filter((k) => k === 'project' || k === 'location'),
    [],
  );
  // ... and a flag the type has no key for is an error naming the flag.
  await assert.rejects(resolve({ backend: 'ollama', project: 'p' }, {}, workdir(false)), /--backend ollama: --project: unknown key/);
});

test('single-backend mode validates like a file, naming the flag', async () => {
  await assert.rejects(
    resolve({ backend: 'opneai' }, {}, workdir(false)),
    /--backend opneai: --backend \/ SWITCHYARD_BACKEND: unknown backend type "opneai"; did you mean "openai"\?/,
  );
  await assert.rejects(
    resolve({}, { SWITCHYARD_BACKEND: 'openai', SWITCHYARD_BASE_URL: 'gpu:8000' }, workdir(false)),
    /SWITCHYARD_BACKEND openai: --base-url \/ SWITCHYARD_BASE_URL: must be an http:\/\/ or https:\/\/ URL/,
  );
});

test('--model (and the other single-backend flags) without --backend is a usage error', async () => {
  await assert.rejects(
    resolve({ models: ['x'] }, {}, workdir(true)),
    (err: unknown) => err instanceof UsageError && /--model only applies in single-backend mode/.test(err.message),
  );
  await assert.rejects(resolve({ baseUrl: 'http://x' }, {}, workdir(true)), UsageError);
  // SWITCHYARD_BACKEND supplies the backend, so --model is fine with it.
  const loaded = await resolve({ models: ['gpt-*'] }, { SWITCHYARD_BACKEND: 'openai' }, workdir(false));
  assert.deepEqual(loaded.config.backends[0]!.models, ['gpt-*']);
});

test('--config together with --backend is a usage error', async () => {
  await assert.rejects(resolve({ config: 'etc/explicit.yaml', backend: 'openai' }, {}, workdir(true)), UsageError);
});

test('command-line overrides: --listen, --metrics-listen, --log-level, SWITCHYARD_API_KEY', async () => {
  const cwd = workdir(false);
  writeFileSync(
    join(cwd, 'config.yaml'),
    'server: { host: 127.0.0.1, port: 1, api_keys: [{ name: a, key: file-key-1234 }] }\ntelemetry: { prometheus: { enabled: false } }\nlogging: { level: warn }\nbackends: [{ id: a, type: openai }]\n',
  );
  const loaded = await resolve(
    { listen: { host: '::', port: 4000 }, metricsListen: { port: 9999 }, logLevel: 'debug' },
    { SWITCHYARD_API_KEY: 'env-inbound-key-5678' },
    cwd,
  );
  assert.equal(loaded.config.server.host, '::');
  assert.equal(loaded.config.server.port, 4000);
  assert.equal(loaded.config.telemetry.prometheus.port, 9999);
  assert.equal(loaded.config.telemetry.prometheus.host, '0.0.0.0');
  assert.equal(loaded.config.telemetry.prometheus.enabled, true);
  assert.equal(loaded.config.logging.level, 'debug');
  assert.deepEqual(
    loaded.config.server.api_keys.map((k) => k.key),
    ['file-key-1234', 'env-inbound-key-5678'],
  );
  assert.ok(loaded.secrets.includes('env-inbound-key-5678') && loaded.secrets.includes('file-key-1234'));

  const portOnly = await resolve({ listen: { port: 5000 } }, {}, cwd);
  assert.equal(portOnly.config.server.host, '127.0.0.1');
  assert.equal(portOnly.config.server.port, 5000);
});

test('SWITCHYARD_API_KEY turns on auth in demo and single-backend mode too; empty means off', async () => {
  const demo = await resolve({}, { SWITCHYARD_API_KEY: 'demo-key-1234' }, workdir(false));
  assert.deepEqual(
    demo.config.server.api_keys.map((k) => k.key),
    ['demo-key-1234'],
  );
  const single = await resolve({}, { SWITCHYARD_BACKEND: 'mock', SWITCHYARD_API_KEY: '' }, workdir(false));
  assert.deepEqual(single.config.server.api_keys, []);
});

test('"${SWITCHYARD_API_KEY:-}" in the file: unset means no auth; set means that key, once', async () => {
  const cwd = workdir(false);
  writeFileSync(join(cwd, 'config.yaml'), 'server: { api_keys: ["${SWITCHYARD_API_KEY:-}"] }\nbackends: [{ id: a, type: openai }]\n');
  assert.deepEqual((await resolve({}, {}, cwd)).config.server.api_keys, []);
  const set = await resolve({}, { SWITCHYARD_API_KEY: 'the-key-1234' }, cwd);
  assert.deepEqual(
    set.config.server.api_keys.map((k) => k.key),
    ['the-key-1234'],
  );
});
