/**
 * Issue #9, SPEC §6: SIGTERM with streams in flight. /readyz turns 503 at once; new connections
 * are refused after a short delay; a stream shorter than shutdown_grace_seconds completes
 * normally; one longer ends with an error event in its client's protocol (OpenAI and Anthropic);
 * a request still waiting for its upstream gets a 503; the journal has every request; exit 0.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { byModel, chatCompletion, post, rid, textChunks, waitFor, type RawReply } from '../helpers/e2e.js';
import { json, slowHeaders, sse, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { openStream, streamedText } from '../helpers/ops.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';

/** GET on a NEW connection: the status, or the connection error's code (ECONNREFUSED…). */
function freshGet(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, headers: { connection: 'close' }, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.end();
  });
}

const GRACE_SECONDS = 4;
const pieces = (n: number) => Array.from({ length: n }, (_, i) => `p${i} `);

describe('graceful shutdown with streams in flight', () => {
  let up: FakeUpstream;
  let gw: RunningGateway;
  let dir: string;
  let journal: string;

  before(async () => {
    up = await startFakeUpstream(
      byModel({
        short: sse(textChunks('short', pieces(8)), { delayMs: 100 }),
        long: sse(textChunks('long', pieces(100)), { delayMs: 100 }),
        'slow-json': slowHeaders(20_000, json(200, chatCompletion('slow-json', { content: 'late' }))),
      }),
    );
    dir = mkdtempSync(path.join(tmpdir(), 'switchyard-shutdown-'));
    journal = path.join(dir, 'requests.jsonl');
    gw = await startGateway({
      config: {
        server: { shutdown_grace_seconds: GRACE_SECONDS },
        journal: { enabled: true, path: journal },
        backends: [{ id: 'up', type: 'openai', base_url: up.url, models: ['*'] }],
      },
    });
  });
  after(async () => {
    await gw?.stop('SIGKILL');
    await up?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('readiness first, then refusal, short streams finish, long ones end with an error event, exit 0', async () => {
    const chat = (model: string) => ({ model, stream: true, messages: [{ role: 'user', content: 'x' }] });
    const ids = { short: rid('short'), long: rid('long'), anthropic: rid('anthropic'), slow: rid('slow') };
    const short = await openStream(`${gw.url}/v1/chat/completions`, chat('short'), { 'x-request-id': ids.short });
    const long = await openStream(`${gw.url}/v1/chat/completions`, chat('long'), { 'x-request-id': ids.long });
    const anthropic = await openStream(
      `${gw.url}/v1/messages`,
      { model: 'long', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'x' }] },
      { 'anthropic-version': '2023-06-01', 'x-request-id': ids.anthropic },
    );
    const slow: Promise<RawReply> = post(
      `${gw.url}/v1/chat/completions`,
      { model: 'slow-json', messages: [{ role: 'user', content: 'x' }] },
      { 'x-request-id': ids.slow },
    );
    await Promise.all([short.waitForEvents(1), long.waitForEvents(2), anthropic.waitForEvents(3)]);
    await waitFor(() => up.requests.some((r) => r.headers['x-request-id'] === ids.slow), 5000, 'the slow request upstream');

    const t0 = Date.now();
    gw.kill('SIGTERM');
    await gw.waitForOutput('shutting down');

    // Readiness fails at once (new connections are still accepted for a moment).
    const ready = await freshGet(`${gw.url}/readyz`);
    assert.equal(ready, 503, '/readyz answers 503 as soon as the shutdown starts');

    // Then new connections are refused, well before the grace period is over.
    const refusedAt = await waitFor(
      async () => {
        const r = await freshGet(`${gw.url}/healthz`);
        // A connection accepted just as the listener closes may be reset instead of answered.
        if (r !== 'ECONNREFUSED') assert.ok(r === 503 || r === 200 || r === 'ECONNRESET', `during the delay: ${r}`);
        return r === 'ECONNREFUSED' ? Date.now() : null;
      },
      GRACE_SECONDS * 1000,
      'new connections to be refused',
      50,
    );
    assert.ok(refusedAt - t0 < GRACE_SECONDS * 1000 - 500, `refused after ${refusedAt - t0} ms`);
    assert.equal(long.events.at(-1)?.data.includes('error'), false, 'the long stream is still flowing when connections are refused');

    // The short stream (about 0.8 s) completes normally.
    const shortEnd = await short.done;
    assert.equal(shortEnd.error, undefined);
    assert.equal(streamedText(shortEnd.events), pieces(8).join(''));
    assert.equal(shortEnd.events.at(-1)?.data, '[DONE]');

    // The long OpenAI stream ends at the grace period with an OpenAI error event, no [DONE].
    const longEnd = await long.done;
    assert.equal(longEnd.error, undefined, 'the stream ended cleanly (no connection reset)');
    const last = longEnd.events.at(-1)!;
    assert.notEqual(last.data, '[DONE]');
    const err = JSON.parse(last.data) as { error: { message: string; type: string; code: string } };
    assert.equal(err.error.message, 'the gateway is shutting down');
    assert.equal(err.error.code, 'service_unavailable');
    assert.ok(longEnd.events.length > 5 && longEnd.events.length < 60, `streamed until the grace period: ${longEnd.events.length} events`);
    const elapsed = longEnd.endedAt - t0;
    assert.ok(elapsed >= GRACE_SECONDS * 1000 - 200 && elapsed < GRACE_SECONDS * 1000 + 2000, `ended ${elapsed} ms after SIGTERM`);
    for (const e of longEnd.events.slice(0, -1)) JSON.parse(e.data); // every event before it is whole

    // The Anthropic client gets an Anthropic error event.
    const anthropicEnd = await anthropic.done;
    assert.equal(anthropicEnd.error, undefined);
    const aLast = anthropicEnd.events.at(-1)!;
    assert.equal(aLast.event, 'error');
    const aErr = JSON.parse(aLast.data) as { type: string; error: { type: string; message: string } };
    assert.equal(aErr.type, 'error');
    assert.equal(aErr.error.message, 'the gateway is shutting down');

    // The request still waiting for its upstream gets a 503 in its protocol.
    const slowReply = await slow;
    assert.equal(slowReply.status, 503, slowReply.text);
    assert.equal(slowReply.json().error.message, 'the gateway is shutting down');

    // Exit 0, shortly after the grace period.
    assert.equal(await gw.stop('SIGTERM', 10_000), 0, gw.stderr());
    assert.ok(Date.now() - t0 < GRACE_SECONDS * 1000 + 4000, `exited ${Date.now() - t0} ms after SIGTERM`);

    // The upstream requests of the cut streams were dropped; the short one completed.
    const upstreamOf = (id: string) => up.requests.find((r) => r.headers['x-request-id'] === id)!;
    assert.equal(upstreamOf(ids.short).responseEnded, true);
    assert.equal(upstreamOf(ids.long).closedEarly, true);

    // The journal was flushed: one line per request, the interrupted ones with 503.
    const lines = readFileSync(journal, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { request_id: string; status: number });
    const status = Object.fromEntries(lines.map((l) => [l.request_id, l.status]));
    assert.deepEqual(status, { [ids.short]: 200, [ids.long]: 503, [ids.anthropic]: 503, [ids.slow]: 503 });
  });
});

describe('shutdown without requests in flight', () => {
  it('exits 0 promptly (the accept delay ends once no new connection comes)', async () => {
    const gw = await startGateway({ config: { backends: [{ id: 'm', type: 'mock', models: ['*'] }] } });
    const r = await post(`${gw.url}/v1/chat/completions`, { model: 'mock', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(r.status, 200);
    const t0 = Date.now();
    assert.equal(await gw.stop('SIGTERM', 10_000), 0);
    const took = Date.now() - t0;
    assert.ok(took < 3000, `took ${took} ms with the default 25 s grace period`);
    assert.match(gw.stderr(), /"stopped"/);
  });

  it('SIGINT does the same', async () => {
    const gw = await startGateway({ config: { backends: [{ id: 'm', type: 'mock', models: ['*'] }] } });
    await delay(50);
    assert.equal(await gw.stop('SIGINT', 10_000), 0);
  });
});
