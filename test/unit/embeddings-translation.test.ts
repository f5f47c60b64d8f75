/**
 * Embeddings in the IR (issue #16 item 6): the openai.embeddings client codec, the ollama.embed
 * and google.predict-embeddings backend codecs, paired inside the kernel's Translation as the
 * gateway runs them; floats and little-endian float32 base64 as the client asks.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- tests poke into parsed JSON */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { GatewayError, PluginRegistry, Translation, type IrEmbeddingRequest, type UpstreamReply } from '@switchyard/kernel';
import anthropic from '@switchyard/plugin-anthropic';
import ollama, { OLLAMA_CHAT, OLLAMA_EMBED } from '@switchyard/plugin-ollama';
import openai from '@switchyard/plugin-openai';
import vertex, {
  decodeVertexEmbeddingsResponse,
  encodeVertexEmbeddingsRequest,
  sendVertexEmbeddingBatches,
  splitVertexEmbeddingsBody,
  VERTEX_PREDICT_EMBEDDINGS,
  vertexEmbeddingBatchLimit,
} from '@switchyard/plugin-vertex';
import { codecContext } from '../helpers/anthropic-codec.js';
import { collectText } from '../helpers/sse.js';

const registry = new PluginRegistry().register(openai).register(anthropic).register(ollama).register(vertex);

const translate = (wire: string): Translation => Translation.between(registry, 'openai.embeddings', wire, codecContext('embedder'));

const isStatus = (status: number, param?: string) => (e: unknown) =>
  e instanceof GatewayError && e.status === status && (param === undefined || e.param === param);

/** A base64 embedding as the numbers it holds (little-endian float32s, as the openai SDK reads them). */
function floatsOf(b64: string): number[] {
  const buf = Buffer.from(b64, 'base64');
  return Array.from({ length: buf.length / 4 }, (_, i) => buf.readFloatLE(i * 4));
}

const reply = (t: Translation, json: unknown): any => JSON.parse(t.response(Buffer.from(JSON.stringify(json))).toString('utf8'));

describe('openai.embeddings → ollama.embed through the IR', () => {
  it('the request: texts as a list, dimensions; encoding_format and user stay with the gateway', () => {
    const t = translate(OLLAMA_EMBED);
    const body = t.request(
      { model: 'embedder', input: 'one', dimensions: 3, encoding_format: 'base64', user: 'u' },
      'nomic-embed-text',
      false,
    );
    assert.deepEqual(body, { model: 'nomic-embed-text', input: ['one'], dimensions: 3 });
  });

  it('the reply: floats by default, the client model name, usage from prompt_eval_count', () => {
    const t = translate(OLLAMA_EMBED);
    t.request({ model: 'embedder', input: ['a', 'b'] }, 'nomic-embed-text', false);
    assert.deepEqual(
      reply(t, {
        model: 'nomic-embed-text',
        embeddings: [
          [0.5, -1],
          [2, 0.25],
        ],
        prompt_eval_count: 4,
      }),
      {
        object: 'list',
        data: [
          { object: 'embedding', index: 0, embedding: [0.5, -1] },
          { object: 'embedding', index: 1, embedding: [2, 0.25] },
        ],
        model: 'embedder',
        usage: { prompt_tokens: 4, total_tokens: 4 },
      },
    );
  });

  it('base64: each vector as little-endian float32 bytes, decoded back to the same numbers', () => {
    const t = translate(OLLAMA_EMBED);
    t.request({ model: 'embedder', input: ['a', 'b'], encoding_format: 'base64' }, 'nomic-embed-text', false);
    const out = reply(t, {
      embeddings: [
        [0.5, -1.25, 3],
        [0.1, 0, -7],
      ],
    });
    assert.equal(typeof out.data[0].embedding, 'string');
    assert.deepEqual(floatsOf(out.data[0].embedding), [0.5, -1.25, 3]);
    assert.deepEqual(floatsOf(out.data[1].embedding), [Math.fround(0.1), 0, -7]);
    assert.deepEqual(out.usage, { prompt_tokens: 0, total_tokens: 0 });
  });

  it('token-id input is a 400 naming input; no or empty input is a 400; a vector count unlike the inputs is a 502', () => {
    assert.throws(() => translate(OLLAMA_EMBED).request({ model: 'e', input: [1, 2, 3] }, 'm', false), isStatus(400, 'input'));
    assert.throws(() => translate(OLLAMA_EMBED).request({ model: 'e', input: [[1], [2]] }, 'm', false), isStatus(400, 'input'));
    assert.throws(() => translate(OLLAMA_EMBED).request({ model: 'e', messages: [] }, 'm', false), isStatus(400, 'input'));
    assert.throws(() => translate(OLLAMA_EMBED).request({ model: 'e', input: [] }, 'm', false), isStatus(400, 'input'));
    const t = translate(OLLAMA_EMBED);
    t.request({ model: 'e', input: ['a', 'b'] }, 'm', false);
    assert.throws(() => reply(t, { embeddings: [[1]] }), isStatus(502));
    const u = translate(OLLAMA_EMBED);
    u.request({ model: 'e', input: 'a' }, 'm', false);
    assert.throws(() => reply(u, { embeddings: 'nope' }), isStatus(502));
  });

  it('a wire protocol without an embeddings codec is the clear 400 it was', () => {
    assert.throws(() => translate(OLLAMA_CHAT), isStatus(400));
    assert.throws(() => translate('anthropic.messages'), isStatus(400));
  });
});

describe('openai.embeddings → google.predict-embeddings (Vertex AI :predict) through the IR', () => {
  const ir = (over: Partial<IrEmbeddingRequest>): IrEmbeddingRequest => ({ model: 'text-embedding-005', inputs: [], ...over });

  it('the request: one instance {content} per text, parameters.outputDimensionality for dimensions', () => {
    const t = translate(VERTEX_PREDICT_EMBEDDINGS);
    assert.deepEqual(t.request({ model: 'embedder', input: ['a', 'b'], dimensions: 256 }, 'text-embedding-005', false), {
      instances: [{ content: 'a' }, { content: 'b' }],
      parameters: { outputDimensionality: 256 },
    });
    assert.deepEqual(t.request({ model: 'embedder', input: 'a' }, 'text-embedding-005', false), { instances: [{ content: 'a' }] });
  });

  it('the reply: predictions[].embeddings.values in order, usage the sum of statistics.token_count; base64 too', () => {
    const t = translate(VERTEX_PREDICT_EMBEDDINGS);
    t.request({ model: 'embedder', input: ['a', 'b'], encoding_format: 'base64' }, 'text-embedding-005', false);
    const out = reply(t, {
      predictions: [
        { embeddings: { values: [0.25, -0.5], statistics: { truncated: false, token_count: 3 } } },
        { embeddings: { values: [1, 2], statistics: { truncated: false, token_count: 5 } } },
      ],
      metadata: { billableCharacterCount: 2 },
    });
    assert.deepEqual(
      out.data.map((d: any) => floatsOf(d.embedding)),
      [
        [0.25, -0.5],
        [1, 2],
      ],
    );
    assert.deepEqual(out.usage, { prompt_tokens: 8, total_tokens: 8 });
    assert.deepEqual(decodeVertexEmbeddingsResponse({ predictions: [{ embeddings: { values: [1], statistics: { tokenCount: 2 } } }] }), {
      vectors: [[1]],
      usage: { inputTokens: 2 },
    });
    assert.throws(() => decodeVertexEmbeddingsResponse({ predictions: [{ embeddings: {} }] }), isStatus(502));
    assert.throws(() => decodeVertexEmbeddingsResponse({ error: {} }), isStatus(502));
  });

  it('the documented limits: 250 texts a request (more is a 400), one a call for gemini-embedding-001; token ids are a 400', () => {
    assert.equal(vertexEmbeddingBatchLimit('text-embedding-005'), 250);
    assert.equal(vertexEmbeddingBatchLimit('google/gemini-embedding-001'), 1);
    const texts = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'text' as const, text: `t${i}` }));
    assert.equal((encodeVertexEmbeddingsRequest(ir({ inputs: texts(250) }), codecContext()).instances as unknown[]).length, 250);
    assert.throws(() => encodeVertexEmbeddingsRequest(ir({ inputs: texts(251) }), codecContext()), isStatus(400, 'input'));
    assert.equal(
      (encodeVertexEmbeddingsRequest(ir({ model: 'gemini-embedding-001', inputs: texts(3) }), codecContext()).instances as unknown[])
        .length,
      3,
    );
    assert.throws(
      () => encodeVertexEmbeddingsRequest(ir({ inputs: [{ type: 'tokens', tokens: [1] }] }), codecContext()),
      isStatus(400, 'input'),
    );
  });
});

describe('Vertex AI embeddings in batches (gemini-embedding-001 takes one instance a call)', () => {
  const reply = (status: number, body: unknown): UpstreamReply => ({
    status,
    headers: { 'content-type': 'application/json' },
    body: Readable.from([Buffer.from(JSON.stringify(body))]),
  });
  const prediction = (v: number) => ({ embeddings: { values: [v], statistics: { token_count: 1 } } });

  it('splits the instances, keeping the parameters', () => {
    const body = { instances: [{ content: 'a' }, { content: 'b' }, { content: 'c' }], parameters: { outputDimensionality: 2 } };
    assert.deepEqual(splitVertexEmbeddingsBody(body, 2), [
      { instances: [{ content: 'a' }, { content: 'b' }], parameters: { outputDimensionality: 2 } },
      { instances: [{ content: 'c' }], parameters: { outputDimensionality: 2 } },
    ]);
    assert.deepEqual(splitVertexEmbeddingsBody(body, 3), [body]);
  });

  it('one reply: the predictions in the order of the batches, the billable characters summed', async () => {
    const batches = [0, 1, 2, 3, 4, 5].map((i) => ({ instances: [{ content: String(i) }] }));
    const merged = await sendVertexEmbeddingBatches(
      batches,
      async (b) => {
        const i = Number((b.instances as { content: string }[])[0]!.content);
        await new Promise((r) => setTimeout(r, (6 - i) * 3)); // later batches answer first
        return reply(200, { predictions: [prediction(i)], metadata: { billableCharacterCount: 1 } });
      },
      'vx',
    );
    assert.equal(merged.status, 200);
    const body = JSON.parse(await collectText(merged.body));
    assert.deepEqual(
      body.predictions.map((p: any) => p.embeddings.values[0]),
      [0, 1, 2, 3, 4, 5],
    );
    assert.deepEqual(body.metadata, { billableCharacterCount: 6 });
  });

  it("a batch's error reply is the reply; a send that throws throws; no batch after a failure is sent", async () => {
    const sent: number[] = [];
    const batches = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => ({ instances: [{ content: String(i) }] }));
    const failing = await sendVertexEmbeddingBatches(
      batches,
      async (b) => {
        const i = Number((b.instances as { content: string }[])[0]!.content);
        sent.push(i);
        return i === 1
          ? reply(429, { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'quota' } })
          : reply(200, { predictions: [prediction(i)] });
      },
      'vx',
    );
    assert.equal(failing.status, 429);
    assert.match(await collectText(failing.body), /RESOURCE_EXHAUSTED/);
    assert.ok(sent.length < batches.length, `stopped after the failure (${sent.length} sent)`);
    await assert.rejects(
      sendVertexEmbeddingBatches(batches, async () => Promise.reject(GatewayError.badGateway('refused')), 'vx'),
      isStatus(502),
    );
    await assert.rejects(
      sendVertexEmbeddingBatches(batches.slice(0, 2), async () => reply(200, { nope: true }), 'vx'),
      isStatus(502),
    );
  });
});
