/**
 * The kernel owns the reply's lifecycle: whatever body a plugin's adapter returns, a failure of
 * that body ends the request with an error in the client's protocol and nothing else — no
 * unhandled error, no crash. A deliberately careless plugin (plain JavaScript, no kernel imports)
 * fails in each way a real one has: a socket reset mid-body, a synchronous throw in a `.pipe()`d
 * transform, an error emitted after the end, a body that never ends (the backend's
 * `timeout_seconds` applies), a rejected `send()`. After all of them the gateway still serves.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startGateway, writeConfigFile, type RunningGateway } from '../helpers/start-gateway.js';
import { parseSse } from '../helpers/sse.js';

/** The careless plugin: its model name says how its reply fails. */
const CARELESS_PLUGIN = String.raw`
import { Readable, Transform } from 'node:stream';

const chunk = (text) => 'data: ' + JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm',
  choices: [{ index: 0, delta: { content: text }, finish_reason: null }] }) + '\n\n';

function reply(body) {
  return { status: 200, headers: { 'content-type': 'text/event-stream' }, body };
}

const failures = {
  // The upstream socket is reset after the first event.
  reset() {
    const body = new Readable({ read() {} });
    body.push(chunk('partial '));
    setTimeout(() => body.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })), 20);
    return reply(body);
  },
  // A transform that throws synchronously on its second chunk, piped (pipe() forwards no errors).
  throwing() {
    const source = Readable.from([chunk('one '), chunk('two ')]);
    let n = 0;
    const t = new Transform({ transform(c, _e, cb) { if (++n === 2) throw new Error('careless transform'); cb(null, c); } });
    return reply(source.pipe(t));
  },
  // A complete stream, then an 'error' event after 'end'.
  late() {
    const body = new Readable({ read() {} });
    body.push(chunk('all of it'));
    body.push('data: [DONE]\n\n');
    body.push(null);
    body.once('end', () => setTimeout(() => body.emit('error', new Error('error after end')), 10));
    return reply(body);
  },
  // One event, then nothing, forever.
  forever() {
    const body = new Readable({ read() {} });
    body.push(chunk('and then silence'));
    return reply(body);
  },
};

export default {
  type: 'careless',
  nativeProtocols: ['openai.chat'],
  createAdapter: (config) => ({
    backendId: config.id,
    wireProtocolFor: (ingress) => (ingress === 'openai.chat' || ingress === 'anthropic.messages' ? 'openai.chat' : null),
    async send(call) {
      if (call.model === 'rejects') throw new Error('careless send failed');
      const make = failures[call.model];
      if (!make) throw new Error('unknown careless model ' + call.model);
      return make();
    },
    async close() {},
  }),
};
`;

describe('a careless plugin cannot crash the gateway', () => {
  let gw: RunningGateway;

  const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-careless-'));

  before(async () => {
    writeFileSync(path.join(dir, 'careless-plugin.mjs'), CARELESS_PLUGIN);
    const configFile = writeConfigFile(dir, {
      plugins: ['./careless-plugin.mjs'],
      backends: [{ id: 'careless', type: 'careless', models: ['*'], skip_probe: true, timeout_seconds: 1 }],
    });
    gw = await startGateway({ configFile });
  });
  after(async () => {
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function chat(model: string, stream = true): Promise<{ status: number; text: string }> {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }),
      signal: AbortSignal.timeout(15_000),
    });
    return { status: res.status, text: await res.text() };
  }

  function lastError(text: string): { message: string } {
    const events = parseSse(text);
    const last = events.at(-1)!;
    assert.notEqual(last.data, '[DONE]', 'a failed stream does not end with [DONE]');
    return (JSON.parse(last.data) as { error: { message: string } }).error;
  }

  for (const model of ['reset', 'throwing', 'forever']) {
    it(`${model}: the stream ends with an error event in the client's protocol`, async () => {
      const r = await chat(model);
      assert.equal(r.status, 200);
      assert.ok(lastError(r.text).message.length > 0);
      assert.equal(gw.hasExited(), false);
    });
  }

  it('late: a complete stream then an error after its end: the client got the whole stream, the gateway lives', async () => {
    const r = await chat('late');
    assert.equal(r.status, 200);
    assert.equal(parseSse(r.text).at(-1)!.data, '[DONE]');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(gw.hasExited(), false);
  });

  it('rejects: a rejected send() is a 502 in the client’s envelope', async () => {
    const r = await chat('rejects');
    assert.equal(r.status, 502);
    assert.equal(typeof (JSON.parse(r.text) as { error: { message: string } }).error.message, 'string');
  });

  it('an Anthropic client (translated) gets an Anthropic error event when the body resets', async () => {
    const res = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'reset', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      signal: AbortSignal.timeout(15_000),
    });
    const events = parseSse(await res.text());
    assert.equal(events.at(-1)!.event, 'error');
  });

  it('after all of them the gateway still serves', async () => {
    const health = await fetch(`${gw.url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(gw.hasExited(), false, gw.stderr());
  });
});
