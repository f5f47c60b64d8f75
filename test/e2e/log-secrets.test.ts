import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { json, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
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
