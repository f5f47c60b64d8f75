import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IsInt, Min } from 'class-validator';
import { BackendConfig, buildConfig, ConfigError, type ProviderPlugin } from '@switchyard/kernel';
import { parse } from 'yaml';
import { builtinRegistry } from '../helpers/builtin-registry.js';

const build = (yaml: string, registry = builtinRegistry()) =>
  buildConfig(parse(yaml), { source: 'cfg.yaml', baseDir: '.', env: {}, registry });

async function errorLines(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.deepEqual(err.issues, err.message.split('\n'));
    return [...err.issues];
  }
  assert.fail('expected the configuration to be rejected');
}

const has = (lines: string[], line: string) => assert.ok(lines.includes(line), `missing line:\n  ${line}\nin:\n  ${lines.join('\n  ')}`);

test('list form and map form give the same backends and routes', async () => {
  const list = await build(`
backends:
  - { id: local, type: openai, base_url: "http://gpu:8000", models: ["Qwen/*"] }
routes:
  - { virtual_model: coder, backend: local, real_model: Qwen/Qwen3 }
`);
  const map = await build(`
backends:
  local: { type: openai, base_url: "http://gpu:8000", models: ["Qwen/*"] }
routes:
  coder: { backend: local, real_model: Qwen/Qwen3 }
`);
  for (const { config } of [list, map]) {
    assert.equal(config.backends[0]!.id, 'local');
    assert.ok(config.backends[0] instanceof BackendConfig);
    assert.equal(config.routes[0]!.virtual_model, 'coder');
    assert.equal(config.routes[0]!.real_model, 'Qwen/Qwen3');
  }
});

test('a map entry that sets a different id is an error; the same id is fine', async () => {
  await build('backends:\n  local: { id: local, type: openai }\n');
  has(
    await errorLines(build('backends:\n  local: { id: other, type: openai }\n')),
    'cfg.yaml: backends.local.id: differs from the map key "local" (remove id, or make the two equal)',
  );
  const lines = await errorLines(
    build('backends: [{ id: a, type: openai }]\nroutes:\n  coder: { virtual_model: x, backend: a, real_model: m }\n'),
  );
  has(lines, 'cfg.yaml: routes.coder.virtual_model: differs from the map key "coder" (remove virtual_model, or make the two equal)');
});

test('unknown keys at any depth name the path and suggest the nearest key', async () => {
  const lines = await errorLines(
    build(`
server: { prot: 4000, cors: { origin: [] } }
telemetry: { prometheus: { enabeld: true } }
backends:
  - { id: a, type: openai, base_ulr: "http://x", tls: { cq: x } }
routes:
  r: { backend: a, real_model: m, system_promt: { text: hi } }
bakends: []
`),
  );
  has(lines, 'cfg.yaml: backends[0].base_ulr: unknown key; did you mean "base_url"?');
  has(lines, 'cfg.yaml: server.prot: unknown key; did you mean "port"?');
  has(lines, 'cfg.yaml: server.cors.origin: unknown key; did you mean "origins"?');
  has(lines, 'cfg.yaml: telemetry.prometheus.enabeld: unknown key; did you mean "enabled"?');
  has(lines, 'cfg.yaml: backends[0].tls.cq: unknown key; did you mean "ca"?');
  has(lines, 'cfg.yaml: routes.r.system_promt: unknown key; did you mean "system_prompt"?');
  has(lines, 'cfg.yaml: bakends: unknown key; did you mean "backends"?');
});

test('an unknown key far from any valid one lists the valid keys', async () => {
  const lines = await errorLines(build('logging: { zzzzzzzz: 1 }\nbackends: [{ id: a, type: openai }]\n'));
  has(lines, 'cfg.yaml: logging.zzzzzzzz: unknown key; expected one of: level');
});

test('free-form maps (headers, defaults, clamp, limits, options) are not checked for unknown keys', async () => {
  const { config } = await build(`
backends:
  - { id: a, type: openai, headers: { X-Anything: v }, options: { whatever: 1 } }
routes:
  - { virtual_model: r, backend: a, real_model: m, defaults: { repetition_penalty: 1.1, chat_template_kwargs: { x: 1 } }, clamp: { top_k: null } }
`);
  assert.deepEqual(config.routes[0]!.defaults, { repetition_penalty: 1.1, chat_template_kwargs: { x: 1 } });
});

test('all errors are reported at once, one per line, each with file and key path', async () => {
  const lines = await errorLines(
    build(`
server: { port: 99999, body_limit_mb: lots }
logging: { level: loud }
backends:
  - { id: a, type: openai, base_url: not-a-url, timeout_seconds: -1, forward_client_auth: "yes" }
`),
  );
  assert.ok(lines.length >= 5, lines.join('\n'));
  for (const line of lines) assert.match(line, /^cfg\.yaml: [\w.[\]]+: \S/);
  has(lines, 'cfg.yaml: server.port: must not be greater than 65535');
  has(lines, 'cfg.yaml: server.body_limit_mb: must be a number');
  has(lines, 'cfg.yaml: logging.level: must be one of the following values: silent, error, warn, info, debug, trace');
  has(lines, 'cfg.yaml: backends[0].base_url: must be an http:// or https:// URL (e.g. http://gpu-server:8000)');
  has(lines, 'cfg.yaml: backends[0].timeout_seconds: must not be less than 0.001');
  has(lines, 'cfg.yaml: backends[0].forward_client_auth: must be true or false');
});

test('type errors: wrong shapes and missing required keys', async () => {
  const lines = await errorLines(
    build(`
server: 5
plugins: "x"
backends:
  - { type: openai, models: "Qwen/*" }
  - 7
routes:
  - { backend: a }
`),
  );
  has(lines, 'cfg.yaml: server: must be a map of settings');
  has(lines, 'cfg.yaml: plugins: must be a list');
  has(lines, 'cfg.yaml: backends[0].id: is required (must be a string)');
  has(lines, 'cfg.yaml: backends[0].models: must be a list of strings');
  has(lines, 'cfg.yaml: backends[1]: expected a map of backend settings (id, type, base_url, …)');
  has(lines, 'cfg.yaml: routes[0].virtual_model: is required (must be a string)');
  has(lines, 'cfg.yaml: routes[0].real_model: is required with backend (the model name the backend knows)');
});

test('a profile may not set model, messages, input or stream', async () => {
  const lines = await errorLines(
    build(`
backends: [{ id: a, type: openai }]
routes:
  - { virtual_model: r, backend: a, real_model: m, defaults: { model: x } }
  - { virtual_model: s, backend: a, real_model: m, clamp: { stream: true } }
`),
  );
  has(lines, 'cfg.yaml: routes[0].defaults: must not set "model": model, messages, input, stream belong to the caller');
  has(lines, 'cfg.yaml: routes[1].clamp: must not set "stream": model, messages, input, stream belong to the caller');
});

test('passthrough_unrouted: true requires a default backend', async () => {
  has(
    await errorLines(build('server: { passthrough_unrouted: true }\nbackends: [{ id: a, type: openai }]\n')),
    'cfg.yaml: server.passthrough_unrouted: true requires exactly one backend with default: true (there is none)',
  );
  await build('server: { passthrough_unrouted: true }\nbackends: [{ id: a, type: openai, default: true }]\n');
});

test('at most one default backend', async () => {
  has(
    await errorLines(build('backends: [{ id: a, type: openai, default: true }, { id: b, type: openai, default: true }]\n')),
    'cfg.yaml: backends[1].default: only one backend may be default: true (backends[0] already is)',
  );
});

test('duplicate backend ids and virtual_model names', async () => {
  const lines = await errorLines(
    build(`
backends: [{ id: a, type: openai }, { id: b, type: openai }, { id: a, type: mock }]
routes:
  - { virtual_model: r, backend: a, real_model: m }
  - { virtual_model: r, backend: b, real_model: n }
`),
  );
  has(lines, 'cfg.yaml: backends[2].id: duplicate backend id "a" (also backends[0])');
  has(lines, 'cfg.yaml: routes[1].virtual_model: duplicate virtual_model "r" (also routes[0])');
});

test('route rules: backend + real_model or auto_route; backend must exist; auto_route targets must be routable', async () => {
  const lines = await errorLines(
    build(`
backends: [{ id: local, type: openai, models: ["Qwen/*"] }]
routes:
  both: { backend: local, real_model: m, auto_route: { text: x, vision: y } }
  neither: { context_length: 100 }
  typo: { backend: locla, real_model: m }
  coder: { backend: local, real_model: m }
  auto: { auto_route: { text: coder, vision: Qwen/VL } }
  bad_auto: { auto_route: { text: nothing, vision: auto } }
`),
  );
  has(lines, 'cfg.yaml: routes.both: set either backend + real_model or auto_route, not both');
  has(lines, 'cfg.yaml: routes.neither: expected backend + real_model (a profile), targets, or auto_route');
  has(lines, 'cfg.yaml: routes.typo.backend: no backend has id "locla"; did you mean "local"? (backends: local)');
  has(
    lines,
    'cfg.yaml: routes.bad_auto.auto_route.text: "nothing" is neither a virtual model (routes) nor a model any backend\'s models globs serve',
  );
  has(
    lines,
    'cfg.yaml: routes.bad_auto.auto_route.vision: "auto" is itself an auto_route; point at a virtual model with a backend or a served model',
  );
  assert.ok(!lines.some((l) => l.includes('routes.auto.')), lines.join('\n'));
});

test('an unknown backend type lists the known types (the registered plugins)', async () => {
  const lines = await errorLines(build('backends: [{ id: a, type: opneai }]\n'));
  has(
    lines,
    'cfg.yaml: backends[0].type: unknown backend type "opneai"; did you mean "openai"? (known types: openai, anthropic, mock, openresponses, gcp-vertex, aws-bedrock, ollama; a plugin package under plugins: may add more)',
  );
  const { config } = await build('backends: [{ id: v, type: gcp-vertex, project: p, location: us-east5, auth_type: adc }]\n');
  assert.equal(config.backends[0]!.type, 'gcp-vertex');
});

test("provider keys belong to their plugin's config class: another type's key is an unknown key naming its path", async () => {
  const lines = await errorLines(
    build(`
backends:
  local: { type: ollama, project: my-project }
  vllm: { type: openai, location: us-east5, default_max_tokens: 100, thinking: none, tokenize: true }
  claude: { type: anthropic, thinking: none, default_max_tokens: 100 }
  v: { type: gcp-vertex, tokenize: true, default_max_tokens: 100, project: p }
`),
  );
  assert.ok(
    lines.some((l) => l.startsWith('cfg.yaml: backends.local.project: unknown key')),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => l.startsWith('cfg.yaml: backends.vllm.location: unknown key')),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => l.startsWith('cfg.yaml: backends.vllm.default_max_tokens: unknown key')),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => l.startsWith('cfg.yaml: backends.claude.thinking: unknown key')),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => l.startsWith('cfg.yaml: backends.v.tokenize: unknown key')),
    lines.join('\n'),
  );
  assert.equal(lines.length, 5, lines.join('\n'));
  // Each key is accepted, and checked, by the type that declares it.
  const { config } = await build(`
backends:
  - { id: vllm, type: openai, thinking: reasoning_effort, tokenize: true }
  - { id: claude, type: anthropic, default_max_tokens: 100 }
  - { id: v, type: gcp-vertex, default_max_tokens: 200, location: global }
`);
  assert.deepEqual(
    config.backends.map((b) => [
      b.id,
      (b as unknown as Record<string, unknown>).thinking ?? (b as unknown as Record<string, unknown>).default_max_tokens,
    ]),
    [
      ['vllm', 'reasoning_effort'],
      ['claude', 100],
      ['v', 200],
    ],
  );
  has(
    await errorLines(build('backends: [{ id: vllm, type: openai, thinking: loud }]\n')),
    'cfg.yaml: backends[0].thinking: must be one of the following values: chat_template_kwargs, reasoning_effort, none',
  );
  has(
    await errorLines(build('backends: [{ id: c, type: anthropic, default_max_tokens: 0 }]\n')),
    'cfg.yaml: backends[0].default_max_tokens: must not be less than 1',
  );
});

test("auth_type: the kernel's (bearer, x-api-key, none) unless the type's plugin lists its own", async () => {
  has(
    await errorLines(build('backends: [{ id: o, type: openai, auth_type: adc }]\n')),
    'cfg.yaml: backends[0].auth_type: "adc" is not supported by type openai (expected one of: bearer, x-api-key, none)',
  );
  const { config } = await build(
    'backends: [{ id: o, type: openai, auth_type: x-api-key }, { id: v, type: gcp-vertex, auth_type: adc }]\n',
  );
  assert.deepEqual(
    config.backends.map((b) => b.auth_type),
    ['x-api-key', 'adc'],
  );
});

class WidgetBackendConfig extends BackendConfig {
  @IsInt()
  @Min(1)
  widgets = 3;
}

const widgetPlugin: ProviderPlugin<WidgetBackendConfig> = {
  type: 'widget',
  configClass: WidgetBackendConfig,
  nativeProtocols: ['openai.chat'],
  createAdapter: () => {
    throw new Error('not used');
  },
};

test("a plugin's config class validates its backends (its own keys, defaults and checks)", async () => {
  const registry = builtinRegistry().register(widgetPlugin);
  const { config } = await build('backends: [{ id: w, type: widget, widgets: 7 }, { id: x, type: widget }]\n', registry);
  assert.ok(config.backends[0] instanceof WidgetBackendConfig);
  assert.equal((config.backends[0] as WidgetBackendConfig).widgets, 7);
  assert.equal((config.backends[1] as WidgetBackendConfig).widgets, 3);

  const lines = await errorLines(
    build('backends: [{ id: w, type: widget, widgets: 0, widgtes: 2 }, { id: o, type: openai, widgets: 1 }]\n', registry),
  );
  has(lines, 'cfg.yaml: backends[0].widgets: must not be less than 1');
  has(lines, 'cfg.yaml: backends[0].widgtes: unknown key; did you mean "widgets"?');
  assert.ok(
    lines.some((l) => l.startsWith('cfg.yaml: backends[1].widgets: unknown key')),
    lines.join('\n'),
  );
  has(
    await errorLines(build('backends: [{ id: w, type: widget, auth_type: adc }]\n', registry)),
    'cfg.yaml: backends[0].auth_type: "adc" is not supported by type widget (expected one of: bearer, x-api-key, none)',
  );
});

test('server.api_keys: strings and { name, key } become { key } objects; empty keys are dropped', async () => {
  const { config, secrets } = await build(`
server:
  api_keys: ["", "key-one-1234", { name: team-a, key: key-two-5678 }, { name: team-b, key: "" }]
backends: [{ id: a, type: openai }]
`);
  assert.deepEqual(
    config.server.api_keys.map((k) => ({ name: k.name, key: k.key })),
    [
      { name: undefined, key: 'key-one-1234' },
      { name: 'team-a', key: 'key-two-5678' },
    ],
  );
  assert.ok(secrets.includes('key-one-1234') && secrets.includes('key-two-5678'));
  assert.ok(!secrets.includes('team-a'));
  const lines = await errorLines(build('server: { api_keys: ["", 42, { name: x, kye: y }] }\nbackends: [{ id: a, type: openai }]\n'));
  has(lines, 'cfg.yaml: server.api_keys[1]: expected a key string or { name, key }');
  has(lines, 'cfg.yaml: server.api_keys[2] (x).kye: unknown key; did you mean "key"?');
});

test('a configuration without backends is an error', async () => {
  has(
    await errorLines(build('server: { port: 4000 }\n')),
    'cfg.yaml: backends: expected at least one backend (e.g. - { id: local, type: openai, base_url: "http://localhost:8000" })',
  );
});

test('backends that are neither a list nor a map', async () => {
  has(await errorLines(build('backends: openai\n')), 'cfg.yaml: backends: expected a list of backends, or a map keyed by id');
});

test('server request time limits: defaults 30 s and 10 s; headers_timeout_seconds may not exceed request_timeout_seconds', async () => {
  const { config } = await build(`
backends: [{ id: local, type: openai, base_url: "http://gpu:8000" }]
`);
  assert.equal(config.server.request_timeout_seconds, 30);
  assert.equal(config.server.headers_timeout_seconds, 10);
  const lines = await errorLines(
    build(`
server: { request_timeout_seconds: 5, headers_timeout_seconds: 6 }
backends: [{ id: local, type: openai, base_url: "http://gpu:8000" }]
`),
  );
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /server\.headers_timeout_seconds.*at most server\.request_timeout_seconds \(5\)/);
  await errorLines(
    build(`
server: { request_timeout_seconds: 0 }
backends: [{ id: local, type: openai, base_url: "http://gpu:8000" }]
`),
  );
});
