/**
 * A provider plugin from a separate package (examples/plugin-echo, backend type `echo`), loaded
 * by name from `plugins:`: routed to through the HTTP server (the built gateway) and in-process
 * (createSwitchyard), streamed and not, natively (openai.chat) and translated (Anthropic
 * Messages and Responses clients), with its config class validating its keys.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { ConfigError } from '@switchyard/kernel';
import { createSwitchyard, type EmbeddedSwitchyard } from '@switchyard/gateway';
import { get, post, waitFor } from '../helpers/e2e.js';
import { readSse, sseJson } from '../helpers/sse.js';
import { runCli, startGateway, type CliResult, type RunningGateway } from '../helpers/start-gateway.js';

const CONFIG = {
  logging: { level: 'error' },
  plugins: ['@switchyard-example/plugin-echo'],
  backends: [{ id: 'parrot', type: 'echo', prefix: 'echo: ', echo_models: ['echo-1'], models: ['echo-*'] }],
  routes: [{ virtual_model: 'repeat', backend: 'parrot', real_model: 'echo-1' }],
};

const user = (content: string) => [{ role: 'user' as const, content }];

describe('echo plugin over HTTP (plugins: by package name)', () => {
  let gw: RunningGateway;

  before(async () => {
    gw = await startGateway({ config: CONFIG });
  });

  after(async () => {
    await gw?.stop();
  });

  it('chat completions, not streamed: the last user message comes back', async () => {
    const reply = await post(`${gw.url}/v1/chat/completions`, {
      model: 'repeat',
      messages: [
        { role: 'system', content: 'ignored' },
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'x' },
        { role: 'user', content: 'hello echo' },
      ],
    });
    assert.equal(reply.status, 200, reply.text);
    const body = reply.json();
    assert.equal(body.object, 'chat.completion');
    assert.equal(body.model, 'repeat');
    assert.equal(body.choices[0].message.content, 'echo: hello echo');
    assert.equal(reply.headers.get('x-switchyard-real-model'), 'echo-1');
  });

  it('chat completions streamed, with the OpenAI SDK', async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'unused' });
    const stream = await client.chat.completions.create({ model: 'echo-1', stream: true, messages: user('one two three') });
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      assert.equal(chunk.usage ?? undefined, undefined, 'the usage chunk the gateway asked for is stripped');
    }
    assert.equal(text, 'echo: one two three');
    assert.equal(finish, 'stop');
  });

  it('an Anthropic client reaches it translated through the IR', async () => {
    const client = new Anthropic({ baseURL: gw.url, apiKey: 'unused' });
    const message = await client.messages.create({ model: 'repeat', max_tokens: 64, messages: user('bonjour') });
    assert.equal(message.content[0]!.type === 'text' && message.content[0]!.text, 'echo: bonjour');
    const events = await readSse(
      (
        await fetch(`${gw.url}/v1/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
          body: JSON.stringify({ model: 'repeat', max_tokens: 64, stream: true, messages: user('streamed bonjour') }),
        })
      ).body,
    );
    const data = sseJson<{ type: string; delta?: { type: string; text?: string } }>(events);
    assert.equal(data[0]!.type, 'message_start');
    assert.equal(data.at(-1)!.type, 'message_stop');
    assert.equal(data.map((d) => (d.delta?.type === 'text_delta' ? d.delta.text : '')).join(''), 'echo: streamed bonjour');
  });

  it('lists its models, and refuses what it cannot serve', async () => {
    // Listings arrive in the background; the backend's own list joins the virtual model.
    const ids = await waitFor(
      async () => {
        const models = (await get(`${gw.url}/v1/models`)).json() as { data: Array<{ id: string }> };
        return models.data.length === 2 ? models.data.map((m) => m.id) : null;
      },
      5000,
      'the echo listing',
    );
    assert.deepEqual(ids, ['repeat', 'echo-1']);
    const embeddings = await post(`${gw.url}/v1/embeddings`, { model: 'repeat', input: 'x' });
    assert.equal(embeddings.status, 400);
    assert.match(embeddings.json().error.message, /cannot serve \/v1\/embeddings/);
  });

  it('its config class validates `type: echo` keys (switchyard --check)', async () => {
    let result: CliResult;
    const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-echo-check-'));
    try {
      writeFileSync(
        path.join(dir, 'bad.yaml'),
        'plugins: ["@switchyard-example/plugin-echo"]\nbackends:\n  - { id: e, type: echo, chunk_delay_ms: -5, prefx: "x" }\n',
      );
      result = await runCli(['--check', '--config', 'bad.yaml'], {}, { cwd: dir });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /backends\[0\]\.chunk_delay_ms: /);
    assert.match(result.stderr, /backends\[0\]\.prefx: unknown key.*prefix/);
  });
});

describe('echo plugin in-process (createSwitchyard, plugins: by package name)', () => {
  let sy: EmbeddedSwitchyard;

  before(async () => {
    sy = await createSwitchyard({ config: CONFIG, logger: false });
  });

  after(async () => {
    await sy?.close();
  });

  it('chat, streamed and not', async () => {
    const reply = await sy.chat.completions.create({ model: 'repeat', messages: user('in process') });
    assert.equal(reply.choices[0]!.message.content, 'echo: in process');
    const stream = await sy.chat.completions.create({ model: 'repeat', stream: true, messages: user('in process streamed') });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    assert.equal(text, 'echo: in process streamed');
  });

  it('Messages and Responses, translated', async () => {
    const message = await sy.messages.create({ model: 'repeat', max_tokens: 32, messages: user('hola') });
    assert.equal(message.content[0]!.type === 'text' && message.content[0]!.text, 'echo: hola');
    const stream = await sy.responses.create({ model: 'repeat', stream: true, input: 'ciao' });
    let text = '';
    for await (const event of stream) if (event.type === 'response.output_text.delta') text += event.delta;
    assert.equal(text, 'echo: ciao');
  });

  it('a package that is not there is a configuration error', async () => {
    const err = await createSwitchyard({ logger: false, config: { ...CONFIG, plugins: ['@switchyard-example/no-such-plugin'] } }).catch(
      (e: unknown) => e,
    );
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /^config: plugins\[0\]: cannot load "@switchyard-example\/no-such-plugin"/);
  });
});
