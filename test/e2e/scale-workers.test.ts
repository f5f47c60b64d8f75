/**
 * Issue #18 item 1 in the built gateway: `server.workers: 2` is one gateway. A max_concurrency: 2
 * backend never sees a third request from the machine; the one metrics endpoint counts each
 * request once (counters summed, histograms merged, `switchyard_workers`); an invalid file on
 * SIGHUP is rejected once and every worker keeps serving, a valid one reaches every worker; a
 * worker that dies is restarted and counted; SIGTERM drains in-flight requests and exits 0; the
 * one journal file holds every request's line.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../helpers/e2e.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { scrapeMetrics } from '../helpers/prometheus-text.js';
import { assertAllOk, burst, chat, heldReplies, type HeldStats } from '../helpers/scale.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';
import { stringify as toYaml } from 'yaml';

/** POSTs on a new connection (node:cluster hands connections to workers in turn). */
function postOnNewConnection(url: string, body: object): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/v1/chat/completions`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

function workerPids(primary: number): number[] {
  return readFileSync(`/proc/${primary}/task/${primary}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

describe('server.workers: 2 is one gateway (issue #18)', () => {
  let upstream: FakeUpstream;
  let stats: HeldStats;
  let hold = (): number => 600;
  let gw: RunningGateway;
  let dir: string;
  let sent = 0;
  const config = (routes: object[] = []) => ({
    logging: { level: 'info' },
    server: { workers: 2 },
    journal: { enabled: true, path: path.join(dir, 'requests.jsonl') },
    backends: [{ id: 'gpu', type: 'openai', base_url: upstream.url, skip_probe: true, max_concurrency: 2, max_queue: 100, models: ['*'] }],
    routes,
  });

  const journalLines = (): string[] => {
    try {
      return readFileSync(path.join(dir, 'requests.jsonl'), 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    }
  };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'switchyard-workers-'));
    const held = heldReplies(() => hold());
    stats = held.stats;
    upstream = await startFakeUpstream(held.handler);
    gw = await startGateway({ config: config(), readyTimeoutMs: 40_000 });
    await gw.waitForOutput(/with 2 workers/, { timeoutMs: 30_000 });
  });

  after(async () => {
    await gw?.stop('SIGKILL');
    await upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('max_concurrency: 2 holds for the machine, not per worker', async () => {
    stats.reset();
    assertAllOk(await burst([gw.url], 'm', 8), 8);
    sent += 8;
    assert.equal(stats.max, 2);
  });

  it('one metrics endpoint: every request counted once, histograms merged, no per-worker series', async () => {
    hold = () => 10;
    for (let i = 0; i < 6; i++) assert.equal((await postOnNewConnection(gw.url, chat('m'))).status, 200);
    sent += 6;
    const s = await scrapeMetrics(gw.metricsUrl);
    const total = s.find('switchyard_requests_total').reduce((n, x) => n + x.value, 0);
    assert.equal(total, sent);
    const durations = s.find('gen_ai_server_request_duration_count').reduce((n, x) => n + x.value, 0);
    assert.equal(durations, sent);
    const inf = s.find('gen_ai_server_request_duration_bucket', { le: '+Inf' }).reduce((n, x) => n + x.value, 0);
    assert.equal(inf, sent);
    assert.equal(s.value('switchyard_workers'), 2);
    assert.ok(!/worker=/.test(s.text), 'no per-worker label');
  });

  it('SIGHUP with an invalid file: rejected once, every worker keeps serving; a valid file reaches every worker', async () => {
    const file = gw.configPath!;
    writeFileSync(file, 'server: { workers: 2 }\nbackends: [ { id: gpu, type: openai, base_url: 12 ');
    gw.kill('SIGHUP');
    await gw.waitForOutput(/configuration reload failed/);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(gw.stderr().match(/configuration reload failed/g)?.length, 1, gw.stderr());
    for (let i = 0; i < 4; i++) assert.equal((await postOnNewConnection(gw.url, chat('m'))).status, 200);
    sent += 4;

    writeFileSync(file, toYaml(config([{ virtual_model: 'fresh', backend: 'gpu', real_model: 'real-fresh' }])));
    gw.kill('SIGHUP');
    await waitFor(() => (gw.stderr().match(/"msg":"configuration reloaded"/g)?.length ?? 0) >= 2, 10_000, 'both workers reloaded');
    upstream.requests.length = 0;
    for (let i = 0; i < 6; i++) assert.equal((await postOnNewConnection(gw.url, chat('fresh'))).status, 200);
    sent += 6;
    assert.deepEqual(
      upstream.requests.filter((r) => r.method === 'POST').map((r) => (r.body as { model?: string }).model),
      Array(6).fill('real-fresh'),
    );
  });

  it('a worker that dies is restarted and counted', async () => {
    // A worker killed outright loses the lines it has not sent yet: wait until the journal has them all.
    await waitFor(() => journalLines().length === sent, 10_000, 'every line so far in the journal');
    const [victim] = workerPids(gw.pid);
    assert.ok(victim);
    process.kill(victim, 'SIGKILL');
    await waitFor(
      async () => {
        const s = await scrapeMetrics(gw.metricsUrl);
        return s.value('switchyard_worker_restarts_total') === 1 && s.value('switchyard_workers') === 2;
      },
      30_000,
      'a restarted worker',
    );
    assert.match(gw.stderr(), /a worker exited unexpectedly; starting a new one/);
    assert.equal(workerPids(gw.pid).length, 2);
    for (let i = 0; i < 4; i++) assert.equal((await postOnNewConnection(gw.url, chat('m'))).status, 200);
    sent += 4;
  });

  it('SIGTERM drains in-flight requests in every worker, exits 0; the one journal holds every line', async () => {
    hold = () => 1500;
    const inFlight = burst([gw.url], 'm', 2);
    await waitFor(() => stats.current === 2, 10_000, 'two requests in flight');
    gw.kill('SIGTERM');
    assertAllOk(await inFlight, 2);
    sent += 2;
    assert.equal((await gw.exited).code, 0);
    const files = readdirSync(dir);
    assert.deepEqual(files, ['requests.jsonl'], 'one journal file');
    const lines = journalLines();
    assert.equal(lines.length, sent);
    assert.equal(new Set(lines.map((l) => (JSON.parse(l) as { request_id: string }).request_id)).size, sent);
  });
});

describe('server.workers: 2 with a journal that rotates (issue #18)', () => {
  it('the primary rotates the one file: every line of both workers is in it or its rotated file, whole', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-workers-rotate-'));
    const { handler } = heldReplies(() => 0);
    const upstream = await startFakeUpstream(handler);
    const gw = await startGateway({
      config: {
        logging: { level: 'warn' },
        server: { workers: 2, body_limit_mb: 1 },
        journal: { enabled: true, path: path.join(dir, 'requests.jsonl'), include_bodies: true, max_size_mb: 1 },
        backends: [{ id: 'gpu', type: 'openai', base_url: upstream.url, skip_probe: true, models: ['*'] }],
      },
      readyTimeoutMs: 40_000,
    });
    try {
      await gw.waitForOutput(/with 2 workers/, { stream: 'stderr', timeoutMs: 30_000 }).catch(() => undefined);
      const big = 'x'.repeat(100 * 1024);
      for (let i = 0; i < 14; i++) {
        const r = await postOnNewConnection(gw.url, { model: 'm', messages: [{ role: 'user', content: `${i} ${big}` }] });
        assert.equal(r.status, 200, r.text);
      }
      assert.equal(await gw.stop(), 0);
      const files = readdirSync(dir).sort();
      assert.ok(files.length >= 2, `rotated at least once: ${files.join(', ')}`);
      assert.ok(
        files.every((f) => /^requests(-\d{4}-\d{2}-\d{2}(\.\d+)?)?\.jsonl$/.test(f)),
        files.join(', '),
      );
      const lines = files.flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean));
      const ids = lines.map((l) => (JSON.parse(l) as { request_id: string }).request_id);
      assert.equal(lines.length, 14);
      assert.equal(new Set(ids).size, 14);
    } finally {
      await gw.stop('SIGKILL');
      await upstream.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
