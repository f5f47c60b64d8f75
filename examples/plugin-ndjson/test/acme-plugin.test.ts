/**
 * The example NDJSON plugin (README "Writing a provider plugin"), tested the way a plugin author
 * would: its codec and framing on their own, then the plugin loaded through `plugins:` by path (a
 * package folder) into an in-process gateway in front of a fake Acme server, with chat and
 * Messages clients, streamed and not, and Acme's errors before and during a stream.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { createSwitchyard, SwitchyardError, type EmbeddedSwitchyard } from '@switchyard/gateway';
import type { IrStreamEvent, SseEvent } from '@switchyard/plugin-sdk';
import { testCodecContext } from '@switchyard/plugin-sdk/testing';
import { json, startFakeUpstream, type FakeHandler, type FakeUpstream } from '@switchyard/testing';
import plugin, { AcmeBackendConfig, acmeCodec } from '@switchyard-example/plugin-ndjson';

const PLUGIN_DIR = fileURLToPath(new URL('..', import.meta.url));

/** An Acme stream: one JSON object a line, written in 7-byte pieces so lines arrive cut. */
function ndjson(lines: object[]): FakeHandler {
  return async (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const bytes = lines.map((l) => `${JSON.stringify(l)}\n`).join('');
    for (let i = 0; i < bytes.length; i += 7) {
      res.write(bytes.slice(i, i + 7));
      await delay(1);
    }
    res.end();
  };
}

/** The IR events the codec makes of NDJSON bytes fed in the given pieces. */
function decodeNdjson(pieces: string[]): IrStreamEvent[] {
  const decoder = acmeCodec.createStreamDecoder!(testCodecContext({ clientModel: 'm' }));
  const events: IrStreamEvent[] = [];
  const framer = acmeCodec.streamFraming!.createFramer((e: SseEvent) => events.push(...decoder.push(e)));
  for (const p of pieces) framer.feed(Buffer.from(p));
  framer.end();
  return [...events, ...decoder.end()];
}

describe('example NDJSON plugin: the codec', () => {
  it('turns lines cut anywhere into IR events', () => {
    const events = decodeNdjson([
      '{"delta":"Hel',
      'lo"}\n{"del',
      'ta":" you"}\n\n{"done":true,"finish":"length","tokens":{"in":3,"out":2}}',
    ]);
    assert.deepEqual(events, [
      { type: 'start', id: 'test-request', model: 'm' },
      { type: 'text_delta', text: 'Hello' },
      { type: 'text_delta', text: ' you' },
      { type: 'usage', usage: { inputTokens: 3, outputTokens: 2 } },
      { type: 'finish', reason: 'length' },
    ]);
  });

  it('an error line, or a stream that stops before "done", ends in an IR error', () => {
    assert.deepEqual(decodeNdjson(['{"delta":"a"}\n{"error":"overloaded"}\n']).at(-1), {
      type: 'error',
      status: 502,
      errorType: 'upstream',
      message: 'overloaded',
    });
    assert.equal(decodeNdjson(['{"delta":"a"}\n']).at(-1)?.type, 'error');
  });

  it('drops what Acme cannot express, and reads its error bodies', () => {
    const ctx = testCodecContext();
    const body = acmeCodec.encodeRequest!(
      {
        model: 'acme-1',
        system: [],
        messages: [{ role: 'user', parts: [{ type: 'text', text: 'hi' }] }],
        tools: [{ kind: 'function', name: 'f', parameters: {} }],
        stream: false,
      },
      ctx,
    );
    assert.deepEqual(body, { model: 'acme-1', messages: [{ role: 'user', content: 'hi' }] });
    assert.deepEqual(ctx.droppedFields, ['tools']);
    assert.deepEqual(acmeCodec.decodeError!(429, {}, '{"error":"slow down"}'), { message: 'slow down' });
    assert.equal(acmeCodec.decodeError!(500, {}, '<html>'), null);
  });
});

describe('example NDJSON plugin: loaded through plugins: by path', () => {
  let upstream: FakeUpstream;
  let sy: EmbeddedSwitchyard;

  before(async () => {
    upstream = await startFakeUpstream();
    sy = await createSwitchyard({
      logger: false,
      refreshModels: false,
      config: {
        plugins: [PLUGIN_DIR],
        backends: [{ id: 'acme', type: 'acme', base_url: upstream.url, max_new_tokens: 64, models: ['acme-*'] }],
      },
    });
  });

  after(async () => {
    await sy?.close();
    await upstream?.close();
  });

  it('an OpenAI chat client, not streamed', async () => {
    upstream.next(json(200, { id: 'g1', text: 'Hello', finish: 'stop', tokens: { in: 3, out: 1 } }));
    const reply = await sy.chat.completions.create({ model: 'acme-1', messages: [{ role: 'user', content: 'Hi' }] });
    assert.equal(reply.choices[0]!.message.content, 'Hello');
    assert.equal(reply.usage?.completion_tokens, 1);
    const sent = upstream.requests.at(-1)!;
    assert.equal(sent.path, '/generate');
    assert.deepEqual(sent.body, { max_new_tokens: 64, model: 'acme-1', messages: [{ role: 'user', content: 'Hi' }], stream: false });
  });

  it('an Anthropic Messages client, streamed from NDJSON', async () => {
    upstream.next(ndjson([{ delta: 'Hel' }, { delta: 'lo' }, { done: true, finish: 'stop', tokens: { in: 3, out: 2 } }]));
    let text = '';
    const stream = await sy.messages.create({ model: 'acme-1', max_tokens: 9, stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    for await (const e of stream) if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') text += e.delta.text;
    assert.equal(text, 'Hello');
    assert.equal(upstream.requests.at(-1)!.body.max_new_tokens, 9);
  });

  it("Acme's error reply keeps its status and message", async () => {
    upstream.next(json(429, { error: 'slow down' }));
    const err = await sy.chat.completions.create({ model: 'acme-1', messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e);
    assert.ok(err instanceof SwitchyardError);
    assert.equal(err.status, 429);
    assert.match(err.message, /slow down/);
  });

  it('an error line mid-stream ends the stream with an error in the client’s protocol', async () => {
    upstream.next(ndjson([{ delta: 'Hel' }, { error: 'model crashed' }]));
    let text = '';
    const stream = await sy.chat.completions.create({ model: 'acme-1', stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    const err = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    assert.equal(text, 'Hel');
    assert.ok(err instanceof SwitchyardError && err.midStream, String(err));
    assert.match(err.message, /model crashed/);
  });

  it('its config class validates its own key', async () => {
    const err = await createSwitchyard({
      logger: false,
      config: { plugins: [PLUGIN_DIR], backends: [{ id: 'acme', type: 'acme', max_new_tokens: 0, models: ['acme-*'] }] },
    }).catch((e: unknown) => e);
    assert.match(String(err), /backends\[0\]\.max_new_tokens: must not be less than 1/);
    assert.equal(new AcmeBackendConfig().max_new_tokens, 1024);
    assert.equal(plugin.type, 'acme');
  });
});
