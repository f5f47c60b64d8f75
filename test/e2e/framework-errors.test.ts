/**
 * Errors Fastify and Node's HTTP parser meet before a route runs (issue #14 item 4), each sent
 * over a raw socket: every one comes back in the client's envelope (OpenAI, or Anthropic where
 * the path is known to be /v1/messages) with a request id, never in Fastify's own shape, never a
 * 500. Also model ids with `%` in `GET /v1/models/{id}` (decoded once, not twice).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertAnthropicError, assertOpenAIError, get, GENERATED_ID } from '../helpers/e2e.js';
import { asReply, rawExchange } from '../helpers/raw-http.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';

const ORIGIN = 'https://app.example';

/** A request line and headers (Connection: close, so the exchange ends with the response). */
function request(line: string, headers: string[] = [], body = ''): string {
  return [line, 'Host: gw', 'Connection: close', ...headers].join('\r\n') + '\r\n\r\n' + body;
}

describe('errors before routing, in the client envelope', () => {
  let gw: RunningGateway;

  before(async () => {
    gw = await startGateway({
      config: {
        server: { cors: { origins: [ORIGIN] } },
        backends: [{ id: 'm', type: 'mock', models: ['mock'] }],
        routes: [{ virtual_model: '100%-sure', backend: 'm', real_model: 'mock' }],
      },
      readyTimeoutMs: 60_000,
    });
  });

  after(async () => {
    await gw?.stop();
  });

  const cases: Array<{ what: string; raw: string; status: number; dialect?: 'anthropic'; message: RegExp }> = [
    {
      what: 'a URL that is not valid percent-encoding',
      raw: request('GET /v1/models/%E0%A4%A HTTP/1.1'),
      status: 400,
      message: /malformed URL/,
    },
    {
      what: 'a malformed URL on /v1/messages (Anthropic envelope)',
      raw: request('POST /v1/messages/%E0%A4%A HTTP/1.1', ['Content-Length: 0']),
      status: 400,
      dialect: 'anthropic',
      message: /malformed URL/,
    },
    {
      what: 'headers larger than the server accepts: 431',
      raw: request('GET /v1/models HTTP/1.1', [`X-Big: ${'a'.repeat(20_000)}`]),
      status: 431,
      message: /headers are too large/,
    },
    {
      what: 'a duplicate Content-Length',
      raw: request(
        'POST /v1/chat/completions HTTP/1.1',
        ['Content-Type: application/json', 'Content-Length: 2', 'Content-Length: 2'],
        '{}',
      ),
      status: 400,
      message: /duplicate Content-Length/,
    },
    {
      what: 'Content-Length together with Transfer-Encoding',
      raw: request(
        'POST /v1/chat/completions HTTP/1.1',
        ['Content-Type: application/json', 'Content-Length: 2', 'Transfer-Encoding: chunked'],
        '2\r\n{}\r\n0\r\n\r\n',
      ),
      status: 400,
      message: /Transfer-Encoding/,
    },
    { what: 'an unknown method', raw: request('BREW /v1/models HTTP/1.1'), status: 400, message: /unknown HTTP method/ },
    { what: 'a method no route has', raw: request('PROPFIND /v1/models HTTP/1.1'), status: 404, message: /unknown path/ },
    { what: 'an unsupported HTTP version', raw: request('GET /v1/models HTTP/9.9'), status: 400, message: /HTTP version/ },
    {
      what: 'a CORS preflight without Origin',
      raw: request('OPTIONS /v1/chat/completions HTTP/1.1', ['Access-Control-Request-Method: POST']),
      status: 400,
      message: /preflight/,
    },
    {
      what: 'a CORS preflight without Origin on /v1/messages (Anthropic envelope)',
      raw: request('OPTIONS /v1/messages HTTP/1.1', ['Access-Control-Request-Method: POST']),
      status: 400,
      dialect: 'anthropic',
      message: /preflight/,
    },
    {
      what: 'an invalid JSON body',
      raw: request('POST /v1/chat/completions HTTP/1.1', ['Content-Type: application/json', 'Content-Length: 3'], '{x}'),
      status: 400,
      message: /malformed JSON/,
    },
    {
      what: 'an invalid JSON body on /v1/messages (Anthropic envelope)',
      raw: request('POST /v1/messages HTTP/1.1', ['Content-Type: application/json', 'Content-Length: 3'], '{x}'),
      status: 400,
      dialect: 'anthropic',
      message: /malformed JSON/,
    },
    {
      what: 'a text/plain body: 415',
      raw: request('POST /v1/chat/completions HTTP/1.1', ['Content-Type: text/plain', 'Content-Length: 2'], '{}'),
      status: 415,
      message: /unsupported Content-Type "text\/plain"/,
    },
    {
      what: 'a form body (curl -d without a Content-Type): 415',
      raw: request('POST /v1/responses HTTP/1.1', ['Content-Type: application/x-www-form-urlencoded', 'Content-Length: 3'], 'a=b'),
      status: 415,
      message: /unsupported Content-Type/,
    },
    {
      what: 'a wrong Content-Type on /v1/messages (Anthropic envelope)',
      raw: request('POST /v1/messages HTTP/1.1', ['Content-Type: text/plain', 'Content-Length: 2'], '{}'),
      status: 415,
      dialect: 'anthropic',
      message: /unsupported Content-Type/,
    },
    { what: 'an unknown path', raw: request('GET /v2/nothing HTTP/1.1'), status: 404, message: /unknown path/ },
    {
      what: 'an HTTP/1.1 request without Host',
      raw: 'GET /v1/models HTTP/1.1\r\nConnection: close\r\n\r\n',
      status: 400,
      message: /Host header/,
    },
  ];

  for (const c of cases) {
    it(`${c.what}: ${c.status} in the ${c.dialect ?? 'openai'} envelope, with a request id`, async () => {
      const r = await rawExchange(gw.port, [c.raw], { timeoutMs: 5000 });
      assert.equal(r.closedByServer, true, `the exchange ended: ${r.raw.slice(0, 300)}`);
      const reply = asReply(r);
      if (c.dialect === 'anthropic') assert.match(assertAnthropicError(reply, c.status).message, c.message);
      else assertOpenAIError(reply, c.status, c.message);
      assert.match(r.headers['content-type'] ?? '', /^application\/json/);
      assert.ok(r.headers['x-request-id'], `x-request-id on ${c.what}`);
      assert.doesNotMatch(r.body, /"statusCode"|FST_ERR/, "not Fastify's own error shape");
    });
  }

  it('an unknown method, from a fresh id: the generated request id is a UUID', async () => {
    const r = await rawExchange(gw.port, [request('BREW / HTTP/1.1')], { timeoutMs: 5000 });
    assert.match(r.headers['x-request-id'] ?? '', GENERATED_ID);
  });

  it('a valid CORS preflight still gets 204 with the CORS headers and a request id, without a key', async () => {
    const r = await rawExchange(
      gw.port,
      [request('OPTIONS /v1/chat/completions HTTP/1.1', [`Origin: ${ORIGIN}`, 'Access-Control-Request-Method: POST'])],
      { timeoutMs: 5000 },
    );
    assert.equal(r.status, 204);
    assert.equal(r.headers['access-control-allow-origin'], ORIGIN);
    assert.match(r.headers['access-control-allow-methods'] ?? '', /POST/);
    assert.ok(r.headers['x-request-id']);
  });

  it('GET /v1/models/%25E0 (an id that is "%E0"): 404 model_not_found naming "%E0", not a 500', async () => {
    const reply = await get(`${gw.url}/v1/models/%25E0`);
    const error = assertOpenAIError(reply, 404);
    assert.equal(error.code, 'model_not_found');
    assert.match(error.message, /'%E0'/);
  });

  it('a model id with "%" round-trips through GET /v1/models/{id}', async () => {
    const list = await get(`${gw.url}/v1/models`);
    assert.ok(
      (list.json() as { data: Array<{ id: string }> }).data.some((m) => m.id === '100%-sure'),
      list.text,
    );
    const one = await get(`${gw.url}/v1/models/${encodeURIComponent('100%-sure')}`);
    assert.equal(one.status, 200, one.text);
    assert.equal(one.json().id, '100%-sure');
  });
});
