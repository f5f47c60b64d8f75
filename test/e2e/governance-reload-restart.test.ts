/**
 * Client keys' counters (issue #20) outlive the configuration they were counted under: a SIGHUP
 * reload that raises a key's rpm keeps the requests already counted, and a budget persisted with
 * governance.store_path (node:sqlite) is still spent after the gateway restarts.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify as toYaml } from 'yaml';
import { json, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';
import { assertOpenAIError, chatCompletion, post } from '../helpers/e2e.js';

const KEY = 'sk-gov-reload-000000000001';
const CHAT = { model: 'm-1', messages: [{ role: 'user', content: 'hello' }], max_tokens: 50 };
const R = Math.ceil(Buffer.byteLength(JSON.stringify(CHAT)) / 4) + 50;
const auth = { authorization: `Bearer ${KEY}` };

function config(upstreamUrl: string, key: Record<string, unknown>, storePath = ''): Record<string, unknown> {
  return {
    logging: { level: 'info' },
    server: { api_keys: [{ name: 'team-a', key: KEY, ...key }] },
    governance: { store_path: storePath },
    backends: [{ id: 'fake', type: 'openai', base_url: upstreamUrl, models: ['m-*'], skip_probe: true }],
  };
}

describe('client-key counters across a reload and a restart (issue #20)', () => {
  let upstream: FakeUpstream;
  let dir: string;
  const gateways: RunningGateway[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gov-restart-'));
    upstream = await startFakeUpstream(json(200, chatCompletion('m-1', { content: 'hi' })));
  });

  after(async () => {
    for (const gw of gateways) if (!gw.hasExited()) await gw.stop();
    await upstream?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a reload that raises rpm from 2 to 3 keeps the two requests already counted', async () => {
    const gw = await startGateway({ config: config(upstream.url, { rpm: 2 }) });
    gateways.push(gw);
    for (let i = 0; i < 2; i++) assert.equal((await post(`${gw.url}/v1/chat/completions`, CHAT, auth)).status, 200);
    assertOpenAIError(await post(`${gw.url}/v1/chat/completions`, CHAT, auth), 429, /rate limit of 2 requests per minute/);
    writeFileSync(gw.configPath!, toYaml(config(upstream.url, { rpm: 3 })));
    gw.kill('SIGHUP');
    await gw.waitForOutput('configuration reloaded');
    const third = await post(`${gw.url}/v1/chat/completions`, CHAT, auth);
    assert.equal(third.status, 200, third.text);
    assert.equal(third.headers.get('x-ratelimit-limit-requests'), '3');
    assert.equal(third.headers.get('x-ratelimit-remaining-requests'), '0', 'the two requests before the reload still count');
    assertOpenAIError(await post(`${gw.url}/v1/chat/completions`, CHAT, auth), 429, /rate limit of 3 requests per minute/);
    await gw.stop();
  });

  it('a monthly budget kept in governance.store_path is still spent after a restart', async () => {
    const store = path.join(dir, 'state', 'governance.sqlite');
    // Room for one request's reservation; the 8 tokens it uses leave less than another needs.
    const cfg = config(upstream.url, { budget: { tokens: R + 7, period: 'month' } }, store);
    const first = await startGateway({ config: cfg });
    gateways.push(first);
    assert.equal((await post(`${first.url}/v1/chat/completions`, CHAT, auth)).status, 200);
    assertOpenAIError(await post(`${first.url}/v1/chat/completions`, CHAT, auth), 429, /month budget/);
    assert.equal(await first.stop(), 0);
    assert.ok(existsSync(store));

    const second = await startGateway({ config: cfg });
    gateways.push(second);
    assertOpenAIError(
      await post(`${second.url}/v1/chat/completions`, CHAT, auth),
      429,
      new RegExp(`client key team-a has spent its month budget of ${R + 7} tokens \\(${R - 1} left`),
    );
  });
});
