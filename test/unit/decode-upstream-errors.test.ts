/**
 * Issue #16 item 2: each protocol's codec reads its own provider's error body (decodeError); the
 * kernel maps the status, redacts what a plugin returns, and reads generically when no decoder
 * recognises the body.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import {
  decodeGenericUpstreamError,
  mapUpstreamHttpError,
  SecretRedactor,
  type KernelLogger,
  type UpstreamErrorDecoder,
} from '@switchyard/kernel';
import { anthropicMessagesCodec, decodeAnthropicError } from '@switchyard/plugin-anthropic';
import { decodeOpenAIError, openaiChatCodec, plugin as openaiPlugin } from '@switchyard/plugin-openai';
import {
  decodeGoogleError,
  googleGenerateContentCodec,
  readGoogleRetryDelay,
  VertexAdapter,
  type VertexBackendConfig,
} from '@switchyard/plugin-vertex';
import { fixturePath } from '../helpers/fake-upstream.js';

describe('decodeOpenAIError (plugins/openai)', () => {
  it('reads message, type, param and code; a numeric code as text', () => {
    const body = JSON.stringify({ error: { message: 'bad temp', type: 'invalid_request_error', param: 'temperature', code: 400 } });
    assert.deepEqual(decodeOpenAIError(400, {}, body), {
      message: 'bad temp',
      type: 'invalid_request_error',
      code: '400',
      param: 'temperature',
    });
  });
  it('is null for a body not in OpenAI’s shape (text, a root-level error, a string error)', () => {
    assert.equal(decodeOpenAIError(502, {}, '<html>Bad Gateway</html>'), null);
    assert.equal(decodeOpenAIError(400, {}, '{"object":"error","message":"m","code":400}'), null);
    assert.equal(decodeOpenAIError(404, {}, '{"error":"model not found"}'), null);
  });
  it('is the decodeError of every codec of the openai plugin (chat, completions, embeddings)', () => {
    for (const codec of openaiPlugin.codecs ?? []) assert.equal(codec.decodeError, decodeOpenAIError, codec.protocol);
    assert.equal(openaiChatCodec.decodeError, decodeOpenAIError);
  });
});

describe('decodeAnthropicError (plugins/anthropic)', () => {
  it('reads the type and message of {"type":"error","error":{…}}', () => {
    const body = JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: 'req_1' });
    assert.deepEqual(decodeAnthropicError(529, {}, body), { message: 'Overloaded', type: 'overloaded_error', code: null, param: null });
    assert.equal(anthropicMessagesCodec.decodeError, decodeAnthropicError);
  });
  it('is null for any other shape (Google’s, OpenAI’s, text)', () => {
    assert.equal(decodeAnthropicError(429, {}, readFileSync(fixturePath('gemini/google-429-retry-info.json'), 'utf8')), null);
    assert.equal(decodeAnthropicError(400, {}, '{"error":{"message":"m","type":"invalid_request_error"}}'), null);
    assert.equal(decodeAnthropicError(500, {}, 'oops'), null);
  });
});

describe('decodeGoogleError (plugins/vertex)', () => {
  it('reads the message, the status as code and RetryInfo as retry-after (the list-wrapped form too)', () => {
    const error = {
      code: 429,
      status: 'RESOURCE_EXHAUSTED',
      message: 'quota',
      details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2.1s' }],
    };
    const want = { message: 'quota', type: undefined, code: 'RESOURCE_EXHAUSTED', param: null, retryAfterSeconds: 3 };
    assert.deepEqual(decodeGoogleError(429, {}, JSON.stringify({ error })), want);
    assert.deepEqual(decodeGoogleError(429, {}, JSON.stringify([{ error }])), want);
    assert.equal(googleGenerateContentCodec.decodeError, decodeGoogleError);
  });
  it('RetryInfo as {seconds, nanos}; no RetryInfo → no retry-after', () => {
    assert.equal(
      readGoogleRetryDelay([{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: { seconds: 4, nanos: 5e8 } }]),
      5,
    );
    assert.equal(readGoogleRetryDelay([{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'x' }]), undefined);
    const parsed = decodeGoogleError(400, {}, '{"error":{"code":400,"status":"INVALID_ARGUMENT","message":"bad"}}');
    assert.equal(parsed?.retryAfterSeconds, undefined);
    assert.equal(parsed?.code, 'INVALID_ARGUMENT');
  });
  it('is null for other shapes; the Vertex backend reads Google’s errors whatever the model’s protocol', async () => {
    assert.equal(decodeGoogleError(400, {}, '{"type":"error","error":{"type":"invalid_request_error","message":"m"}}'), null);
    assert.equal(decodeGoogleError(400, {}, 'nope'), null);
    const silent = { debug() {}, info() {}, warn() {}, error() {}, isLevelEnabled: () => false } as unknown as KernelLogger;
    const config = { id: 'vx', type: 'gcp-vertex', timeout_seconds: 30, connect_timeout_seconds: 5, auth_type: 'none', project: 'p' };
    const vx = new VertexAdapter(config as VertexBackendConfig, { logger: silent, redactor: new SecretRedactor(), singleBackend: false });
    assert.equal(vx.decodeError, decodeGoogleError);
    await vx.close();
  });
});

describe('the kernel around a plugin’s decodeError (SPEC §3)', () => {
  const key = 'sk-backend-secret-123';
  const redactor = new SecretRedactor();
  redactor.add(key);

  it('redacts every string a decoder returns and rounds its retry-after up', () => {
    const leaky: UpstreamErrorDecoder = () => ({
      message: `m ${key}`,
      type: `t ${key}`,
      code: `c ${key}`,
      param: `p ${key}`,
      retryAfterSeconds: 1.2,
    });
    const e = mapUpstreamHttpError(429, '{}', {}, 'b', redactor, true, [leaky]);
    assert.equal(e.message, 'm [REDACTED]');
    assert.equal(e.upstreamType, 't [REDACTED]');
    assert.equal(e.code, 'c [REDACTED]');
    assert.equal(e.param, 'p [REDACTED]');
    assert.equal(e.headers['retry-after'], '2');
    assert.equal(e.kind, 'rate_limit');
  });

  it('the first decoder that recognises the body wins; one that throws or returns null falls through to the generic reading', () => {
    const throws: UpstreamErrorDecoder = () => {
      throw new Error('careless plugin');
    };
    const body = '{"error":{"message":"generic","code":"x"}}';
    const e = mapUpstreamHttpError(400, body, {}, 'b', redactor, true, [throws, () => null, undefined]);
    assert.equal(e.status, 400);
    assert.equal(e.message, 'generic');
    assert.equal(e.code, 'x');
    const first = mapUpstreamHttpError(400, body, {}, 'b', redactor, true, [() => ({ message: 'first' }), () => ({ message: 'second' })]);
    assert.equal(first.message, 'first');
  });

  it('passes on retry-after and rate-limit headers under any vendor prefix, and no other header', () => {
    const headers = {
      'retry-after': '4',
      'x-ratelimit-limit-requests': '10',
      'acme-ratelimit-tokens-remaining': '0',
      server: 'x',
      'x-ratelimits': 'y',
    };
    assert.deepEqual(mapUpstreamHttpError(429, '{}', headers, 'b', redactor, true).headers, {
      'retry-after': '4',
      'x-ratelimit-limit-requests': '10',
      'acme-ratelimit-tokens-remaining': '0',
    });
  });

  it('401/403 stay a 502 naming the backend whatever a decoder reads', () => {
    const e = mapUpstreamHttpError(403, '{}', {}, 'b', redactor, true, [() => ({ message: 'ignored' })]);
    assert.equal(e.status, 502);
    assert.match(e.message, /backend b rejected the gateway's credentials/);
  });

  it('the generic reading knows no provider: a Google body gives no RetryInfo delay and its numeric code', () => {
    const text = readFileSync(fixturePath('gemini/google-429-retry-info.json'), 'utf8');
    assert.equal(decodeGenericUpstreamError(429, {}, text)?.retryAfterSeconds, undefined);
    assert.equal(mapUpstreamHttpError(429, text, {}, 'b', redactor, false).headers['retry-after'], undefined);
  });
});
