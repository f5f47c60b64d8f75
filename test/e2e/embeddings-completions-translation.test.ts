/* eslint-disable @typescript-eslint/no-explicit-any -- tests read parsed JSON */
/**
 * Issue #16 item 6 end to end, against the built gateway with the official `openai` SDK:
 * `/v1/embeddings` translated through the IR to Vertex AI's text embeddings `:predict` (a fake
 * Vertex and a fake Google token endpoint) and to Ollama's `/api/embed` (the fake Ollama), floats
 * and base64 (decoded and compared), batches, errors; `/v1/completions` translated to Ollama's
 * `/api/generate` with `suffix` (fill-in-the-middle), streamed and not; and the clear 400 where
 * a target cannot serve the endpoint.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type OpenAI from 'openai';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { assertOpenAIError, post, receivedWithId, rid, waitForJournalLine } from '../helpers/e2e.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';
import { openaiClient } from '../helpers/anthropic-e2e.js';
import { fakeEmbedding, fakeOllama } from '../helpers/fake-ollama.js';
import { fakeVertexVector } from '../helpers/fake-vertex-embeddings.js';
import { fakeVertex, startFakeGoogleAuth, type FakeGoogleAuth } from '../helpers/vertex-e2e.js';

const PROJECT = 'proj-embed';
const LOCATION = 'us-central1';
const PREDICT = (model: string) => `/v1/projects/${PROJECT}/locations/${LOCATION}/publishers/google/models/${model}:predict`;
const CODER = 'qwen2.5-coder:1.5b';

/** A base64 embedding as its little-endian float32 numbers. */
function floatsOf(b64: string): number[] {
  const buf = Buffer.from(b64, 'base64');
  return Array.from({ length: buf.length / 4 }, (_, i) => buf.readFloatLE(i * 4));
}

describe('embeddings and completions translated through the IR (fake Vertex AI, fake Ollama)', () => {
  let auth: FakeGoogleAuth;
  let vertex: FakeUpstream;
  let ollama: FakeUpstream;
  let gw: RunningGateway;
  let oa: OpenAI;
  let dir: string;
  const ollamaScript = fakeOllama([CODER, 'nomic-embed-text']);

  /** The journal line of a request (what the client saw: status, error, tokens). */
  const journal = (id: string): Promise<any> => waitForJournalLine(path.join(dir, 'journal.jsonl'), id);

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'switchyard-embed-'));
    auth = await startFakeGoogleAuth(PROJECT);
    vertex = await startFakeUpstream(fakeVertex());
    ollama = await startFakeUpstream(ollamaScript);
    gw = await startGateway({
      config: {
        journal: { enabled: true, path: path.join(dir, 'journal.jsonl') },
        backends: [
          {
            id: 'vertex',
            type: 'gcp-vertex',
            project: PROJECT,
            location: LOCATION,
            base_url: vertex.url,
            models: ['text-embedding-*', 'gemini-*', 'claude-*'],
          },
          { id: 'ollama', type: 'ollama', base_url: ollama.url, models: ['qwen2.5-coder*', 'nomic-*', 'ghost-coder'] },
        ],
        routes: [
          { virtual_model: 'vx-embedder', backend: 'vertex', real_model: 'text-embedding-005' },
          { virtual_model: 'templated', backend: 'ollama', real_model: CODER, clamp: { raw: false }, defaults: { keep_alive: '10m' } },
        ],
      },
      env: auth.env,
    });
    oa = openaiClient(gw.url);
  });

  after(async () => {
    await gw?.stop();
    await vertex?.close();
    await ollama?.close();
    await auth?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('/v1/embeddings → Vertex AI :predict', () => {
    it('floats: one instance per text, dimensions as outputDimensionality, vectors in order, usage from token_count', async () => {
      const id = rid('vx-emb-float');
      const texts = ['Why is the sky blue?', 'grass'];
      const reply = await oa.embeddings.create(
        { model: 'vx-embedder', input: texts, dimensions: 8, encoding_format: 'float' },
        { headers: { 'x-request-id': id } },
      );
      const got = await receivedWithId(vertex, id);
      assert.equal(got.path, PREDICT('text-embedding-005'));
      assert.match(String(got.headers.authorization), /^Bearer vertex-token-\d+$/);
      assert.deepEqual(got.body, { instances: [{ content: texts[0] }, { content: texts[1] }], parameters: { outputDimensionality: 8 } });
      assert.equal(reply.model, 'vx-embedder');
      assert.deepEqual(
        reply.data.map((d) => [d.index, d.embedding]),
        texts.map((t, i) => [i, fakeVertexVector(t, 8)]),
      );
      assert.deepEqual(reply.usage, { prompt_tokens: 6, total_tokens: 6 });
      const line = await journal(id);
      assert.equal(line.ingress, 'openai.embeddings');
      assert.equal(line.backend, 'vertex');
      assert.equal(line.real_model, 'text-embedding-005');
      assert.equal(line.status, 200);
      assert.equal(line.input_tokens, 6);
    });

    it('base64: the SDK default, decoded by the SDK and by hand to the same float32 values', async () => {
      const viaSdk = await oa.embeddings.create({ model: 'text-embedding-005', input: ['a', 'bc', 'def'], dimensions: 5 });
      assert.deepEqual(
        viaSdk.data.map((d) => d.embedding),
        ['a', 'bc', 'def'].map((t) => fakeVertexVector(t, 5).map((v) => Math.fround(v))),
      );
      const raw = await post(`${gw.url}/v1/embeddings`, {
        model: 'text-embedding-005',
        input: 'a',
        dimensions: 5,
        encoding_format: 'base64',
      });
      assert.equal(raw.status, 200, raw.text);
      const b64 = (raw.json() as any).data[0].embedding;
      assert.equal(typeof b64, 'string');
      assert.deepEqual(
        floatsOf(b64),
        fakeVertexVector('a', 5).map((v) => Math.fround(v)),
      );
    });

    it('gemini-embedding-001 (one instance a call): a batch is sent one text a call, answered as one list in order', async () => {
      const id = rid('vx-emb-gemini');
      const texts = ['first text', 'second', 'the third one', 'four'];
      const reply = await oa.embeddings.create(
        { model: 'gemini-embedding-001', input: texts, dimensions: 4, encoding_format: 'float' },
        { headers: { 'x-request-id': id } },
      );
      const calls = vertex.requests.filter((r) => r.headers['x-request-id'] === id);
      assert.equal(calls.length, 4);
      assert.ok(calls.every((c) => c.path === PREDICT('gemini-embedding-001') && (c.body as any).instances.length === 1));
      assert.deepEqual(
        reply.data.map((d) => d.embedding),
        texts.map((t) => fakeVertexVector(t, 4)),
      );
      assert.deepEqual(reply.usage, { prompt_tokens: 7, total_tokens: 7 });
    });

    it("errors in OpenAI's envelope: more than 250 inputs, Vertex's own 400, token ids, Claude", async () => {
      const id = rid('vx-emb-batch');
      const many = Array.from({ length: 251 }, (_, i) => `t${i}`);
      assertOpenAIError(
        await post(`${gw.url}/v1/embeddings`, { model: 'text-embedding-005', input: many }, { 'x-request-id': id }),
        400,
        /at most 250 inputs per request/,
      );
      assert.equal(vertex.requests.filter((r) => r.headers['x-request-id'] === id).length, 0, 'refused before Vertex');
      // A dimension the model does not have: the fake Vertex's INVALID_ARGUMENT, passed on as a 400.
      assertOpenAIError(
        await post(`${gw.url}/v1/embeddings`, { model: 'text-embedding-005', input: 'a', dimensions: 1024 }),
        400,
        /outputDimensionality 1024/,
      );
      assertOpenAIError(await post(`${gw.url}/v1/embeddings`, { model: 'text-embedding-005', input: [[1, 2]] }), 400, /text only/);
      assertOpenAIError(
        await post(`${gw.url}/v1/embeddings`, { model: 'claude-sonnet-4-5', input: 'a' }),
        400,
        /cannot serve \/v1\/embeddings/,
      );
    });
  });

  describe('/v1/embeddings → Ollama /api/embed', () => {
    it('a batch in base64, decoded, and in floats; dimensions passed on', async () => {
      const id = rid('ol-emb-batch');
      const texts = ['one', 'two words', 'three more words'];
      const b64 = await post(
        `${gw.url}/v1/embeddings`,
        { model: 'nomic-embed-text', input: texts, encoding_format: 'base64', dimensions: 6 },
        { 'x-request-id': id },
      );
      assert.equal(b64.status, 200, b64.text);
      assert.deepEqual(
        (b64.json() as any).data.map((d: any) => floatsOf(d.embedding)),
        texts.map((t) => fakeEmbedding(t, 6).map((v) => Math.fround(v))),
      );
      assert.deepEqual((await receivedWithId(ollama, id)).body, { model: 'nomic-embed-text', input: texts, dimensions: 6 });
      const floats = await oa.embeddings.create({ model: 'nomic-embed-text', input: texts, encoding_format: 'float' });
      assert.deepEqual(
        floats.data.map((d) => d.embedding),
        texts.map((t) => fakeEmbedding(t)),
      );
      assert.equal(floats.usage.prompt_tokens, 6);
    });
  });

  describe('/v1/completions → Ollama /api/generate', () => {
    const FILL = '    if b == 0:\n        return a\n    return gcd(b, a % b)\n';

    it('not streamed, with suffix (FIM): prompt, suffix and options sent, the text as a text_completion', async () => {
      const id = rid('ol-fim');
      ollamaScript.on(id, { reply: { content: FILL, prompt_eval_count: 17, eval_count: 21 } });
      const completion = await oa.completions.create(
        { model: CODER, prompt: 'def gcd(a, b):\n', suffix: '\nprint(gcd(4, 6))', max_tokens: 64, temperature: 0, stop: ['\n\n\n'] },
        { headers: { 'x-request-id': id } },
      );
      const got = await receivedWithId(ollama, id);
      assert.equal(got.path, '/api/generate');
      assert.deepEqual(got.body, {
        model: CODER,
        prompt: 'def gcd(a, b):\n',
        suffix: '\nprint(gcd(4, 6))',
        stream: false,
        options: { temperature: 0, num_predict: 64, stop: ['\n\n\n'] },
      });
      assert.equal(completion.object, 'text_completion');
      assert.match(completion.id, /^cmpl-/);
      assert.equal(completion.model, CODER);
      assert.equal(completion.choices.length, 1);
      assert.equal(completion.choices[0]!.text, FILL);
      assert.equal(completion.choices[0]!.finish_reason, 'stop');
      assert.deepEqual(completion.usage, { prompt_tokens: 17, completion_tokens: 21, total_tokens: 38 });
    });

    it('streamed: NDJSON pieces as text_completion chunks, the finish reason, usage when asked, [DONE]', async () => {
      const id = rid('ol-fim-stream');
      ollamaScript.on(id, { reply: { content: FILL, done_reason: 'length', prompt_eval_count: 9, eval_count: 12 } });
      const stream = await oa.completions.create(
        { model: CODER, prompt: 'def gcd(a, b):\n', suffix: '\n', max_tokens: 12, stream: true, stream_options: { include_usage: true } },
        { headers: { 'x-request-id': id } },
      );
      const chunks: OpenAI.Completion[] = [];
      for await (const c of stream) chunks.push(c);
      const got = await receivedWithId(ollama, id);
      assert.equal((got.body as any).stream, true);
      assert.equal((got.body as any).suffix, '\n');
      assert.ok(chunks.length > 3, `several chunks (${chunks.length})`);
      assert.ok(chunks.every((c) => c.object === 'text_completion' && c.model === CODER));
      assert.equal(chunks.map((c) => c.choices[0]?.text ?? '').join(''), FILL);
      assert.equal(chunks.at(-2)!.choices[0]!.finish_reason, 'length');
      assert.deepEqual(chunks.at(-1)!.choices, []);
      assert.deepEqual(chunks.at(-1)!.usage, { prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 });
      const line = await journal(id);
      assert.equal(line.ingress, 'openai.completions');
      assert.equal(line.status, 200);
      assert.equal(line.stream, true);
      assert.deepEqual([line.input_tokens, line.output_tokens], [9, 12]);
    });

    it('without a suffix the prompt is continued raw; no usage chunk unless asked', async () => {
      const id = rid('ol-raw');
      const stream = await oa.completions.create(
        { model: CODER, prompt: 'Once upon a time', stream: true },
        { headers: { 'x-request-id': id } },
      );
      const chunks: OpenAI.Completion[] = [];
      for await (const c of stream) chunks.push(c);
      const got = await receivedWithId(ollama, id);
      assert.deepEqual(got.body, { model: CODER, prompt: 'Once upon a time', stream: true, raw: true });
      assert.equal(chunks.map((c) => c.choices[0]?.text ?? '').join(''), 'Hello from the fake Ollama.');
      assert.ok(chunks.every((c) => c.usage === undefined || c.usage === null));
    });

    it("a route's native keys reach the /api/generate body: clamp overrides raw, defaults fill keep_alive", async () => {
      const id = rid('ol-native');
      await oa.completions.create({ model: 'templated', prompt: 'Once' }, { headers: { 'x-request-id': id } });
      assert.deepEqual((await receivedWithId(ollama, id)).body, {
        model: CODER,
        prompt: 'Once',
        stream: false,
        raw: false,
        keep_alive: '10m',
      });
    });

    it("a mid-stream error line ends the stream with an error event in OpenAI's shape", async () => {
      const id = rid('ol-gen-err');
      ollamaScript.on(id, { reply: { content: FILL }, streamError: { afterLines: 2, error: 'model runner crashed' } });
      const reply = await post(`${gw.url}/v1/completions`, { model: CODER, prompt: 'x', stream: true }, { 'x-request-id': id });
      assert.equal(reply.status, 200);
      assert.match(reply.text, /"object":"text_completion"/);
      assert.match(reply.text, /model runner crashed/);
      assert.doesNotMatch(reply.text, /\[DONE\]/);
      const line = await journal(id);
      assert.equal(line.status, 502);
      assert.match(line.error, /model runner crashed/);
    });

    it("errors in OpenAI's envelope: Ollama's 404, what cannot be translated, a backend with no completions", async () => {
      const ghost = rid('ol-gen-404');
      assertOpenAIError(
        await post(`${gw.url}/v1/completions`, { model: 'ghost-coder', prompt: 'x' }, { 'x-request-id': ghost }),
        404,
        /not found/,
      );
      assert.equal((await journal(ghost)).status, 404);
      const bad = [
        [{ prompt: ['a', 'b'] }, 'prompt'],
        [{ prompt: [1, 2] }, 'prompt'],
        [{ prompt: 'a', echo: true }, 'echo'],
        [{ prompt: 'a', best_of: 3 }, 'best_of'],
        [{ prompt: 'a', n: 2 }, 'n'],
        [{ prompt: 'a', logprobs: 2 }, 'logprobs'],
      ] as const;
      for (const [fields, param] of bad) {
        const e = assertOpenAIError(await post(`${gw.url}/v1/completions`, { model: CODER, ...fields }), 400);
        assert.equal(e.param, param, JSON.stringify(fields));
      }
      assertOpenAIError(
        await post(`${gw.url}/v1/completions`, { model: 'gemini-2.5-flash', prompt: 'x' }),
        400,
        /cannot serve \/v1\/completions/,
      );
    });
  });
});
