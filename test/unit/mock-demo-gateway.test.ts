/**
 * The mock backend inside the real gateway process (also exercises the start-gateway helper).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { mockText } from '@switchyard/plugin-mock/standalone';
import { runCli, startGateway, writeConfigFile, type RunningGateway } from '../helpers/start-gateway.js';

describe('gateway with the mock backend', () => {
  describe('demo mode (nothing configured)', () => {
    let gw: RunningGateway;
    before(async () => {
      gw = await startGateway();
    });
    after(async () => {
      // SIGKILL: graceful shutdown is covered below; see the report on SDK keep-alive connections.
      await gw.stop('SIGKILL');
    });

    it('serves model "mock" through the openai SDK, streamed and not', async () => {
      const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const res = await client.chat.completions.create({ model: 'mock', messages: [{ role: 'user', content: 'hello' }] });
      assert.equal(res.choices[0]!.message.content, mockText(16));
      assert.equal(res.usage!.completion_tokens, 16);
      let text = '';
      for await (const chunk of await client.chat.completions.create({
        model: 'mock',
        stream: true,
        messages: [{ role: 'user', content: 'hello' }],
      })) {
        text += chunk.choices[0]?.delta.content ?? '';
      }
      assert.equal(text, mockText(16));
      const ids: string[] = [];
      for await (const m of client.models.list()) ids.push(m.id);
      assert.ok(ids.includes('mock'));
    });
  });

  it('takes the mock keys from a config file', async () => {
    const gw = await startGateway({
      config: { backends: [{ id: 'm1', type: 'mock', output_tokens: 3, mock_models: ['m-a', 'm-b'], models: ['m-*'] }] },
    });
    try {
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm-b', messages: [{ role: 'user', content: 'x' }] }),
      });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { model: string; choices: { message: { content: string } }[] };
      assert.equal(body.model, 'm-b');
      assert.equal(body.choices[0]!.message.content, mockText(3));
      assert.equal(await gw.stop(), 0, 'SIGTERM exits 0');
      assert.equal(gw.hasExited(), true);
    } finally {
      await gw.stop('SIGKILL');
    }
  });

  it('--check rejects an invalid mock key, naming it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-mock-check-'));
    try {
      const bad = writeConfigFile(dir, { backends: [{ id: 'm1', type: 'mock', output_tokens: -1 }] }, 'json');
      const result = await runCli(['--check', '--config', bad]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /output_tokens/);
      const good = writeConfigFile(dir, { backends: [{ id: 'm1', type: 'mock', output_tokens: 4, models: ['*'] }] });
      assert.equal((await runCli(['--check', '--config', good])).code, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
