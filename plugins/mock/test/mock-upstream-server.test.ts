import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { mockText, startMockUpstream, type MockUpstream } from '@switchyard/plugin-mock/standalone';
import { parseSse, sseJson } from '../../../test/dist/helpers/sse.js';

const SERVER_JS = fileURLToPath(new URL('../dist/serve-mock-upstream.js', import.meta.url));

describe('standalone mock upstream', () => {
  let up: MockUpstream;
  let client: OpenAI;

  before(async () => {
    up = await startMockUpstream({ config: { output_tokens: 6, embedding_dimensions: 12, mock_models: ['mock', 'mock-large'] } });
    client = new OpenAI({ baseURL: `${up.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(() => up.close());

  it('listens on a free port on 127.0.0.1', () => {
    assert.match(up.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(up.port > 0);
  });

  it('chat, non-streamed, through the openai SDK', async () => {
    const res = await client.chat.completions.create({ model: 'mock', messages: [{ role: 'user', content: 'hello there' }] });
    assert.equal(res.object, 'chat.completion');
    assert.equal(res.model, 'mock');
    assert.equal(res.choices[0]!.message.content, mockText(6));
    assert.equal(res.choices[0]!.finish_reason, 'stop');
    assert.deepEqual(res.usage, { prompt_tokens: 2, completion_tokens: 6, total_tokens: 8 });
  });

  it('chat, streamed, through the openai SDK (with usage)', async () => {
    const stream = await client.chat.completions.create({
      model: 'mock-large',
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 4,
      messages: [{ role: 'user', content: 'one two three' }],
    });
    let text = '';
    let finish: string | null = null;
    let usage: unknown;
    let count = 0;
    for await (const chunk of stream) {
      count++;
      assert.equal(chunk.model, 'mock-large');
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, mockText(4));
    assert.equal(finish, 'length');
    assert.deepEqual(usage, { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
    assert.equal(count, 1 + 4 + 1 + 1);
  });

  it('chat tool call, streamed, through the openai SDK helper', async () => {
    const runner = client.chat.completions.stream({
      model: 'mock',
      messages: [{ role: 'user', content: 'What is the weather like?' }],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } },
        },
      ],
    });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0]!;
    assert.equal(call.type, 'function');
    assert.equal(call.type === 'function' && call.function.name, 'get_weather');
    assert.equal(call.type === 'function' && call.function.arguments, '{"location":"Paris"}');
    assert.equal(final.choices[0]!.finish_reason, 'tool_calls');
  });

  it('embeddings through the openai SDK (which asks for base64 and decodes it)', async () => {
    const res = await client.embeddings.create({ model: 'mock', input: ['alpha', 'beta gamma'] });
    assert.equal(res.data.length, 2);
    assert.equal(res.data[0]!.embedding.length, 12);
    const norm = Math.hypot(...res.data[1]!.embedding);
    assert.ok(Math.abs(norm - 1) < 1e-5);
    assert.deepEqual(res.usage, { prompt_tokens: 3, total_tokens: 3 });
    const floats = await client.embeddings.create({ model: 'mock', input: 'alpha', encoding_format: 'float' });
    assert.deepEqual(floats.data[0]!.embedding, res.data[0]!.embedding);
  });

  it('completions through the openai SDK', async () => {
    const res = await client.completions.create({ model: 'mock', prompt: 'Say something' });
    assert.equal(res.object, 'text_completion');
    assert.equal(res.choices[0]!.text, mockText(6));
  });

  it('models listing and lookup', async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    assert.deepEqual(ids, ['mock', 'mock-large']);
    assert.equal((await client.models.retrieve('mock-large')).id, 'mock-large');
    await assert.rejects(client.models.retrieve('nope'), { status: 404 });
  });

  it('raw bytes: SSE framing, headers, keep-alive, unknown path and bad JSON', async () => {
    const raw = await fetch(`${up.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(raw.headers.get('content-type'), 'text/event-stream');
    assert.equal(raw.headers.get('cache-control'), 'no-cache');
    assert.match(raw.headers.get('x-request-id')!, /^mock-/);
    const text = await raw.text();
    assert.ok(text.startsWith('data: {"id":"chatcmpl-'));
    assert.ok(text.endsWith('\n\ndata: [DONE]\n\n'));
    assert.equal(sseJson(parseSse(text)).length, 1 + 6 + 1);
    const notFound = await fetch(`${up.url}/v1/nothing`, { method: 'POST', body: '{}' });
    assert.equal(notFound.status, 404);
    assert.ok(((await notFound.json()) as { error: { message: string } }).error.message);
    const bad = await fetch(`${up.url}/v1/chat/completions`, { method: 'POST', body: '{nope' });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { type: string } }).error.type, 'invalid_request_error');
    // Also without the /v1 prefix.
    assert.equal((await fetch(`${up.url}/models`)).status, 200);
  });
});

describe('standalone mock upstream: pacing and disconnects', () => {
  it('paces tokens and stops when the client disconnects', async () => {
    const up = await startMockUpstream({ config: { output_tokens: 10_000, tokens_per_second: 100, ttft_ms: 50 } });
    try {
      const t0 = performance.now();
      const received: number[] = [];
      await new Promise<void>((resolve, reject) => {
        const req = request(`${up.url}/v1/chat/completions`, { method: 'POST' }, (res) => {
          res.on('data', () => {
            received.push(performance.now() - t0);
            if (received.length === 5) req.destroy();
          });
          res.on('close', resolve);
          res.on('error', () => {});
        });
        req.on('error', (e: Error & { code?: string }) => (e.code === 'ECONNRESET' ? resolve() : reject(e)));
        req.end(JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }));
      });
      assert.ok(received[0]! >= 45, `first bytes at ${received[0]} ms`);
      assert.ok(received[4]! - received[0]! >= 25, 'later tokens are paced');
      // The server side has nothing left scheduled: closing does not wait on the stream.
      await new Promise((r) => setTimeout(r, 30));
      const connections = await new Promise<number>((r) => up.server.getConnections((_e, n) => r(n)));
      assert.equal(connections, 0);
    } finally {
      await up.close();
    }
  });
});

describe('standalone mock upstream: CLI', () => {
  it('prints its URL and serves until SIGTERM', async () => {
    const child = spawn(process.execPath, [SERVER_JS, '--port', '0', '--output-tokens', '3', '--models', 'a,b'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      child.stdout.setEncoding('utf8');
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (s: string) => {
          out += s;
          const m = out.match(/listening on (http:\/\/\S+)/);
          if (m) resolve(m[1]!);
        });
        child.once('exit', () => reject(new Error(`exited early: ${out}`)));
      });
      const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] };
      assert.deepEqual(
        models.data.map((m) => m.id),
        ['a', 'b'],
      );
      const chat = (await (
        await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          body: JSON.stringify({ model: 'a', messages: [{ role: 'user', content: 'x' }] }),
        })
      ).json()) as { usage: { completion_tokens: number } };
      assert.equal(chat.usage.completion_tokens, 3);
    } finally {
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      assert.equal(code, 0);
    }
  });

  it('rejects a bad flag with a usage message and exit code 1', async () => {
    const child = spawn(process.execPath, [SERVER_JS, '--output-tokens', 'lots'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    const [code] = await once(child, 'exit');
    assert.equal(code, 1);
    assert.match(err, /--output-tokens/);
  });
});
