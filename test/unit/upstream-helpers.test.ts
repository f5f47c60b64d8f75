import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildUpstreamHeaders,
  claimsJson,
  compileModelGlob,
  filterReplyHeaders,
  joinUrl,
  mapTransportError,
  mapUpstreamHttpError,
  redactQuerySecrets,
  SecretRedactor,
} from '@switchyard/kernel';

describe('joinUrl (base_url joining rule)', () => {
  const cases: Array<[string, string, string]> = [
    ['http://gpu:8000', '/v1/chat/completions', 'http://gpu:8000/v1/chat/completions'],
    ['http://gpu:8000/', '/v1/models', 'http://gpu:8000/v1/models'],
    ['https://host/openai/v1/', '/v1/chat/completions', 'https://host/openai/v1/chat/completions'],
    ['https://host/openai/v1', '/v1/models', 'https://host/openai/v1/models'],
    ['https://api.openai.com/v1', '/v1/embeddings', 'https://api.openai.com/v1/embeddings'],
    [
      'https://generativelanguage.googleapis.com/v1beta/openai/',
      '/v1/chat/completions',
      'https://generativelanguage.googleapis.com/v1beta/openai/chat/completions',
    ],
  ];
  for (const [base, path, want] of cases) it(`${base} + ${path}`, () => assert.equal(joinUrl(base, path), want));
});

describe('header policy (SPEC §3)', () => {
  it('replaces client credentials with the backend auth, drops hop-by-hop and cookies, forces identity encoding', () => {
    const h = buildUpstreamHeaders(
      {
        authorization: 'Bearer client-key',
        'x-api-key': 'client-key',
        cookie: 'a=b',
        connection: 'keep-alive',
        'accept-encoding': 'gzip',
        'anthropic-beta': 'tools-2024',
        'openai-organization': 'org-1',
        'content-length': '12',
        host: 'gateway',
      },
      { auth: { authorization: 'Bearer backend-key' }, requestId: 'rid', traceparent: 'tp', contentType: 'application/json' },
    );
    assert.equal(h.authorization, 'Bearer backend-key');
    assert.equal(h['x-api-key'], undefined);
    assert.equal(h.cookie, undefined);
    assert.equal(h.connection, undefined);
    assert.equal(h.host, undefined);
    assert.equal(h['content-length'], undefined);
    assert.equal(h['accept-encoding'], 'identity');
    assert.equal(h['anthropic-beta'], 'tools-2024');
    assert.equal(h['openai-organization'], 'org-1');
    assert.equal(h['x-request-id'], 'rid');
    assert.equal(h.traceparent, 'tp');
  });

  it('headers a Connection header names are hop-by-hop both ways (RFC 9110 §7.6.1); upstream access-control-* never reach the client', () => {
    const up = buildUpstreamHeaders(
      { connection: 'keep-alive, X-Hop-One,x-hop-two', 'x-hop-one': 'a', 'x-hop-two': 'b', 'x-kept': 'c' },
      { auth: {}, requestId: 'r', traceparent: 't' },
    );
    assert.equal(up['x-hop-one'], undefined);
    assert.equal(up['x-hop-two'], undefined);
    assert.equal(up['x-kept'], 'c');
    const down = filterReplyHeaders(
      {
        connection: 'close, x-upstream-hop',
        'x-upstream-hop': 'a',
        'access-control-allow-origin': '*',
        'access-control-allow-credentials': 'true',
        'access-control-expose-headers': 'x-secret',
        'x-kept': 'b',
      },
      false,
    );
    assert.deepEqual(down, { 'x-kept': 'b' });
  });

  it('claimsJson: application/json with parameters and +json types, not text or SSE', () => {
    for (const t of ['application/json', 'Application/JSON; charset=utf-8', 'application/problem+json'])
      assert.equal(claimsJson(t), true, t);
    for (const t of ['text/plain', 'text/event-stream', 'application/jsonl', undefined]) assert.equal(claimsJson(t), false, String(t));
  });

  it('forwards the client auth only when asked', () => {
    const h = buildUpstreamHeaders({ authorization: 'Bearer c' }, { auth: {}, forwardClientAuth: true, requestId: 'r', traceparent: 't' });
    assert.equal(h.authorization, 'Bearer c');
  });

  it('drops set-cookie and hop-by-hop toward the client, passes rate-limit headers, names the upstream id', () => {
    const h = filterReplyHeaders(
      {
        'set-cookie': 'x',
        'transfer-encoding': 'chunked',
        'retry-after': '3',
        'x-ratelimit-remaining-requests': '9',
        'x-request-id': 'up-1',
        'content-type': 'text/event-stream',
      },
      true,
    );
    assert.equal(h['set-cookie'], undefined);
    assert.equal(h['transfer-encoding'], undefined);
    assert.equal(h['retry-after'], '3');
    assert.equal(h['x-ratelimit-remaining-requests'], '9');
    assert.equal(h['x-upstream-request-id'], 'up-1');
    assert.equal(h['cache-control'], 'no-cache');
    assert.equal(h['x-accel-buffering'], 'no');
  });
});

describe('upstream error mapping (SPEC §3)', () => {
  const redactor = new SecretRedactor();
  redactor.add('sk-backend-secret-123');

  it('401/403 become 502 naming the backend', () => {
    for (const status of [401, 403]) {
      const e = mapUpstreamHttpError(status, '{"error":{"message":"bad key sk-backend-secret-123"}}', {}, 'local', redactor, true);
      assert.equal(e.status, 502);
      assert.match(e.message, /backend local rejected the gateway's credentials/);
      assert.doesNotMatch(e.message, /sk-backend/);
    }
  });

  it('other 4xx and 5xx keep status and message, with echoed secrets redacted', () => {
    const e = mapUpstreamHttpError(
      400,
      '{"error":{"message":"key sk-backend-secret-123 is bad","type":"invalid_request_error","param":"temperature"}}',
      {},
      'b',
      redactor,
      true,
    );
    assert.equal(e.status, 400);
    assert.equal(e.message, 'key [REDACTED] is bad');
    assert.equal(e.param, 'temperature');
    const r = mapUpstreamHttpError(429, '{"error":{"message":"slow down"}}', { 'retry-after': '7' }, 'b', redactor, true);
    assert.equal(r.status, 429);
    assert.equal(r.headers['retry-after'], '7');
    const h = mapUpstreamHttpError(502, '<html>Bad Gateway</html>', {}, 'b', redactor, true);
    assert.equal(h.status, 502);
    assert.match(h.message, /Bad Gateway/);
  });

  it('an echoed key is redacted from type, param, code and every passed header, not only the message (issue #14)', () => {
    const key = 'sk-backend-secret-123';
    const e = mapUpstreamHttpError(
      429,
      JSON.stringify({ error: { message: 'slow', type: `rate_${key}`, param: key, code: `code-${key}` } }),
      { 'retry-after': '3', 'x-ratelimit-remaining-requests': `0 for ${key}`, 'x-request-id': `req ${key}` },
      'b',
      redactor,
      true,
    );
    assert.equal(e.upstreamType, 'rate_[REDACTED]');
    assert.equal(e.param, '[REDACTED]');
    assert.equal(e.code, 'code-[REDACTED]');
    assert.deepEqual(e.headers, {
      'retry-after': '3',
      'x-ratelimit-remaining-requests': '0 for [REDACTED]',
      'x-upstream-request-id': 'req [REDACTED]',
    });
    const auth = mapUpstreamHttpError(401, '{}', { 'x-request-id': key }, 'b', redactor, true);
    assert.equal(auth.headers['x-upstream-request-id'], '[REDACTED]');
  });

  it('SecretRedactor.redactHeaders rewrites only when a value holds a secret; redactQuerySecrets keeps the names', () => {
    const clean = { a: 'x', b: ['y', 'z'] };
    redactor.redactHeaders(clean);
    assert.deepEqual(clean, { a: 'x', b: ['y', 'z'] });
    const dirty: Record<string, string | string[]> = { a: 'sk-backend-secret-123', b: ['ok', 'Bearer abcdefghijkl'] };
    redactor.redactHeaders(dirty);
    assert.deepEqual(dirty, { a: '[REDACTED]', b: ['ok', 'Bearer [REDACTED]'] });
    assert.equal(
      redactQuerySecrets('/v1/messages?beta=true&key=abc123&API_KEY=q&access_token=t#x'),
      '/v1/messages?beta=true&key=[REDACTED]&API_KEY=[REDACTED]&access_token=[REDACTED]#x',
    );
    assert.equal(redactQuerySecrets('/v1/models?monkey=1&keys=2'), '/v1/models?monkey=1&keys=2');
  });

  it('transport failures: refused/DNS/reset → 502, timeouts → 504', () => {
    assert.equal(mapTransportError({ code: 'ECONNREFUSED' }, 'b').status, 502);
    assert.equal(mapTransportError({ cause: { code: 'ENOTFOUND' } }, 'b').status, 502);
    assert.equal(mapTransportError({ code: 'ECONNRESET' }, 'b').status, 502);
    assert.equal(mapTransportError({ code: 'UND_ERR_CONNECT_TIMEOUT' }, 'b').status, 504);
    assert.equal(mapTransportError({ code: 'UND_ERR_HEADERS_TIMEOUT' }, 'b').status, 504);
    assert.equal(mapTransportError({ code: 'UND_ERR_BODY_TIMEOUT' }, 'b').status, 504);
  });
});

describe('model globs', () => {
  it('* also matches /, case-sensitive, ? one character', () => {
    assert.equal(compileModelGlob('Qwen/*')('Qwen/Qwen3-8B'), true);
    assert.equal(compileModelGlob('*')('a/b/c'), true);
    assert.equal(compileModelGlob('qwen/*')('Qwen/Qwen3'), false);
    assert.equal(compileModelGlob('gpt-4?')('gpt-4o'), true);
    assert.equal(compileModelGlob('gpt-4.1')('gpt-4x1'), false);
  });
});
