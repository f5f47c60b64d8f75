/**
 * Switchyard in-process (issue #8): createSwitchyard from a config object, then the SDK-shaped
 * calls with no HTTP hop: chat / completions / embeddings on the mock, Anthropic Messages and
 * Responses translated to it, virtual models and their profiles, error envelopes, AbortSignal and
 * early `break` cutting the upstream, and config errors identical to the file loader's.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify as toYaml } from 'yaml';
import { ConfigError, createLogger, loadConfigFile } from '@switchyard/kernel';
import { createBuiltinRegistry, createSwitchyard, isSwitchyardError, SwitchyardError, type EmbeddedSwitchyard } from '@switchyard/gateway';
import echo from '@switchyard-example/plugin-echo';
import { destroyMidStream, hang, json, sse, startFakeUpstream, type FakeUpstream, type RecordedRequest } from '../helpers/fake-upstream.js';
import { byModel, chatCompletion, textChunks, waitFor, withTimeout } from '../helpers/e2e.js';

const SLOW_PIECES = Array.from({ length: 400 }, (_, i) => `tok${i} `);

async function closedEarly(record: RecordedRequest): Promise<void> {
  await withTimeout(record.closed, 3000, 'the upstream connection to close');
  assert.equal(record.closedEarly, true, 'the upstream response was cut short');
  assert.equal(record.responseEnded, false);
}

function lastRequestFor(upstream: FakeUpstream, model: string): RecordedRequest {
  const found = upstream.requests.filter((r) => r.method === 'POST' && r.body?.model === model).at(-1);
  assert.ok(found, `the fake upstream received no request for ${model}`);
  return found;
}

describe('createSwitchyard: in-process calls', () => {
  let upstream: FakeUpstream;
  let sy: EmbeddedSwitchyard;

  before(async () => {
    upstream = await startFakeUpstream(
      byModel({
        'slow-stream': sse(textChunks('slow-stream', SLOW_PIECES), { delayMs: 20 }),
        'no-headers': hang(),
        'cut-stream': destroyMidStream(3, { lines: textChunks('cut-stream', ['a ', 'b ', 'c ', 'd ']) }),
        'rate-limited': json(
          429,
          { error: { message: 'slow down', type: 'rate_limit_error', param: null, code: 'rate_limited' } },
          { 'retry-after': '7' },
        ),
        'gpt-json': json(200, chatCompletion('gpt-json', { content: 'from the fake' })),
      }),
    );
    sy = await createSwitchyard({
      logger: false,
      config: {
        backends: [
          { id: 'local', type: 'mock', output_tokens: 6, models: ['mock'] },
          {
            id: 'fake',
            type: 'openai',
            base_url: upstream.url,
            api_key: 'sk-embedded-0123456789',
            models: ['gpt-*', 'slow-stream', 'no-headers', 'cut-stream', 'rate-limited'],
            skip_probe: true,
          },
        ],
        routes: [
          { virtual_model: 'assistant', backend: 'local', real_model: 'mock' },
          {
            virtual_model: 'careful',
            backend: 'fake',
            real_model: 'gpt-json',
            defaults: { temperature: 0.2, max_tokens: 64 },
            clamp: { top_p: 0.5 },
          },
        ],
      },
    });
  });

  after(async () => {
    await sy?.close();
    await upstream?.close();
  });

  it('chat.completions.create: a parsed ChatCompletion, the virtual model name in it', async () => {
    const reply = await sy.chat.completions.create({ model: 'assistant', messages: [{ role: 'user', content: 'Hello' }] });
    assert.equal(reply.object, 'chat.completion');
    assert.equal(reply.model, 'assistant');
    assert.equal(reply.choices[0]!.message.role, 'assistant');
    assert.equal(reply.choices[0]!.message.content!.split(' ').length, 6);
    assert.equal(reply.usage!.completion_tokens, 6);
  });

  it('chat.completions.create with stream: true: an async iterable of ChatCompletionChunk', async () => {
    const stream = await sy.chat.completions.create({ model: 'assistant', stream: true, messages: [{ role: 'user', content: 'Hello' }] });
    assert.equal(stream.status, 200);
    assert.equal(stream.headers['x-switchyard-real-model'], 'mock');
    let text = '';
    let finish: string | null = null;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      assert.equal(chunk.object, 'chat.completion.chunk');
      assert.equal(chunk.model, 'assistant');
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.ok(chunks >= 7, `${chunks} chunks`);
    assert.equal(text.trim().split(' ').length, 6);
    assert.equal(finish, 'stop');
    // The gateway asked the mock for usage (metrics) and stripped that chunk: the client did not ask.
    const withUsage = await sy.chat.completions.create({
      model: 'assistant',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Hello' }],
    });
    const all = [];
    for await (const chunk of withUsage) all.push(chunk);
    assert.equal(all.at(-1)!.usage!.completion_tokens, 6);
  });

  it('a virtual model applies its profile and routes to its real model, as over HTTP', async () => {
    const reply = await sy.chat.completions.create({ model: 'careful', top_p: 0.9, messages: [{ role: 'user', content: 'Hi' }] });
    assert.equal(reply.choices[0]!.message.content, 'from the fake');
    assert.equal(reply.model, 'careful');
    const sent = lastRequestFor(upstream, 'gpt-json');
    assert.equal(sent.body.temperature, 0.2);
    assert.equal(sent.body.max_tokens, 64);
    assert.equal(sent.body.top_p, 0.5);
    assert.equal(sent.headers.authorization, 'Bearer sk-embedded-0123456789');
  });

  it('messages.create reaches the mock translated, and answers an Anthropic Message', async () => {
    const message = await sy.messages.create({ model: 'assistant', max_tokens: 50, messages: [{ role: 'user', content: 'Hello' }] });
    assert.equal(message.type, 'message');
    assert.equal(message.role, 'assistant');
    assert.equal(message.model, 'assistant');
    assert.equal(message.stop_reason, 'end_turn');
    const block = message.content[0]!;
    assert.equal(block.type, 'text');
    assert.equal(block.type === 'text' && block.text.split(' ').length, 6);
    assert.equal(message.usage.output_tokens, 6);
  });

  it('messages.create with stream: true: Anthropic stream events in order', async () => {
    const stream = await sy.messages.create({
      model: 'assistant',
      max_tokens: 50,
      stream: true,
      messages: [{ role: 'user', content: 'Hello' }],
    });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }
    assert.equal(types[0], 'message_start');
    assert.equal(types.at(-1), 'message_stop');
    assert.ok(types.includes('content_block_delta'));
    assert.equal(text.trim().split(' ').length, 6);
  });

  it('responses.create, streamed and not, translated to the mock', async () => {
    const response = await sy.responses.create({ model: 'assistant', input: 'Hello' });
    assert.equal(response.object, 'response');
    assert.equal(response.status, 'completed');
    assert.equal(response.model, 'assistant');
    const item = response.output.find((o) => o.type === 'message');
    assert.ok(item && item.type === 'message');
    const part = item.content[0]!;
    assert.equal(part.type === 'output_text' && part.text.split(' ').length, 6);

    const stream = await sy.responses.create({ model: 'assistant', input: 'Hello', stream: true });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    assert.equal(types[0], 'response.created');
    assert.equal(types.at(-1), 'response.completed');
    assert.equal(text.trim().split(' ').length, 6);
  });

  it('embeddings.create and completions.create on the mock', async () => {
    const embeddings = await sy.embeddings.create({ model: 'mock', input: ['a', 'b'] });
    assert.equal(embeddings.object, 'list');
    assert.equal(embeddings.data.length, 2);
    assert.equal(embeddings.data[0]!.embedding.length, 8);

    const completion = await sy.completions.create({ model: 'mock', prompt: 'Once upon a time' });
    assert.equal(completion.object, 'text_completion');
    assert.equal(completion.choices[0]!.text.trim().split(' ').length, 6);
    const stream = await sy.completions.create({ model: 'mock', prompt: 'Once', stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    assert.equal(text.trim().split(' ').length, 6);
  });

  it('models.list: virtual models first, then what the backends report', async () => {
    const list = await sy.models.list({ refresh: true });
    assert.equal(list.object, 'list');
    const ids = list.data.map((m) => m.id);
    assert.deepEqual(ids.slice(0, 2), ['assistant', 'careful']);
    assert.ok(ids.includes('mock'), ids.join(', '));
    assert.equal(list.data[0]!.owned_by, 'switchyard');
  });

  it('errors reject with a SwitchyardError: status and the protocol envelope', async () => {
    const err = await sy.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }).then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    );
    assert.ok(isSwitchyardError(err));
    assert.ok(err instanceof SwitchyardError);
    assert.equal(err.status, 404);
    assert.equal(err.code, 'model_not_found');
    assert.deepEqual(Object.keys(err.body), ['error']);
    assert.match(err.message, /The model 'nope' does not exist/);

    const anthropic = await sy.messages
      .create({ model: 'nope', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: SwitchyardError) => e);
    assert.ok(anthropic instanceof SwitchyardError);
    assert.equal(anthropic.status, 404);
    assert.equal(anthropic.body.type, 'error');
    assert.equal(anthropic.type, 'not_found_error');

    const limited = await sy.chat.completions
      .create({ model: 'rate-limited', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: SwitchyardError) => e);
    assert.ok(limited instanceof SwitchyardError);
    assert.equal(limited.status, 429);
    assert.equal(limited.type, 'rate_limit_error');
    assert.equal(limited.headers['retry-after'], '7');

    const bad = await sy.chat.completions.create({ messages: [] } as never).catch((e: SwitchyardError) => e);
    assert.ok(bad instanceof SwitchyardError);
    assert.equal(bad.status, 400);
    assert.equal((bad.error as { param?: string }).param, 'model');
  });

  it('a stream cut by the upstream ends the iteration with a mid-stream SwitchyardError', async () => {
    const stream = await sy.chat.completions.create({ model: 'cut-stream', stream: true, messages: [{ role: 'user', content: 'x' }] });
    let text = '';
    const err = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().then(
      () => assert.fail('the iteration ended without an error'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof SwitchyardError, String(err));
    assert.equal(err.midStream, true);
    assert.equal(err.status, 502);
    assert.equal(text, 'a b ');
  });

  it('an AbortSignal mid-stream cancels the upstream request at once', async () => {
    const controller = new AbortController();
    const stream = await sy.chat.completions.create(
      { model: 'slow-stream', stream: true, messages: [{ role: 'user', content: 'go' }] },
      { signal: controller.signal, requestId: 'embedded-abort-mid' },
    );
    let seen = 0;
    await assert.rejects(async () => {
      for await (const _chunk of stream) if (++seen === 4) controller.abort();
    }, /abort/i);
    const record = upstream.requests.find((r) => r.headers['x-request-id'] === 'embedded-abort-mid');
    assert.ok(record);
    await closedEarly(record);
    assert.ok(record.chunksSent < 100, `the fake kept writing: ${record.chunksSent} events`);
  });

  it('an AbortSignal before the upstream answered rejects the call and closes the upstream connection', async () => {
    const controller = new AbortController();
    const call = sy.chat.completions.create(
      { model: 'no-headers', messages: [{ role: 'user', content: 'go' }] },
      { signal: controller.signal, requestId: 'embedded-abort-early' },
    );
    const record = await waitFor(
      () => upstream.requests.find((x) => x.headers['x-request-id'] === 'embedded-abort-early'),
      3000,
      'the upstream request',
    );
    controller.abort();
    await assert.rejects(call, (e: Error) => e.name === 'AbortError');
    await closedEarly(record);
  });

  it('breaking out of the loop cancels the upstream too', async () => {
    const stream = await sy.chat.completions.create(
      { model: 'slow-stream', stream: true, messages: [{ role: 'user', content: 'go' }] },
      { requestId: 'embedded-break' },
    );
    let seen = 0;
    for await (const _chunk of stream) if (++seen === 3) break;
    const record = upstream.requests.find((r) => r.headers['x-request-id'] === 'embedded-break');
    assert.ok(record);
    await closedEarly(record);
    await withTimeout(
      (async () => {
        while (sy.inFlight > 0) await new Promise((r) => setTimeout(r, 10));
      })(),
      2000,
      'the exchange to end',
    );
  });
});

describe('createSwitchyard: configuration', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'switchyard-embedded-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const invalid = {
    server: { prot: 4000 },
    backends: [
      { id: 'a', type: 'openai', base_url: 'not a url', timeout_seconds: -1 },
      { id: 'b', type: 'nosuch' },
    ],
    routes: [{ virtual_model: 'v', backend: 'missing' }],
  };

  it("an invalid config object fails with exactly the file loader's error text", async () => {
    const file = path.join(tmp, 'switchyard.yaml');
    writeFileSync(file, toYaml(invalid));
    const fromFile = await loadConfigFile(file, { env: {}, registry: createBuiltinRegistry(), shownAs: 'switchyard.yaml' }).then(
      () => assert.fail('the file loaded'),
      (e: unknown) => e as ConfigError,
    );
    assert.ok(fromFile instanceof ConfigError);
    assert.ok(fromFile.issues.length >= 4, fromFile.message);

    const fromObject = await createSwitchyard({ config: invalid, source: 'switchyard.yaml', logger: false, env: {} }).then(
      () => assert.fail('created'),
      (e: unknown) => e as ConfigError,
    );
    assert.ok(fromObject instanceof ConfigError);
    assert.equal(fromObject.message, fromFile.message);

    // Named `config` by default.
    const named = await createSwitchyard({ config: invalid, logger: false }).catch((e: ConfigError) => e);
    assert.ok(named instanceof ConfigError);
    assert.equal(named.message, fromFile.message.replaceAll('switchyard.yaml:', 'config:'));
    assert.match(named.message, /^config: /);
  });

  it('@switchyard/gateway/embedded exports the same API without the HTTP layer', async () => {
    const embedded = await import('@switchyard/gateway/embedded');
    assert.equal(embedded.createSwitchyard, createSwitchyard);
    assert.equal(embedded.SwitchyardError, SwitchyardError);
  });

  it('a file path loads like --config, ${VAR} from options.env', async () => {
    const file = path.join(tmp, 'ok.yaml');
    writeFileSync(file, toYaml({ backends: [{ id: 'local', type: 'mock', mock_models: ['${MODEL_NAME}'], models: ['*'] }] }));
    const sy = await createSwitchyard({ config: file, logger: false, env: { MODEL_NAME: 'from-env' } });
    try {
      assert.equal(sy.config.backends[0]!.id, 'local');
      const list = await sy.models.list({ refresh: true });
      assert.deepEqual(
        list.data.map((m) => m.id),
        ['from-env'],
      );
    } finally {
      await sy.close();
    }
    const missing = await createSwitchyard({ config: path.join(tmp, 'missing.yaml'), logger: false }).catch((e: ConfigError) => e);
    assert.ok(missing instanceof ConfigError);
    assert.match(missing.message, /missing\.yaml: cannot read the configuration file/);
  });

  it("plugins passed as objects are registered before the built-ins; a logger receives the kernel's lines", async () => {
    const lines: string[] = [];
    const logger = createLogger('debug', {}, { write: (s: string) => void lines.push(s) } as unknown as NodeJS.WritableStream);
    const sy = await createSwitchyard({
      plugins: [echo],
      logger,
      config: { backends: [{ id: 'e', type: 'echo', prefix: '> ', models: ['*'] }] },
    });
    try {
      const reply = await sy.chat.completions.create({ model: 'anything', messages: [{ role: 'user', content: 'same words back' }] });
      assert.equal(reply.choices[0]!.message.content, '> same words back');
    } finally {
      await sy.close();
    }
    assert.ok(lines.length > 0, 'no log line');
    // Without the built-ins, only the given plugins serve: a built-in type is unknown, as in a build
    // without it (no plugin, no config class to validate its keys with): a configuration error.
    const bare = await createSwitchyard({
      plugins: [echo],
      builtins: false,
      logger: false,
      refreshModels: false,
      config: { backends: [{ id: 'm', type: 'mock', models: ['*'] }] },
    }).catch((e: unknown) => e);
    assert.ok(bare instanceof ConfigError);
    assert.match(bare.message, /^config: backends\[0\]\.type: unknown backend type "mock" \(known types: echo; /);
  });
});
