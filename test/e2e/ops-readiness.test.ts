/**
 * Issue #9, SPEC §3: /readyz via terminus and background probes per backend. A backend whose
 * probe fails (5xx, connection refused) is marked down, in /readyz and in
 * `switchyard_backend_up`, and back up when it recovers; `skip_probe` backends count as up and are
 * never probed; a backend that hangs neither blocks start-up nor a request's path.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { get, post, waitFor } from '../helpers/e2e.js';
import { hang, json, openAiCompatible, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { scrapeMetrics } from '../helpers/prometheus-text.js';
import { freePort, startGateway, type RunningGateway } from '../helpers/start-gateway.js';

interface Readiness {
  status: number;
  body: {
    status: string;
    info?: Record<string, Record<string, unknown>>;
    error?: Record<string, Record<string, unknown>>;
    details: Record<string, Record<string, unknown>>;
  };
}

async function readyz(gw: RunningGateway): Promise<Readiness> {
  const r = await get(`${gw.url}/readyz`);
  return { status: r.status, body: r.json() };
}

const backendState = (r: Readiness, id: string) =>
  r.body.details.backends![id] as { status: string; error?: string; probed: boolean } | undefined;

async function backendUp(gw: RunningGateway, id: string): Promise<number | undefined> {
  return (await scrapeMetrics(gw.metricsUrl)).value('switchyard_backend_up', { switchyard_backend: id });
}

/** Waits until /readyz has `status` and the backend `id` is `state`; returns that answer. */
async function readyzWhen(gw: RunningGateway, status: number, id: string, state: string): Promise<Readiness> {
  let last: Readiness | undefined;
  try {
    return await waitFor(
      async () => {
        last = await readyz(gw);
        return last.status === status && backendState(last, id)?.status === state ? last : null;
      },
      8000,
      `/readyz ${status} with ${id} ${state}`,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last: ${JSON.stringify(last)}`, { cause: err });
  }
}

describe('readiness follows background probes', () => {
  let up: FakeUpstream;
  let gw: RunningGateway;
  const healthy = openAiCompatible({ mock_models: ['flaky-model'] });
  const probes = () => up.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/models')).length;

  before(async () => {
    up = await startFakeUpstream(healthy);
    gw = await startGateway({
      config: {
        server: { probe_interval_seconds: 0.2, models_refresh_seconds: 60 },
        backends: [{ id: 'flaky', type: 'openai', base_url: up.url, models: ['*'] }],
      },
    });
  });
  after(async () => {
    await gw?.stop('SIGKILL');
    await up?.close();
  });

  it('up: 200 with the per-backend state; switchyard_backend_up 1', async () => {
    const r = await readyzWhen(gw, 200, 'flaky', 'up');
    assert.equal(r.body.status, 'ok');
    assert.equal(r.body.details.gateway!.status, 'up');
    assert.equal(backendState(r, 'flaky')!.probed, true);
    assert.equal(await backendUp(gw, 'flaky'), 1);
  });

  it('probes run in the background on the interval, not per request', async () => {
    const n0 = probes();
    await delay(1000);
    const n1 = probes();
    assert.ok(n1 - n0 >= 2 && n1 - n0 <= 10, `about 5 probes per second, got ${n1 - n0}`);
    const t1 = Date.now();
    for (let i = 0; i < 50; i++) await readyz(gw);
    const r = await post(`${gw.url}/v1/chat/completions`, { model: 'flaky-model', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(r.status, 200);
    const expected = (Date.now() - t1) / 200 + 2;
    assert.ok(
      probes() - n1 <= expected,
      `readiness checks and requests do not probe: ${probes() - n1} probes, at most ${expected} expected`,
    );
  });

  it('5xx: down in /readyz (503, with the error) and in the metric; back up when it recovers', async () => {
    up.always(json(503, { error: { message: 'loading the model', type: 'server_error' } }));
    const down = await readyzWhen(gw, 503, 'flaky', 'down');
    assert.equal(down.body.status, 'error');
    assert.match(backendState(down, 'flaky')!.error!, /503/);
    assert.equal(await backendUp(gw, 'flaky'), 0);
    await gw.waitForOutput('backend flaky is down');

    up.always(healthy);
    await readyzWhen(gw, 200, 'flaky', 'up');
    assert.equal(await backendUp(gw, 'flaky'), 1);
    await gw.waitForOutput('backend flaky is up again');
  });

  it('connection refused: down; up again when the server is back on its port', async () => {
    const port = up.port;
    await up.close();
    const down = await readyzWhen(gw, 503, 'flaky', 'down');
    assert.ok(backendState(down, 'flaky')!.error, 'the reason is given');
    assert.equal(await backendUp(gw, 'flaky'), 0);

    // A plain server on the same port answering GET /v1/models.
    const again: Server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'flaky-model', object: 'model', created: 1, owned_by: 'x' }] }));
    });
    await new Promise<void>((resolve) => again.listen(port, '127.0.0.1', resolve));
    try {
      await readyzWhen(gw, 200, 'flaky', 'up');
      assert.equal(await backendUp(gw, 'flaky'), 1);
    } finally {
      again.closeAllConnections();
      await new Promise<void>((resolve) => again.close(() => resolve()));
    }
  });
});

describe('skip_probe, hanging backends and start-up', () => {
  let hanging: FakeUpstream;
  let skipped: FakeUpstream;
  let gw: RunningGateway;

  before(async () => {
    hanging = await startFakeUpstream(hang());
    skipped = await startFakeUpstream(json(500, { error: { message: 'never asked' } }));
    const deadPort = await freePort();
    gw = await startGateway({
      config: {
        server: { probe_interval_seconds: 0.3, models_refresh_seconds: 60 },
        backends: [
          { id: 'hangs', type: 'openai', base_url: hanging.url, models: ['hang-*'] },
          { id: 'dead', type: 'openai', base_url: `http://127.0.0.1:${deadPort}`, models: ['dead-*'] },
          { id: 'unprobed', type: 'openai', base_url: skipped.url, models: ['other-*'], skip_probe: true },
        ],
      },
    });
  });
  after(async () => {
    await gw?.stop('SIGKILL');
    await hanging?.close();
    await skipped?.close();
  });

  it('a skip_probe backend counts as up (never probed); the others are down; the gateway is ready', async () => {
    const r = await readyzWhen(gw, 200, 'dead', 'down');
    assert.deepEqual(
      { status: backendState(r, 'unprobed')!.status, probed: backendState(r, 'unprobed')!.probed },
      { status: 'up', probed: false },
    );
    assert.equal(await backendUp(gw, 'unprobed'), 1);
    assert.equal(await backendUp(gw, 'dead'), 0);
    // The only calls the skip_probe backend got are model listings (for /v1/models), never probes.
    assert.ok(skipped.requests.length <= 1, `skip_probe backend got ${skipped.requests.length} requests`);
  });

  it('a backend that hangs is unknown, then down once its probe times out; /readyz answers at once meanwhile', async () => {
    const t0 = Date.now();
    const r = await readyz(gw);
    assert.ok(Date.now() - t0 < 500, '/readyz never waits for a probe');
    assert.ok(['unknown', 'down'].includes(backendState(r, 'hangs')!.status));
    const down = await readyzWhen(gw, 200, 'hangs', 'down');
    assert.match(backendState(down, 'hangs')!.error!, /timed out/);
    // Start-up did not wait for it: the gateway was listening before the probe gave up.
    const log = gw.stderr();
    assert.ok(log.indexOf('Switchyard listening') >= 0 && log.indexOf('Switchyard listening') < log.indexOf('backend hangs is down'));
  });
});

describe('no backend up: 503', () => {
  it('when every backend is down, /readyz is 503 naming why', async () => {
    const deadPort = await freePort();
    const gw = await startGateway({
      config: {
        server: { probe_interval_seconds: 0.2 },
        backends: [{ id: 'dead', type: 'openai', base_url: `http://127.0.0.1:${deadPort}`, models: ['*'] }],
      },
    });
    try {
      const r = await readyzWhen(gw, 503, 'dead', 'down');
      assert.equal(r.body.details.backends!.reason, 'no backend is up');
      assert.equal((await get(`${gw.url}/healthz`)).status, 200, 'liveness is unaffected');
    } finally {
      await gw.stop('SIGKILL');
    }
  });
});
