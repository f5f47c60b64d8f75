/**
 * Issue #9, SPEC §6: SIGHUP hot reload. Under continuous streaming load the configuration is
 * rewritten and SIGHUP sent: no request fails, a stream that started before the reload completes
 * on the OLD route and backend, requests started after it take the NEW ones (two fake upstreams
 * tell them apart). An invalid file is rejected, logged, counted as a failure, and the old
 * configuration keeps serving. Inbound keys, `${file:}` secrets and the log level follow too.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { stringify as toYaml } from 'yaml';
import { get, post, waitFor } from '../helpers/e2e.js';
import { openAiCompatible, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { labeledStreams, openStream, streamedText, type OpenStream } from '../helpers/ops.js';
import { scrapeMetrics } from '../helpers/prometheus-text.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';

const chat = (model: string) => ({ model, stream: true, messages: [{ role: 'user', content: 'hi' }] });

/** Counts occurrences of `needle` in the gateway's output. */
const occurrences = (gw: RunningGateway, needle: string) => `${gw.stdout()}\n${gw.stderr()}`.split(needle).length - 1;

/** Waits for the n-th occurrence of `needle` in the gateway's output. */
async function waitForNth(gw: RunningGateway, needle: string, n: number, timeoutMs = 10_000): Promise<void> {
  await waitFor(() => occurrences(gw, needle) >= n, timeoutMs, `${n}× "${needle}" in the gateway output`);
}

async function reloadsCounted(gw: RunningGateway, result: 'success' | 'failure'): Promise<number> {
  const s = await scrapeMetrics(gw.metricsUrl);
  return s.find('switchyard_config_reloads_total', { result }).reduce((n, x) => n + x.value, 0);
}

describe('SIGHUP reload under continuous streaming load', () => {
  let oldUp: FakeUpstream;
  let newUp: FakeUpstream;
  let gw: RunningGateway;

  const config = (upstreamUrl: string, realModel: string) => ({
    logging: { level: 'info' },
    backends: [{ id: 'gpu', type: 'openai', base_url: upstreamUrl, models: ['*'] }],
    routes: [{ virtual_model: 'chat', backend: 'gpu', real_model: realModel }],
  });

  before(async () => {
    // 8 pieces 60 ms apart: each stream lasts about half a second.
    oldUp = await startFakeUpstream(labeledStreams('OLD', { pieces: 8, delayMs: 60 }));
    newUp = await startFakeUpstream(labeledStreams('NEW', { pieces: 8, delayMs: 60 }));
    gw = await startGateway({ config: config(oldUp.url, 'real-old') });
  });
  after(async () => {
    await gw?.stop('SIGKILL');
    await oldUp?.close();
    await newUp?.close();
  });

  it('no request fails; the stream open across the reload finishes on the old route and backend; later ones take the new', async () => {
    interface Outcome {
      startedAt: number;
      status: number;
      realModel: string | null;
      text: string;
      done: boolean;
      error?: string;
    }
    const outcomes: Outcome[] = [];
    let running = true;
    const worker = async () => {
      while (running) {
        const startedAt = Date.now();
        try {
          const s = await openStream(`${gw.url}/v1/chat/completions`, chat('chat'));
          const { events, error } = await s.done;
          outcomes.push({
            startedAt,
            status: s.status,
            realModel: s.headers.get('x-switchyard-real-model'),
            text: s.status === 200 ? streamedText(events) : JSON.stringify(events),
            done: events.at(-1)?.data === '[DONE]',
            error: error?.message ?? events.find((e) => e.data.includes('"error"'))?.data,
          });
        } catch (err) {
          outcomes.push({ startedAt, status: 0, realModel: null, text: '', done: false, error: (err as Error).message });
        }
      }
    };
    const workers = Array.from({ length: 4 }, () => worker());
    await delay(700);

    // A stream that is open across the reload.
    const across: OpenStream = await openStream(`${gw.url}/v1/chat/completions`, chat('chat'));
    await across.waitForEvents(2);

    const hupAt = Date.now();
    writeFileSync(gw.configPath!, toYaml(config(newUp.url, 'real-new')));
    gw.kill('SIGHUP');
    await gw.waitForOutput('configuration reloaded');
    const reloadedAt = Date.now();
    await delay(1200);
    running = false;
    await Promise.all(workers);

    const acrossEnd = await across.done;
    assert.equal(acrossEnd.error, undefined);
    assert.equal(across.headers.get('x-switchyard-real-model'), 'real-old');
    assert.equal(
      streamedText(acrossEnd.events),
      'OLD0 OLD1 OLD2 OLD3 OLD4 OLD5 OLD6 OLD7 ',
      'the open stream completed on the old backend',
    );
    assert.equal(acrossEnd.events.at(-1)?.data, '[DONE]');
    assert.ok(acrossEnd.endedAt > reloadedAt, 'the stream was still open when the reload took effect');

    const failed = outcomes.filter((o) => o.status !== 200 || !o.done || o.error);
    assert.deepEqual(failed, [], 'no request failed across the reload');
    const before = outcomes.filter((o) => o.startedAt < hupAt);
    const afterReload = outcomes.filter((o) => o.startedAt > reloadedAt);
    assert.ok(before.length >= 4 && afterReload.length >= 4, `load on both sides: ${before.length} before, ${afterReload.length} after`);
    for (const o of before) {
      assert.equal(o.realModel, 'real-old');
      assert.match(o.text, /^OLD0 /);
    }
    for (const o of afterReload) {
      assert.equal(o.realModel, 'real-new');
      assert.match(o.text, /^NEW0 /);
    }
    // The old backend saw only requests for the old real model, the new one only the new.
    assert.ok(oldUp.requests.filter((r) => r.method === 'POST').every((r) => r.body.model === 'real-old'));
    assert.ok(newUp.requests.filter((r) => r.method === 'POST').every((r) => r.body.model === 'real-new'));
    assert.ok(
      oldUp.requests.filter((r) => r.method === 'POST').every((r) => !r.closedEarly),
      'no old-backend stream was cut',
    );
    assert.equal(await reloadsCounted(gw, 'success'), 1);
  });
});

describe('an invalid reload keeps the old configuration serving', () => {
  let up: FakeUpstream;
  let gw: RunningGateway;
  const good = (upstreamUrl: string) => ({
    backends: [{ id: 'gpu', type: 'openai', base_url: upstreamUrl, models: ['*'] }],
    routes: [{ virtual_model: 'chat', backend: 'gpu', real_model: 'real-1' }],
  });

  before(async () => {
    up = await startFakeUpstream(labeledStreams('UP', { pieces: 3, delayMs: 5 }));
    gw = await startGateway({ config: good(up.url) });
  });
  after(async () => {
    await gw?.stop('SIGKILL');
    await up?.close();
  });

  const invalid: Array<[string, string]> = [
    ['unknown key', 'backends:\n  - { id: gpu, type: openai, base_url: "http://127.0.0.1:1", modles: ["*"] }\n'],
    [
      'route to a backend that does not exist',
      'backends:\n  - { id: gpu, type: openai, base_url: "http://127.0.0.1:1" }\nroutes:\n  - { virtual_model: chat, backend: nope, real_model: x }\n',
    ],
    ['not YAML', 'backends: [ { id: gpu\n'],
    ['an unset ${ENV} reference', 'backends:\n  - { id: gpu, type: openai, base_url: "${SWITCHYARD_OPS_UNSET_VAR}" }\n'],
  ];

  for (const [i, [what, text]] of invalid.entries()) {
    it(`${what}: rejected, logged with its error, counted as a failure; the old routes keep serving`, async () => {
      writeFileSync(gw.configPath!, text);
      gw.kill('SIGHUP');
      await waitForNth(gw, 'configuration reload failed', i + 1);
      const line = gw
        .stderr()
        .split('\n')
        .filter((l) => l.includes('configuration reload failed'))
        .at(-1)!;
      assert.match(line, new RegExp(path.basename(gw.configPath!).replace('.', '\\.')), 'the error names the file');
      await waitFor(async () => (await reloadsCounted(gw, 'failure')) === i + 1, 5000, 'the failure to be counted');
      const r = await post(`${gw.url}/v1/chat/completions`, { model: 'chat', messages: [{ role: 'user', content: 'x' }] });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get('x-switchyard-real-model'), 'real-1');
      assert.equal((await get(`${gw.url}/readyz`)).status, 200);
    });
  }

  it('a good file after the bad ones is applied', async () => {
    const next = good(up.url);
    next.routes[0]!.real_model = 'real-2';
    writeFileSync(gw.configPath!, toYaml(next));
    gw.kill('SIGHUP');
    await waitForNth(gw, 'configuration reloaded', 1);
    const r = await post(`${gw.url}/v1/chat/completions`, { model: 'chat', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(r.headers.get('x-switchyard-real-model'), 'real-2');
    assert.equal(await reloadsCounted(gw, 'success'), 1);
    assert.equal(await reloadsCounted(gw, 'failure'), invalid.length);
  });
});

describe('what else a reload swaps: inbound keys, ${file:} secrets, log level, the models list, new backends', () => {
  let up: FakeUpstream;
  let gw: RunningGateway;
  let secretFile: string;

  const config = (keys: string[], level: string, extraBackend = false) => ({
    server: { api_keys: keys },
    logging: { level },
    backends: [
      { id: 'gpu', type: 'openai', base_url: up.url, api_key: '${file:upstream-key.txt}', models: ['gpu-*'] },
      ...(extraBackend ? [{ id: 'added', type: 'mock', models: ['added-*'], mock_models: ['added-model'] }] : []),
    ],
  });

  let dir: string;
  let configFile: string;

  before(async () => {
    up = await startFakeUpstream(openAiCompatible({ mock_models: ['gpu-model'] }));
    dir = mkdtempSync(path.join(tmpdir(), 'switchyard-ops-'));
    secretFile = path.join(dir, 'upstream-key.txt');
    configFile = path.join(dir, 'switchyard.yaml');
    writeFileSync(secretFile, 'sk-upstream-one\n');
    writeFileSync(configFile, toYaml(config(['client-key-1'], 'warn')));
    gw = await startGateway({ configFile });
  });
  after(async () => {
    await gw?.stop('SIGKILL');
    await up?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('all follow the file', async () => {
    const send = (key: string) =>
      post(
        `${gw.url}/v1/chat/completions`,
        { model: 'gpu-model', messages: [{ role: 'user', content: 'x' }] },
        { authorization: `Bearer ${key}` },
      );

    assert.equal((await send('client-key-1')).status, 200);
    assert.equal(up.lastRequest!.headers.authorization, 'Bearer sk-upstream-one');
    assert.equal((await send('client-key-2')).status, 401);

    writeFileSync(secretFile, 'sk-upstream-two\n');
    writeFileSync(configFile, toYaml(config(['client-key-2'], 'debug', true)));
    gw.kill('SIGHUP');
    await waitForNth(gw, 'configuration reloaded', 1);
    assert.equal((await send('client-key-1')).status, 401, 'the old key is refused');
    assert.equal((await send('client-key-2')).status, 200, 'the new key is accepted');
    assert.equal(up.lastRequest!.headers.authorization, 'Bearer sk-upstream-two', 'the ${file:} secret was re-read');
    // debug level: the gateway now logs each request ("request done" is a debug line).
    await waitFor(() => gw.stderr().includes('"request done"'), 5000, 'debug logging after the reload');

    // The models list follows: the added backend's models appear.
    const listed = await waitFor(
      async () => {
        const r = await get(`${gw.url}/v1/models`, { authorization: 'Bearer client-key-2' });
        const ids = (r.json() as { data: Array<{ id: string }> }).data.map((m) => m.id);
        return ids.includes('added-model') && ids.includes('gpu-model') ? ids : null;
      },
      5000,
      'the new backend in /v1/models',
    );
    assert.ok(listed);
    const ready = (await get(`${gw.url}/readyz`)).json() as { details: { backends: Record<string, unknown> } };
    assert.ok('added' in ready.details.backends, 'the new backend is in /readyz');
  });
});

describe('nothing to reload without a file', () => {
  it('single-backend mode logs that there is nothing to reload and keeps running', async () => {
    const gw = await startGateway({ args: ['--backend', 'mock', '--watch'] });
    try {
      gw.kill('SIGHUP');
      await gw.waitForOutput('nothing to reload');
      assert.match(gw.stderr(), /--watch: nothing to watch/);
      assert.equal((await get(`${gw.url}/healthz`)).status, 200);
      assert.equal(gw.hasExited(), false);
    } finally {
      await gw.stop('SIGKILL');
    }
  });
});
