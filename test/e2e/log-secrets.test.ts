import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { json, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { byRequestId, chatCompletion, post, rid } from '../helpers/e2e.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';

const BACKEND_KEY = 'sk-backend-log-secret-0123456789';
const INBOUND_KEY = 'sk-inbound-log-secret-9876543210';
const ENV_SECRET = 'env-header-secret-abcdef123456';

describe('secrets never reach the logs, at any level (issue #4)', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;

  before(async () => {
    upstream = await startFakeUpstream();
    gw = await startGateway({
      config: {
        logging: { level: 'trace' },
        server: { api_keys: [{ name: 'team-a', key: INBOUND_KEY }] },
        backends: [
          {
            id: 'gpu',
            type: 'openai',
            base_url: upstream.url,
            api_key: BACKEND_KEY,
            headers: { 'X-Custom-Token': '${HEADER_SECRET}' },
            models: ['*'],
          },
        ],
      },
      env: { HEADER_SECRET: ENV_SECRET },
    });
  });

  after(async () => {
    await gw?.stop();
    await upstream?.close();
  });

  it('requests with keys in headers, an upstream echoing the key, errors and aborts leave no secret in stdout or stderr', async () => {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${INBOUND_KEY}`, cookie: 'session=cookie-secret-xyz' };
    const ok = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(ok.status, 200);
    await ok.text();
    upstream.next(json(400, { error: { message: `invalid key ${BACKEND_KEY} and ${ENV_SECRET}`, type: 'invalid_request_error' } }));
    const bad = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const badText = await bad.text();
    assert.equal(bad.status, 400);
    assert.ok(!badText.includes(BACKEND_KEY) && !badText.includes(ENV_SECRET), badText);
    const wrong = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...headers, authorization: 'Bearer wrong-key-1234567' },
      body: '{}',
    });
    assert.equal(wrong.status, 401);
    await wrong.text();
    const stream = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    await stream.body?.cancel();
    await new Promise((r) => setTimeout(r, 200));
    const logs = gw.stdout() + gw.stderr();
    assert.ok(logs.length > 0);
    for (const secret of [BACKEND_KEY, INBOUND_KEY, ENV_SECRET, 'cookie-secret-xyz']) {
      assert.ok(!logs.includes(secret), `a log line contains ${secret.slice(0, 12)}…`);
    }
    // the upstream did receive the header secret and the backend key: they were in use, not absent
    const sent = upstream.requests.find((r) => r.method === 'POST')!;
    assert.equal(sent.headers['x-custom-token'], ENV_SECRET);
    assert.equal(sent.headers.authorization, `Bearer ${BACKEND_KEY}`);
  });

  it("a request's log lines name its id exactly once (the request logger binds it; the pipeline does not add it again)", async () => {
    const id = 'log-once-1';
    const res = await fetch(`${gw.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INBOUND_KEY}`, 'x-request-id': id },
      body: JSON.stringify({ model: 'm', input: 'hi', tools: [{ type: 'web_search' }] }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-switchyard-dropped-tools'), 'web_search');
    await res.text();
    await new Promise((r) => setTimeout(r, 200));
    const lines = (gw.stdout() + gw.stderr()).split('\n').filter((l) => l.includes(`"${id}"`));
    const warning = lines.find((l) => l.includes('tools dropped'));
    assert.ok(warning, `the dropped-tools warning is logged for ${id}`);
    for (const line of lines) assert.equal(line.split('"requestId"').length - 1, 1, line);
  });
});

describe('keys in query strings and keys an upstream echoes stay out of logs, journal and replies (issue #14 item 6)', () => {
  const QUERY_KEYS = ['query-secret-one-4f9a2c', 'query-secret-two-8b1d7e', 'query-secret-three-c3e6f0'];
  let upstream: FakeUpstream;
  let gw: RunningGateway;
  let dir: string;
  const handler = byRequestId();

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'switchyard-log-secrets-'));
    upstream = await startFakeUpstream(handler);
    gw = await startGateway({
      config: {
        logging: { level: 'trace' },
        journal: { enabled: true, path: path.join(dir, 'requests.jsonl') },
        backends: [
          { id: 'oa', type: 'openai', base_url: upstream.url, api_key: BACKEND_KEY, models: ['gpt-*'], skip_probe: true },
          { id: 'claude', type: 'anthropic', base_url: upstream.url, api_key: BACKEND_KEY, models: ['claude-*'], skip_probe: true },
        ],
      },
    });
  });

  after(async () => {
    await gw?.stop();
    await upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const chat = { model: 'gpt-a', messages: [{ role: 'user', content: 'hi' }] };

  it('a key in the query string is logged and journaled as [REDACTED], even when the upstream echoes the URL', async () => {
    const echo = rid('query');
    // The Anthropic backend gets the client's query string; this upstream echoes its URL in the error.
    handler.on(echo, (_req, res, record) =>
      json(400, { type: 'error', error: { type: 'invalid_request_error', message: `bad url ${record.url}` } })(_req, res, record),
    );
    const bad = await post(
      `${gw.url}/v1/messages?beta=true&key=${QUERY_KEYS[0]}`,
      { model: 'claude-a', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] },
      { 'x-request-id': echo },
    );
    assert.equal(bad.status, 400);
    assert.match(bad.text, /key=\[REDACTED\]/);
    const ok = await post(`${gw.url}/v1/chat/completions?api_key=${QUERY_KEYS[1]}`, chat, { 'x-request-id': rid('query') });
    assert.equal(ok.status, 200);
    const missing = await fetch(`${gw.url}/v1/nothing-here?key=${QUERY_KEYS[2]}&x=1`);
    assert.equal(missing.status, 404);
    await missing.text();
    await gw.stop();
    const logs = gw.stdout() + gw.stderr();
    assert.match(logs, /api_key=\[REDACTED\]/, 'the request URL is logged (at debug), redacted');
    const journal = readFileSync(path.join(dir, 'requests.jsonl'), 'utf8');
    assert.match(journal, /key=\[REDACTED\]/, 'the echoed URL is in the journal, redacted');
    for (const secret of QUERY_KEYS) {
      assert.ok(!logs.includes(secret), `a log line contains ${secret}`);
      assert.ok(!journal.includes(secret), `the journal contains ${secret}`);
    }
  });
});

describe('an upstream echoing the backend key in headers and error fields (issue #14 item 6)', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;
  const handler = byRequestId();

  before(async () => {
    upstream = await startFakeUpstream(handler);
    gw = await startGateway({
      config: {
        logging: { level: 'error' },
        backends: [{ id: 'oa', type: 'openai', base_url: upstream.url, api_key: BACKEND_KEY, models: ['*'], skip_probe: true }],
      },
    });
  });

  after(async () => {
    await gw?.stop();
    await upstream?.close();
  });

  const chat = { model: 'gpt-a', messages: [{ role: 'user', content: 'hi' }] };

  it('error type, param, code and x-ratelimit-* headers come back redacted', async () => {
    const id = rid('echo');
    handler.on(
      id,
      json(
        429,
        { error: { message: `slow down ${BACKEND_KEY}`, type: `tier_${BACKEND_KEY}`, param: BACKEND_KEY, code: `c_${BACKEND_KEY}` } },
        { 'x-ratelimit-remaining-requests': `0 (${BACKEND_KEY})`, 'retry-after': '1' },
      ),
    );
    const reply = await post(`${gw.url}/v1/chat/completions`, chat, { 'x-request-id': id });
    assert.equal(reply.status, 429);
    assert.deepEqual(reply.json().error, {
      message: 'slow down [REDACTED]',
      type: 'tier_[REDACTED]',
      param: '[REDACTED]',
      code: 'c_[REDACTED]',
    });
    assert.equal(reply.headers.get('x-ratelimit-remaining-requests'), '0 ([REDACTED])');
    assert.equal(reply.headers.get('retry-after'), '1');
  });

  it('a header a successful reply passes on comes back redacted', async () => {
    const id = rid('echo');
    handler.on(
      id,
      json(200, chatCompletion('gpt-a', { content: 'hello' }), { 'x-debug-auth': `Bearer ${BACKEND_KEY}`, 'x-plain': 'kept' }),
    );
    const reply = await post(`${gw.url}/v1/chat/completions`, chat, { 'x-request-id': id });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.get('x-debug-auth'), 'Bearer [REDACTED]');
    assert.equal(reply.headers.get('x-plain'), 'kept');
  });
});
