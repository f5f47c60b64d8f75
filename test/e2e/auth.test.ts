/**
 * Inbound auth (SPEC §1, §3): `server.api_keys` and SWITCHYARD_API_KEY; Bearer or x-api-key;
 * 401 in the ingress protocol's envelope, decided before the body is read; health endpoints
 * open; the client's key never reaches the upstream.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';
import { allWithId, assertAnthropicError, assertOpenAIError, get, post, receivedWithId, rid } from '../helpers/e2e.js';

const BACKEND_KEY = 'sk-auth-backend-key-0123456789';
const KEY_A = 'client-key-alpha-0001';
const KEY_B = 'client-key-bravo-0002';
const ENV_KEY = 'client-key-from-env-0003';
const CHAT = { model: 'any-model', messages: [{ role: 'user', content: 'hi' }] };

interface RawHttpAnswer {
  statusLine: string;
  head: string;
  body: string;
  ms: number;
}

/**
 * Sends only a request's head (a large Content-Length, no body) and resolves with the status
 * line, headers and body the gateway answers with, and how long that took.
 */
function headOnlyRequest(port: number, path: string, headers: Record<string, string>, contentLength: number): Promise<RawHttpAnswer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 3 s; got so far: ${JSON.stringify(data)}`));
    }, 3000);
    const finish = () => {
      const split = data.indexOf('\r\n\r\n');
      if (split < 0) return false;
      const head = data.slice(0, split);
      const lengthHeader = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      const body = data.slice(split + 4);
      if (lengthHeader && Buffer.byteLength(body) < Number(lengthHeader[1])) return false;
      clearTimeout(timer);
      socket.destroy();
      resolve({ statusLine: head.split('\r\n')[0]!, head, body, ms: performance.now() - started });
      return true;
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      data += chunk;
      finish();
    });
    socket.on('error', (err) => {
      if (!finish()) {
        clearTimeout(timer);
        reject(err);
      }
    });
    socket.on('connect', () => {
      const lines = [
        `POST ${path} HTTP/1.1`,
        `Host: 127.0.0.1:${port}`,
        'Content-Type: application/json',
        `Content-Length: ${contentLength}`,
      ];
      for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n{"model":`); // the start of a body, never finished
    });
  });
}

describe('inbound auth', () => {
  let upstream: FakeUpstream;

  before(async () => {
    upstream = await startFakeUpstream();
  });

  after(async () => {
    await upstream?.close();
  });

  describe('server.api_keys', () => {
    let gw: RunningGateway;

    before(async () => {
      gw = await startGateway({
        config: {
          logging: { level: 'error' },
          server: { api_keys: [KEY_A, { name: 'team-b', key: KEY_B }, ''] },
          backends: [{ id: 'fake', type: 'openai', base_url: upstream.url, api_key: BACKEND_KEY, models: ['*'] }],
        },
      });
    });

    after(async () => {
      await gw?.stop();
    });

    it('Bearer key accepted; the upstream gets the backend key, never the client key', async () => {
      const id = rid('bearer');
      const reply = await post(`${gw.url}/v1/chat/completions`, CHAT, { authorization: `Bearer ${KEY_A}`, 'x-request-id': id });
      assert.equal(reply.status, 200, reply.text);
      const got = await receivedWithId(upstream, id);
      assert.equal(got.headers.authorization, `Bearer ${BACKEND_KEY}`);
      assert.ok(!JSON.stringify(got.headers).includes(KEY_A));
    });

    it('x-api-key accepted (a named key); the upstream never sees it', async () => {
      const id = rid('xapikey');
      const reply = await post(`${gw.url}/v1/chat/completions`, CHAT, { 'x-api-key': KEY_B, 'x-request-id': id });
      assert.equal(reply.status, 200, reply.text);
      const got = await receivedWithId(upstream, id);
      assert.equal(got.headers['x-api-key'], undefined);
      assert.equal(got.headers.authorization, `Bearer ${BACKEND_KEY}`);
      assert.ok(!JSON.stringify(got.headers).includes(KEY_B));
    });

    it('the openai SDK with the right key works, with a wrong key gets a 401 AuthenticationError', async () => {
      const ok = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: KEY_A, maxRetries: 0 });
      const res = await ok.chat.completions.create({ model: 'any-model', messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(typeof res.choices[0]!.message.content, 'string');
      const bad = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'nope', maxRetries: 0 });
      await assert.rejects(
        bad.chat.completions.create({ model: 'any-model', messages: [{ role: 'user', content: 'hi' }] }),
        (err: unknown) => {
          assert.ok(err instanceof OpenAI.AuthenticationError);
          assert.equal(err.status, 401);
          return true;
        },
      );
    });

    for (const [what, headers] of [
      ['no key', {}],
      ['a wrong Bearer key', { authorization: 'Bearer wrong-key' }],
      ['a wrong x-api-key', { 'x-api-key': 'wrong-key' }],
      ['Basic auth', { authorization: `Basic ${Buffer.from(`user:${KEY_A}`).toString('base64')}` }],
      ['an empty Bearer', { authorization: 'Bearer ' }],
      ['a key that is a prefix of a valid one', { authorization: `Bearer ${KEY_A.slice(0, -1)}` }],
    ] as const) {
      it(`${what}: 401 in the OpenAI envelope, nothing sent upstream`, async () => {
        const id = rid('unauth');
        const reply = await post(`${gw.url}/v1/chat/completions`, CHAT, { ...headers, 'x-request-id': id });
        const err = assertOpenAIError(reply, 401);
        assert.equal(err.code, 'invalid_api_key');
        assert.equal(reply.headers.get('x-request-id'), id);
        assert.equal(allWithId(upstream, id).length, 0);
      });
    }

    it('/v1/messages without a key: 401 in the Anthropic envelope', async () => {
      const body = { model: 'any-model', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
      const r1 = await post(`${gw.url}/v1/messages`, body, { 'anthropic-version': '2023-06-01' });
      assertAnthropicError(r1, 401, 'authentication_error');
      assert.ok(r1.headers.get('x-request-id'));
      const r2 = await post(`${gw.url}/v1/messages?beta=true`, body, { 'x-api-key': 'wrong', 'anthropic-version': '2023-06-01' });
      assertAnthropicError(r2, 401, 'authentication_error');
    });

    it('models listing and unknown paths need a key too', async () => {
      assertOpenAIError(await get(`${gw.url}/v1/models`), 401);
      assertOpenAIError(await get(`${gw.url}/v1/no-such-path`), 401);
      const listed = await get(`${gw.url}/v1/models`, { authorization: `Bearer ${KEY_A}` });
      assert.equal(listed.status, 200);
    });

    it('/healthz and /readyz answer without a key', async () => {
      const health = await get(`${gw.url}/healthz`);
      assert.equal(health.status, 200);
      assert.ok(health.headers.get('x-request-id'));
      const ready = await get(`${gw.url}/readyz`);
      assert.notEqual(ready.status, 401);
    });

    it('the key is checked before the body is read: a wrong key with a 10 MB Content-Length and no body gets 401 at once', async () => {
      const answer = await headOnlyRequest(gw.port, '/v1/chat/completions', { Authorization: 'Bearer wrong-key' }, 10 * 1024 * 1024);
      assert.match(answer.statusLine, /^HTTP\/1\.1 401 /);
      assert.ok(answer.ms < 1000, `401 took ${Math.round(answer.ms)} ms`);
      assert.match(answer.head, /\r\nx-request-id: /i);
      assert.equal(JSON.parse(answer.body).error.code, 'invalid_api_key');
    });

    it('401 comes before 413: a missing key with a Content-Length over the limit is answered 401 at once', async () => {
      const answer = await headOnlyRequest(gw.port, '/v1/messages', {}, 1024 * 1024 * 1024);
      assert.match(answer.statusLine, /^HTTP\/1\.1 401 /);
      assert.ok(answer.ms < 1000, `401 took ${Math.round(answer.ms)} ms`);
      assert.equal(JSON.parse(answer.body).type, 'error');
    });
  });

  describe('SWITCHYARD_API_KEY', () => {
    let gw: RunningGateway;

    before(async () => {
      gw = await startGateway({
        env: { SWITCHYARD_API_KEY: ENV_KEY },
        // A backend without api_key: nothing at all is sent as upstream credentials.
        config: { logging: { level: 'error' }, backends: [{ id: 'fake', type: 'openai', base_url: upstream.url, models: ['*'] }] },
      });
    });

    after(async () => {
      await gw?.stop();
    });

    it('turns auth on: the env key works as Bearer and as x-api-key, others get 401', async () => {
      const id = rid('envkey');
      const ok = await post(`${gw.url}/v1/chat/completions`, CHAT, { authorization: `Bearer ${ENV_KEY}`, 'x-request-id': id });
      assert.equal(ok.status, 200, ok.text);
      const viaHeader = await post(`${gw.url}/v1/chat/completions`, CHAT, { 'x-api-key': ENV_KEY });
      assert.equal(viaHeader.status, 200, viaHeader.text);
      assertOpenAIError(await post(`${gw.url}/v1/chat/completions`, CHAT), 401);
      assertOpenAIError(await post(`${gw.url}/v1/chat/completions`, CHAT, { authorization: `Bearer ${KEY_A}` }), 401);
      // forward_client_auth is off and the backend has no key: no credentials go upstream at all.
      const got = await receivedWithId(upstream, id);
      assert.equal(got.headers.authorization, undefined);
      assert.equal(got.headers['x-api-key'], undefined);
    });

    it('/healthz stays open', async () => {
      assert.equal((await get(`${gw.url}/healthz`)).status, 200);
    });
  });
});
