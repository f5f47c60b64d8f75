/**
 * Whether a reply is a stream is decided by the request and its codec, not by the upstream's
 * content-type (issue #16 item 1): a stream an upstream labels `application/json`, `text/plain`
 * or nothing useful is still streamed (passed through, or translated with the backend codec's
 * framing, SSE or NDJSON); a complete reply labelled `text/event-stream` is still read as one
 * body; an error status is an error in the client's envelope whatever the request asked for; a
 * stray `stream: true` on /v1/embeddings (which has no stream) gets the one JSON body.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFakeUpstream, writeEvents, type FakeHandler, type FakeUpstream } from '../helpers/fake-upstream.js';
import { assertAnthropicError, assertOpenAIError, byRequestId, chatCompletion, post, rid, textChunks } from '../helpers/e2e.js';
import { parseSse } from '../helpers/sse.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';

/** A reply of raw texts, one write each, under the given content-type (or none). */
function labelled(status: number, contentType: string | null, parts: string[]): FakeHandler {
  return async (_req, res, record) => {
    res.writeHead(status, contentType === null ? {} : { 'content-type': contentType });
    res.flushHeaders();
    await writeEvents(res, record, parts, { delayMs: 2 });
  };
}

const sseData = (value: object | string): string => `data: ${typeof value === 'string' ? value : JSON.stringify(value)}\n\n`;
const chatSse = (model: string): string[] => [...textChunks(model, ['Hel', 'lo']).map((c) => sseData(c)), sseData('[DONE]')];
const ollamaLines = (model: string): string[] => [
  JSON.stringify({ model, created_at: '2026-01-01T00:00:00Z', message: { role: 'assistant', content: 'Hel' }, done: false }) + '\n',
  JSON.stringify({ model, created_at: '2026-01-01T00:00:00Z', message: { role: 'assistant', content: 'lo' }, done: false }) + '\n',
  JSON.stringify({
    model,
    created_at: '2026-01-01T00:00:00Z',
    message: { role: 'assistant', content: '' },
    done: true,
    done_reason: 'stop',
    prompt_eval_count: 4,
    eval_count: 2,
  }) + '\n',
];

describe('stream or not: the request decides, not the upstream content-type (issue #16 item 1)', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;
  const handler = byRequestId();

  before(async () => {
    upstream = await startFakeUpstream(handler);
    gw = await startGateway({
      config: {
        logging: { level: 'warn' },
        backends: [
          {
            id: 'oa',
            type: 'openai',
            base_url: upstream.url,
            api_key: 'sk-stream-by-request-0123',
            models: ['gpt-*', 'embed-*'],
            skip_probe: true,
          },
          { id: 'ol', type: 'ollama', base_url: upstream.url, models: ['llama*'], skip_probe: true },
        ],
      },
    });
  });

  after(async () => {
    await gw?.stop();
    await upstream?.close();
  });

  /** POSTs `body` to `endpoint` with the upstream scripted to answer `reply`. */
  async function call(endpoint: string, body: object, reply: FakeHandler) {
    const id = rid('by-request');
    handler.on(id, reply);
    const headers: Record<string, string> = { 'x-request-id': id };
    if (endpoint === '/v1/messages') headers['anthropic-version'] = '2023-06-01';
    return post(`${gw.url}${endpoint}`, body, headers);
  }

  const chat = (model: string, stream: boolean) => ({ model, stream, messages: [{ role: 'user', content: 'hi' }] });
  const messages = (model: string, stream: boolean) => ({ model, stream, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
  const chatText = (text: string): string =>
    parseSse(text)
      .filter((e) => e.data !== '[DONE]')
      .map((e) => (JSON.parse(e.data) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? '')
      .join('');

  it('passthrough: an SSE stream labelled application/json reaches the client as the stream it is', async () => {
    const reply = await call('/v1/chat/completions', chat('gpt-a', true), labelled(200, 'application/json', chatSse('gpt-a')));
    assert.equal(reply.status, 200, reply.text);
    assert.match(reply.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(chatText(reply.text), 'Hello');
    assert.equal(parseSse(reply.text).at(-1)!.data, '[DONE]');
  });

  it('translated (Anthropic client → OpenAI-compatible backend): an SSE stream labelled text/plain is translated as a stream', async () => {
    const reply = await call('/v1/messages', messages('gpt-b', true), labelled(200, 'text/plain; charset=utf-8', chatSse('gpt-b')));
    assert.equal(reply.status, 200, reply.text);
    assert.match(reply.headers.get('content-type') ?? '', /^text\/event-stream/);
    const events = parseSse(reply.text);
    assert.equal(events[0]!.event, 'message_start');
    assert.equal(events.at(-1)!.event, 'message_stop');
    assert.ok(reply.text.includes('"Hel"') && reply.text.includes('"lo"'), reply.text);
  });

  it("translated with the codec's own framing (Ollama NDJSON) labelled application/json: still a stream", async () => {
    const reply = await call('/v1/chat/completions', chat('llama3.2', true), labelled(200, 'application/json', ollamaLines('llama3.2')));
    assert.equal(reply.status, 200, reply.text);
    assert.match(reply.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(chatText(reply.text), 'Hello');
  });

  it('a complete reply labelled text/event-stream is read as one body when the request asked for no stream', async () => {
    const body = JSON.stringify(chatCompletion('gpt-c', { content: 'whole' }));
    const passthrough = await call('/v1/chat/completions', chat('gpt-c', false), labelled(200, 'text/event-stream', [body]));
    assert.equal(passthrough.status, 200, passthrough.text);
    assert.equal(passthrough.json().choices[0].message.content, 'whole');
    const translated = await call('/v1/messages', messages('gpt-c', false), labelled(200, 'text/event-stream', [body]));
    assert.equal(translated.status, 200, translated.text);
    assert.match(translated.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(translated.json().content, [{ type: 'text', text: 'whole' }]);
  });

  it("a stream request answered with a JSON error: the client's error envelope and status, not a stream", async () => {
    const limited = JSON.stringify({ error: { message: 'slow down', type: 'rate_limit_error', code: null, param: null } });
    const openai = await call('/v1/chat/completions', chat('gpt-d', true), labelled(429, 'application/json', [limited]));
    assertOpenAIError(openai, 429);
    assert.match(openai.headers.get('content-type') ?? '', /^application\/json/);
    const anthropic = await call('/v1/messages', messages('gpt-d', true), labelled(429, 'application/json', [limited]));
    assertAnthropicError(anthropic, 429);
    // Labelled as a stream, an error status is still an error.
    const failed = await call('/v1/chat/completions', chat('gpt-d', true), labelled(500, 'text/event-stream', [limited]));
    assertOpenAIError(failed, 500, /slow down/);
  });

  it('/v1/embeddings has no stream: `stream: true` there still gets the one JSON body', async () => {
    const embedding = {
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [0.5, 0.25] }],
      model: 'embed-a',
      usage: { prompt_tokens: 1, total_tokens: 1 },
    };
    const reply = await call(
      '/v1/embeddings',
      { model: 'embed-a', input: 'x', stream: true },
      labelled(200, 'application/json', [JSON.stringify(embedding)]),
    );
    assert.equal(reply.status, 200, reply.text);
    assert.match(reply.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(reply.json().data[0].embedding, [0.5, 0.25]);
  });
});
