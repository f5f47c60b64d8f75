/**
 * The gcp-vertex plugin's pieces that need no network: URL building (regional, global, base_url
 * override), model id mapping (Anthropic-style Claude ids → Vertex's `@` form), which wire
 * protocol each ingress and model take, the Claude body reshaping, and the backend's config
 * (single-backend flags and file keys).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  ConfigError,
  GatewayError,
  PluginRegistry,
  resolveConfig,
  SecretRedactor,
  type CliArgs,
  type KernelLogger,
} from '@switchyard/kernel';
import anthropic from '@switchyard/plugin-anthropic';
import vertex, {
  shapeVertexClaudeBody,
  shapeVertexClaudeCountTokensBody,
  VertexAdapter,
  vertexHost,
  vertexModelId,
  vertexModelUrl,
  vertexPublisherOf,
  type VertexBackendConfig,
} from '@switchyard/plugin-vertex';

describe('Vertex URLs', () => {
  it('regional host, the global host, the base_url override', () => {
    assert.equal(vertexHost('us-east5'), 'us-east5-aiplatform.googleapis.com');
    assert.equal(vertexHost('global'), 'aiplatform.googleapis.com');
    const url = (over: Partial<Parameters<typeof vertexModelUrl>[0]>) =>
      vertexModelUrl({
        project: 'my-proj',
        location: 'us-east5',
        publisher: 'google',
        model: 'gemini-2.5-pro',
        method: 'generateContent',
        ...over,
      });
    assert.equal(
      url({}),
      'https://us-east5-aiplatform.googleapis.com/v1/projects/my-proj/locations/us-east5/publishers/google/models/gemini-2.5-pro:generateContent',
    );
    assert.equal(
      url({ location: 'global', method: 'streamGenerateContent', query: 'alt=sse' }),
      'https://aiplatform.googleapis.com/v1/projects/my-proj/locations/global/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
    );
    assert.equal(
      url({ publisher: 'anthropic', model: 'claude-sonnet-4-5@20250929', method: 'streamRawPredict', location: 'europe-west1' }),
      'https://europe-west1-aiplatform.googleapis.com/v1/projects/my-proj/locations/europe-west1/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict',
    );
    assert.equal(
      url({ baseUrl: 'http://127.0.0.1:9000' }),
      'http://127.0.0.1:9000/v1/projects/my-proj/locations/us-east5/publishers/google/models/gemini-2.5-pro:generateContent',
    );
    // A base URL with a path is the API root, version included (the gateway's base_url rule).
    assert.equal(
      url({ baseUrl: 'https://proxy.internal/vertex/v1/' }),
      'https://proxy.internal/vertex/v1/projects/my-proj/locations/us-east5/publishers/google/models/gemini-2.5-pro:generateContent',
    );
    assert.equal(url({ project: 'example.com:proj' }).includes('/projects/example.com:proj/'), true);
  });
});

describe('Vertex model ids', () => {
  it('publisher by name; dated Claude ids in Vertex form; prefixes removed', () => {
    const table: Array<[string, 'google' | 'anthropic', string]> = [
      ['gemini-2.5-pro', 'google', 'gemini-2.5-pro'],
      ['google/gemini-3-pro-preview', 'google', 'gemini-3-pro-preview'],
      ['claude-sonnet-4-5-20250929', 'anthropic', 'claude-sonnet-4-5@20250929'],
      ['claude-3-5-sonnet-v2-20241022', 'anthropic', 'claude-3-5-sonnet-v2@20241022'],
      ['claude-haiku-4-5@20251001', 'anthropic', 'claude-haiku-4-5@20251001'],
      ['claude-opus-4-5', 'anthropic', 'claude-opus-4-5'],
      ['anthropic/claude-opus-4-1-20250805', 'anthropic', 'claude-opus-4-1@20250805'],
    ];
    for (const [model, publisher, id] of table) {
      assert.equal(vertexPublisherOf(model), publisher, model);
      assert.equal(vertexModelId(model), id, model);
    }
    assert.throws(
      () => vertexModelId('gemini/../../x'),
      (err: unknown) => err instanceof GatewayError && err.status === 400,
    );
  });
});

const logger = {
  child: () => logger,
  debug() {},
  info() {},
  warn() {},
  error() {},
  isLevelEnabled: () => false,
} as unknown as KernelLogger;

function adapter(over: Partial<VertexBackendConfig> = {}): VertexAdapter {
  const config = {
    id: 'vx',
    type: 'gcp-vertex',
    timeout_seconds: 30,
    connect_timeout_seconds: 5,
    forward_client_auth: false,
    default: false,
    skip_probe: false,
    max_concurrency: 0,
    ...over,
  } as VertexBackendConfig;
  return new VertexAdapter(config, { logger, redactor: new SecretRedactor(), singleBackend: false });
}

describe('VertexAdapter', () => {
  it('wire protocols: Claude speaks Anthropic Messages (passthrough for /v1/messages), Gemini generateContent', async () => {
    const a = adapter();
    assert.equal(a.wireProtocolFor('anthropic.messages', 'claude-sonnet-4-5-20250929'), 'anthropic.messages');
    assert.equal(a.wireProtocolFor('openai.chat', 'claude-sonnet-4-5-20250929'), 'anthropic.messages');
    assert.equal(a.wireProtocolFor('openai.chat', 'gemini-2.5-pro'), 'google.generate-content');
    assert.equal(a.wireProtocolFor('anthropic.messages', 'gemini-2.5-pro'), 'google.generate-content');
    assert.equal(a.wireProtocolFor('openai.responses', 'gemini-2.5-pro'), 'google.generate-content');
    // Embeddings: Google's models through the text embeddings :predict (issue #16 item 6); Claude has none.
    assert.equal(a.wireProtocolFor('openai.embeddings', 'gemini-embedding-001'), 'google.predict-embeddings');
    assert.equal(a.wireProtocolFor('openai.embeddings', 'claude-sonnet-4-5'), null);
    assert.equal(a.wireProtocolFor('openai.completions', 'claude-opus-4-5'), null);
    await a.close();
  });

  it('lists the models its config names literally (Vertex has no publisher-model listing to ask)', async () => {
    const a = adapter({ models: ['gemini-2.5-pro', 'claude-*', 'claude-sonnet-4-5'] });
    assert.deepEqual(await a.listModels(), [
      { id: 'gemini-2.5-pro', owned_by: 'google' },
      { id: 'claude-sonnet-4-5', owned_by: 'anthropic' },
    ]);
    await a.close();
  });

  it('the plugin: type gcp-vertex, provider gcp.vertex_ai, adc by default, its codecs', () => {
    assert.equal(vertex.type, 'gcp-vertex');
    assert.equal(vertex.providerName, 'gcp.vertex_ai');
    assert.deepEqual(vertex.authTypes, ['adc', 'bearer', 'none']);
    assert.deepEqual(
      vertex.codecs!.map((c) => c.protocol),
      ['google.generate-content', 'anthropic.messages', 'google.predict-embeddings'],
    );
  });
});

describe('Claude on Vertex bodies', () => {
  it('model removed (it is in the URL), anthropic_version vertex-2023-10-16 added, max_tokens filled in', () => {
    assert.deepEqual(shapeVertexClaudeBody({ model: 'claude-x', messages: [], max_tokens: 10, stream: true }, undefined), {
      anthropic_version: 'vertex-2023-10-16',
      messages: [],
      max_tokens: 10,
      stream: true,
    });
    assert.deepEqual(shapeVertexClaudeBody({ model: 'claude-x', messages: [] }, 2000), {
      anthropic_version: 'vertex-2023-10-16',
      messages: [],
      max_tokens: 2000,
    });
    assert.deepEqual(
      shapeVertexClaudeBody({ model: 'claude-x', messages: [], max_tokens: 5, anthropic_version: 'vertex-2099-01-01' }, undefined),
      {
        anthropic_version: 'vertex-2099-01-01',
        messages: [],
        max_tokens: 5,
      },
    );
  });

  it('count_tokens: the Vertex model id stays in the body, generation fields leave', () => {
    assert.deepEqual(
      shapeVertexClaudeCountTokensBody({ model: 'claude-sonnet-4-5-20250929', messages: [], max_tokens: 5 }, 'claude-sonnet-4-5@20250929'),
      {
        anthropic_version: 'vertex-2023-10-16',
        messages: [],
        model: 'claude-sonnet-4-5@20250929',
      },
    );
  });
});

describe('gcp-vertex configuration', () => {
  const registry = () => new PluginRegistry().register(anthropic).register(vertex);
  const cwd = mkdtempSync(path.join(tmpdir(), 'switchyard-vertex-config-'));
  const resolve = (args: CliArgs, env: NodeJS.ProcessEnv = {}) => resolveConfig({ args, env, cwd, registry: registry() });

  it('single-backend mode builds a valid gcp-vertex backend from --project / --location / SWITCHYARD_BASE_URL', async () => {
    const loaded = await resolve(
      { backend: 'gcp-vertex', project: 'proj-1', location: 'us-east5' },
      { SWITCHYARD_BASE_URL: 'http://127.0.0.1:9' },
    );
    const b = loaded.config.backends[0]! as VertexBackendConfig;
    assert.equal(b.type, 'gcp-vertex');
    assert.equal(b.project, 'proj-1');
    assert.equal(b.location, 'us-east5');
    assert.equal(b.base_url, 'http://127.0.0.1:9');
    assert.equal(b.auth_type, undefined, 'adc is the default of the type');
    const fromEnv = await resolve({ backend: 'gcp-vertex' }, { GOOGLE_CLOUD_PROJECT: 'proj-2', VERTEX_LOCATION: 'global' });
    assert.equal((fromEnv.config.backends[0] as VertexBackendConfig).project, 'proj-2');
    assert.equal((fromEnv.config.backends[0] as VertexBackendConfig).location, 'global');
  });

  it('a location or project that cannot be part of a URL is an error naming the flag', async () => {
    await assert.rejects(resolve({ backend: 'gcp-vertex', project: 'p', location: 'us east/5' }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /--location \/ GOOGLE_CLOUD_LOCATION/);
      assert.match(err.message, /region such as us-east5/);
      return true;
    });
    await assert.rejects(resolve({ backend: 'gcp-vertex', project: 'a/b' }), /project id/);
  });

  it('auth_type: adc, bearer and none are accepted; x-api-key is not', async () => {
    for (const auth of ['adc', 'bearer', 'none']) {
      const file = path.join(cwd, `ok-${auth}.json`);
      writeFileSync(file, JSON.stringify({ backends: [{ id: 'v', type: 'gcp-vertex', project: 'p1', auth_type: auth, models: ['*'] }] }));
      await resolve({ config: file });
    }
    const bad = path.join(cwd, 'bad.json');
    writeFileSync(bad, JSON.stringify({ backends: [{ id: 'v', type: 'gcp-vertex', auth_type: 'x-api-key', models: ['*'] }] }));
    await assert.rejects(resolve({ config: bad }), /"x-api-key" is not supported by type gcp-vertex/);
  });
});
