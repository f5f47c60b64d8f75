import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BackendConfig, GatewayError, ModelRouter, RouteConfig, type ProtocolCodec } from '@switchyard/kernel';

function backend(id: string, models?: string[], extra: Partial<BackendConfig> = {}): BackendConfig {
  return Object.assign(new BackendConfig(), { id, type: 'openai', models, ...extra });
}

function route(virtual_model: string, backendId: string, real_model: string, extra: Partial<RouteConfig> = {}): RouteConfig {
  return Object.assign(new RouteConfig(), { virtual_model, backend: backendId, real_model, ...extra });
}

describe('routing order (SPEC §2)', () => {
  const backends = [
    backend('a', ['Qwen/*', 'shared-*']),
    backend('b', ['shared-*', 'llama-3']),
    backend('c'),
    backend('d', ['*'], { default: true }),
  ];

  it('an exact virtual model wins over every glob', () => {
    const r = new ModelRouter({ backends, routes: [route('shared-x', 'b', 'real-x')], passthroughUnrouted: false, singleBackend: false });
    const d = r.route('shared-x');
    assert.deepEqual([d.backendId, d.realModel, d.virtualModel, d.via], ['b', 'real-x', 'shared-x', 'virtual_model']);
  });

  it('backend globs are tried in file order: the first matching backend wins', () => {
    const r = new ModelRouter({ backends, routes: [], passthroughUnrouted: false, singleBackend: false });
    assert.equal(r.route('shared-1').backendId, 'a');
    assert.equal(r.route('llama-3').backendId, 'b');
    assert.equal(r.route('Qwen/Qwen3-8B').realModel, 'Qwen/Qwen3-8B');
  });

  it('`*` also matches `/`, and globs are case-sensitive', () => {
    const r = new ModelRouter({
      backends: [backend('a', ['qwen/*']), backend('z', ['Q*'])],
      routes: [],
      passthroughUnrouted: false,
      singleBackend: false,
    });
    assert.equal(r.route('Qwen/Qwen3/instruct').backendId, 'z');
  });

  it('a backend without `models` matches nothing, except in single-backend mode', () => {
    const only = [backend('c')];
    assert.throws(
      () => new ModelRouter({ backends: only, routes: [], passthroughUnrouted: false, singleBackend: false }).route('x'),
      GatewayError,
    );
    assert.equal(
      new ModelRouter({ backends: only, routes: [], passthroughUnrouted: false, singleBackend: true }).route('any/thing').backendId,
      'c',
    );
  });

  it('passthrough_unrouted sends unknown names to the default backend', () => {
    const r = new ModelRouter({
      backends: [backend('a', ['x']), backend('d', [], { default: true })],
      routes: [],
      passthroughUnrouted: true,
      singleBackend: false,
    });
    const d = r.route('unknown-model');
    assert.deepEqual([d.backendId, d.realModel, d.via], ['d', 'unknown-model', 'passthrough_unrouted']);
  });

  it('otherwise 404 model_not_found listing the models that exist', () => {
    const r = new ModelRouter({
      backends: [backend('a', ['Qwen/*', 'llama-3'])],
      routes: [route('coder', 'a', 'Qwen/Qwen3-8B')],
      passthroughUnrouted: false,
      singleBackend: false,
      knownModels: () => ['Qwen/Qwen3-8B'],
    });
    try {
      r.route('gpt-5');
      assert.fail('expected model_not_found');
    } catch (err) {
      assert.ok(err instanceof GatewayError);
      assert.equal(err.status, 404);
      assert.equal(err.code, 'model_not_found');
      assert.match(err.message, /coder, llama-3, Qwen\/Qwen3-8B/);
    }
  });

  it('a virtual model carries its profile, computed once; globs carry none', () => {
    const r = new ModelRouter({
      backends: [backend('a', ['*'])],
      routes: [route('coder', 'a', 'm', { defaults: { temperature: 0.2 } }), route('plain', 'a', 'm')],
      passthroughUnrouted: false,
      singleBackend: false,
    });
    assert.deepEqual(r.route('coder').profile, { defaults: { temperature: 0.2 } });
    assert.equal(r.route('coder').profile, r.route('coder').profile);
    assert.equal(r.route('plain').profile, null);
    assert.equal(r.route('m').profile, null);
  });
});

describe("auto_route asks the client protocol's codec whether the body carries media (ProtocolCodec.hasMediaContent)", () => {
  const r = new ModelRouter({
    backends: [backend('t', ['text-*']), backend('v', ['vision-*'])],
    routes: [Object.assign(new RouteConfig(), { virtual_model: 'auto', auto_route: { text: 'text-m', vision: 'vision-m' } })],
    passthroughUnrouted: false,
    singleBackend: false,
  });
  const body = { model: 'auto', parts: [{ kind: 'picture' }] };
  const seen: Record<string, unknown>[] = [];
  const acme: ProtocolCodec = {
    protocol: 'acme.chat',
    hasMediaContent: (b) => (seen.push(b), Array.isArray(b.parts) && b.parts.some((p: { kind?: string }) => p.kind === 'picture')),
  };

  it("the codec's answer picks the slot: media → vision, none → text; the body is what the codec reads", () => {
    const vision = r.route('auto', { codec: acme, body });
    assert.deepEqual([vision.backendId, vision.realModel, vision.autoRoute?.kind], ['v', 'vision-m', 'vision']);
    assert.equal(seen.at(-1), body);
    assert.equal(r.route('auto', { codec: acme, body: { model: 'auto', parts: [] } }).autoRoute?.kind, 'text');
  });

  it('a codec without the hook, no codec, or no content: the text slot, whatever the body holds', () => {
    const mediaInEveryShape = {
      ...body,
      messages: [{ role: 'user', content: [{ type: 'image_url' }, { type: 'image' }] }],
      input: [{ type: 'input_image' }],
    };
    assert.equal(r.route('auto', { codec: { protocol: 'acme.chat' }, body: mediaInEveryShape }).autoRoute?.kind, 'text');
    assert.equal(r.route('auto', { codec: undefined, body: mediaInEveryShape }).autoRoute?.kind, 'text');
    assert.equal(r.route('auto').backendId, 't');
  });
});
