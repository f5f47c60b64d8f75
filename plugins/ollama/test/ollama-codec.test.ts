/**
 * The ollama.chat codec (plugins/ollama): IR → /api/chat bodies, replies and NDJSON streams → IR,
 * through the kernel's Translation as the gateway runs it; and the fake Ollama's rules.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  GatewayError,
  type CodecContext,
  type IrEmbeddingRequest,
  type IrRequest,
  type IrStreamEvent,
  type SseEvent,
} from '@switchyard/kernel';
import {
  createOllamaStreamDecoder,
  decodeOllamaEmbedReply,
  decodeOllamaResponse,
  encodeOllamaEmbed,
  encodeOllamaRequest,
  normaliseOllamaErrorReply,
  ollamaChatCodec,
} from '@switchyard/plugin-ollama';
import { startFakeUpstream, type FakeUpstream } from '../../../test/dist/helpers/fake-upstream.js';
import { fakeOllama } from '../../../test/dist/helpers/fake-ollama.js';

function ctx(dropped: string[] = []): CodecContext {
  return { clientModel: 'virtual', requestId: 'req-1', dropped: (f) => dropped.push(f) };
}

const ir = (over: Partial<IrRequest>): IrRequest => ({ model: 'llama3.2', system: [], messages: [], stream: false, ...over });

/** Feeds NDJSON text through the codec's own framing and decoder. */
function decodeStream(text: string): IrStreamEvent[] {
  const decoder = createOllamaStreamDecoder(ctx());
  const out: IrStreamEvent[] = [];
  const framer = ollamaChatCodec.streamFraming!.createFramer((e: SseEvent) => out.push(...decoder.push(e)));
  framer.feed(Buffer.from(text));
  framer.end();
  out.push(...decoder.end());
  return out;
}

const line = (o: object): string => JSON.stringify(o) + '\n';
const msg = (m: object, extra: object = {}): string =>
  line({ model: 'm', message: { role: 'assistant', content: '', ...m }, done: false, ...extra });

describe('ollama.chat codec: requests', () => {
  it('tool calls with object arguments, tool results as tool messages with the name, reasoning as thinking', () => {
    const body = encodeOllamaRequest(
      ir({
        messages: [
          { role: 'user', parts: [{ type: 'text', text: 'Weather?' }] },
          {
            role: 'assistant',
            parts: [
              { type: 'reasoning', text: 'Use the tool.' },
              { type: 'tool_call', id: 'c1', name: 'weather', arguments: '{"city":"Oslo"}' },
            ],
          },
          { role: 'tool', parts: [{ type: 'tool_result', toolCallId: 'c1', name: 'weather', content: '{"t":3}' }] },
        ],
      }),
      ctx(),
    );
    assert.deepEqual(body.messages, [
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: '',
        thinking: 'Use the tool.',
        tool_calls: [{ id: 'c1', function: { name: 'weather', arguments: { city: 'Oslo' } } }],
      },
      { role: 'tool', content: '{"t":3}', tool_call_id: 'c1', tool_name: 'weather' },
    ]);
  });

  it('think: a boolean, or a level (minimal → low); format; extra fields verbatim; custom tools and tool_choice dropped', () => {
    const dropped: string[] = [];
    assert.equal(encodeOllamaRequest(ir({ thinking: { enabled: true } }), ctx()).think, true);
    assert.equal(encodeOllamaRequest(ir({ thinking: { enabled: false } }), ctx()).think, false);
    assert.equal(encodeOllamaRequest(ir({ thinking: { enabled: true, effort: 'minimal' } }), ctx()).think, 'low');
    assert.equal(encodeOllamaRequest(ir({ thinking: { enabled: true, effort: 'medium' } }), ctx()).think, 'medium');
    assert.equal(encodeOllamaRequest(ir({ responseFormat: { type: 'json_object' } }), ctx()).format, 'json');
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    assert.deepEqual(encodeOllamaRequest(ir({ responseFormat: { type: 'json_schema', schema } }), ctx()).format, schema);
    const body = encodeOllamaRequest(
      ir({ extra: { keep_alive: '10m' }, tools: [{ kind: 'custom', name: 'grep' }], toolChoice: 'required' }),
      ctx(dropped),
    );
    assert.equal(body.keep_alive, '10m');
    assert.equal(body.tools, undefined);
    assert.deepEqual(dropped, ['tool grep (custom tools)', 'tool_choice']);
    assert.equal(body.options, undefined);
  });

  it('an image by URL is a 400 (Ollama takes base64 only)', () => {
    assert.throws(
      () =>
        encodeOllamaRequest(
          ir({ messages: [{ role: 'user', parts: [{ type: 'image', source: { kind: 'url', url: 'https://x/cat.png' } }] }] }),
          ctx(),
        ),
      (e: unknown) => e instanceof GatewayError && e.status === 400 && /base64/.test(e.message),
    );
  });
});

describe('ollama.chat codec: replies', () => {
  it('done_reason length → length; thinking, text and a tool call without id (one is made)', () => {
    const r = decodeOllamaResponse(
      {
        message: { role: 'assistant', content: 'Hi', thinking: 'hmm', tool_calls: [{ function: { name: 'f', arguments: { a: 1 } } }] },
        done: true,
        done_reason: 'stop',
        prompt_eval_count: 3,
        eval_count: 4,
      },
      ctx(),
    );
    assert.deepEqual(r.parts, [
      { type: 'reasoning', text: 'hmm' },
      { type: 'text', text: 'Hi' },
      { type: 'tool_call', id: 'call_req-1_0', name: 'f', arguments: '{"a":1}' },
    ]);
    assert.equal(r.finishReason, 'tool_calls');
    assert.deepEqual(r.usage, { inputTokens: 3, outputTokens: 4 });
    assert.equal(decodeOllamaResponse({ message: { content: 'x' }, done: true, done_reason: 'length' }, ctx()).finishReason, 'length');
  });

  it('an error reply\'s {"error"} becomes {message} with the same status', async () => {
    const reply = await normaliseOllamaErrorReply({
      status: 404,
      headers: { 'content-type': 'application/json', 'content-length': '40' },
      body: Readable.from([Buffer.from(`{"error":"model 'x' not found"}`)]),
    });
    assert.equal(reply.status, 404);
    assert.equal(reply.headers['content-length'], undefined);
    const chunks: Buffer[] = [];
    for await (const c of reply.body as Readable) chunks.push(c as Buffer);
    assert.deepEqual(JSON.parse(Buffer.concat(chunks).toString()), { message: "model 'x' not found" });
  });
});

describe('ollama.chat codec: NDJSON streams', () => {
  it('thinking, then content (reasoning_end between), then done with usage and finish', () => {
    const events = decodeStream(
      msg({ thinking: 'a' }) +
        msg({ thinking: 'b' }) +
        msg({ content: 'Hi' }) +
        line({ model: 'm', message: {}, done: true, done_reason: 'stop', prompt_eval_count: 2, eval_count: 1 }),
    );
    assert.deepEqual(
      events.map((e) => e.type),
      ['start', 'reasoning_delta', 'reasoning_delta', 'reasoning_end', 'text_delta', 'usage', 'finish'],
    );
    assert.deepEqual(events.at(-1), { type: 'finish', reason: 'stop', rawReason: 'stop' });
  });

  it('whole tool calls → start, arguments, end each; finish tool_calls', () => {
    const events = decodeStream(
      msg({ tool_calls: [{ id: 't1', function: { name: 'f', arguments: { x: 1 } } }, { function: { name: 'g', arguments: {} } }] }) +
        line({ message: {}, done: true, done_reason: 'stop' }),
    );
    assert.deepEqual(events.slice(1, 7), [
      { type: 'tool_call_start', index: 0, id: 't1', name: 'f' },
      { type: 'tool_call_delta', index: 0, argumentsDelta: '{"x":1}' },
      { type: 'tool_call_end', index: 0 },
      { type: 'tool_call_start', index: 1, id: 'call_req-1_1', name: 'g' },
      { type: 'tool_call_delta', index: 1, argumentsDelta: '{}' },
      { type: 'tool_call_end', index: 1 },
    ]);
    assert.equal((events.at(-1) as { reason: string }).reason, 'tool_calls');
  });

  it('an {"error"} line → one error event and nothing after it', () => {
    const events = decodeStream(msg({ content: 'x' }) + line({ error: 'boom' }) + msg({ content: 'y' }));
    assert.deepEqual(events.slice(-1), [{ type: 'error', status: 502, errorType: 'upstream', message: 'boom' }]);
    assert.equal(events.filter((e) => e.type === 'text_delta').length, 1);
  });

  it('a stream ending before done, or a line that is not JSON → an error event', () => {
    assert.match((decodeStream(msg({ content: 'x' })).at(-1) as { message: string }).message, /before the reply was done/);
    assert.match((decodeStream('not json\n').at(-1) as { message: string }).message, /not a JSON object/);
  });
});

describe('ollama embeddings (/api/embed) through the IR', () => {
  const embedIr = (over: Partial<IrEmbeddingRequest> = {}): IrEmbeddingRequest => ({
    model: 'real',
    inputs: [
      { type: 'text', text: 'a' },
      { type: 'text', text: 'b' },
    ],
    ...over,
  });

  it('IR inputs as /api/embed `input` (always a list) with `dimensions`; token-id input is a 400', () => {
    assert.deepEqual(encodeOllamaEmbed(embedIr({ dimensions: 8, encodingFormat: 'base64', user: 'u' }), ctx()), {
      model: 'real',
      input: ['a', 'b'],
      dimensions: 8,
    });
    assert.throws(
      () => encodeOllamaEmbed(embedIr({ inputs: [{ type: 'tokens', tokens: [1, 2] }] }), ctx()),
      (e: unknown) => e instanceof GatewayError && e.status === 400 && e.param === 'input',
    );
  });

  it('the reply as IR vectors with usage from prompt_eval_count; no vectors is a 502', () => {
    const reply = { model: 'real', embeddings: [[0.5, -1.25]], prompt_eval_count: 3 };
    assert.deepEqual(decodeOllamaEmbedReply(reply), { vectors: [[0.5, -1.25]], usage: { inputTokens: 3 } });
    assert.deepEqual(decodeOllamaEmbedReply({ embeddings: [[1]] }), { vectors: [[1]] });
    assert.throws(
      () => decodeOllamaEmbedReply({ error: 'x' }),
      (e: unknown) => e instanceof GatewayError && e.status === 502,
    );
  });
});

describe('fake Ollama rules', () => {
  let upstream: FakeUpstream;
  before(async () => {
    upstream = await startFakeUpstream(fakeOllama(['llama3.2']));
  });
  after(() => upstream.close());

  const chat = async (body: object): Promise<[number, unknown]> => {
    const res = await fetch(`${upstream.url}/api/chat`, { method: 'POST', body: JSON.stringify(body) });
    return [res.status, await res.json()];
  };

  it('refuses what Ollama refuses, with its status and {"error"} text', async () => {
    assert.deepEqual(await chat({ messages: [] }), [400, { error: 'model is required' }]);
    assert.deepEqual(await chat({ model: 'nope', messages: [] }), [404, { error: "model 'nope' not found" }]);
    assert.deepEqual(await chat({ model: 'llama3.2', messages: [], think: 'extreme' }), [
      400,
      { error: 'invalid think value: "extreme" (must be "high", "medium", "low", "max", true, or false)' },
    ]);
    assert.deepEqual(await chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'x', images: ['https://x/a.png'] }] }), [
      400,
      { error: 'illegal base64 data at input byte 5' },
    ]);
    const embed = await fetch(`${upstream.url}/api/embed`, { method: 'POST', body: JSON.stringify({ model: 'llama3.2', input: [1] }) });
    assert.deepEqual([embed.status, await embed.json()], [400, { error: 'invalid input type' }]);
    const [status] = await chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'x' }], stream: false, think: 'high' });
    assert.equal(status, 200);
  });

  it('/api/generate: model required, images base64, unknown model 404; a valid body is answered', async () => {
    const generate = async (body: object): Promise<[number, unknown]> => {
      const r = await fetch(`${upstream.url}/api/generate`, { method: 'POST', body: JSON.stringify(body) });
      return [r.status, await r.json()];
    };
    assert.deepEqual(await generate({ prompt: 'x' }), [400, { error: 'model is required' }]);
    assert.deepEqual(await generate({ model: 'nope', prompt: 'x' }), [404, { error: "model 'nope' not found" }]);
    assert.deepEqual(await generate({ model: 'llama3.2', prompt: 'x', images: ['a b'] }), [
      400,
      { error: 'illegal base64 data at input byte 1' },
    ]);
    const [status, body] = await generate({ model: 'llama3.2', prompt: 'x', suffix: 'y', stream: false });
    assert.equal(status, 200);
    assert.equal((body as { done: boolean; response: string }).done, true);
  });
});
