/**
 * Issue #20 with issue #18's workers: with `server.workers: 2` and no Redis, a client key's limits
 * hold for the machine (the workers ask the primary's store over IPC), and `GET /admin/usage`,
 * answered by whichever worker gets the connection, reports the machine's counters.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startFakeUpstream, openAiCompatible, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';

const CLIENT_KEY = 'sk-client-workers-test';
const ADMIN_KEY = 'sk-admin-workers-test';

/** One request on a new connection (node:cluster hands connections to the workers in turn). */
function onNewConnection(
  url: string,
  method: 'GET' | 'POST',
  path: string,
  key: string,
  body?: object,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      { method, agent: false, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

describe('client keys with server.workers: 2 (issues #18, #20)', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;

  before(async () => {
    upstream = await startFakeUpstream(openAiCompatible({ mock_models: ['any'] }));
    gw = await startGateway({
      config: {
        server: {
          workers: 2,
          api_keys: [{ name: 'team-a', key: CLIENT_KEY, rpm: 4, metadata: { owner: 'alice' } }],
          admin_keys: [ADMIN_KEY],
        },
        backends: [{ id: 'gpu', type: 'openai', base_url: upstream.url, skip_probe: true, models: ['*'] }],
      },
      readyTimeoutMs: 60_000,
    });
    await gw.waitForOutput(/with 2 workers/, { timeoutMs: 60_000 });
  });

  after(async () => {
    await gw?.stop('SIGKILL');
    await upstream?.close();
  });

  it('an rpm limit holds for the machine, not per worker, and the admin report counts every request', async () => {
    const chat = { model: 'any', messages: [{ role: 'user', content: 'hi' }] };
    const replies = [];
    for (let i = 0; i < 8; i++) replies.push(await onNewConnection(gw.url, 'POST', '/v1/chat/completions', CLIENT_KEY, chat));
    const statuses = replies.map((r) => r.status);
    // Per worker, 4 each would have passed (8 in all); for the machine only 4 do.
    assert.deepEqual(
      statuses.filter((s) => s === 200).length,
      4,
      `statuses: ${statuses.join(', ')}; ${replies.find((r) => r.status !== 200)?.text}`,
    );
    assert.equal(statuses.filter((s) => s === 429).length, 4);

    // Two reports on two connections (one per worker): both the machine's counters.
    for (let i = 0; i < 2; i++) {
      const report = await onNewConnection(gw.url, 'GET', '/admin/usage', ADMIN_KEY);
      assert.equal(report.status, 200, report.text);
      assert.ok(!report.text.includes(CLIENT_KEY) && !report.text.includes(ADMIN_KEY), 'no key in the report');
      const body = JSON.parse(report.text) as {
        keys: Array<{ name?: string; key?: string; metadata?: object; totals: { requests: number } }>;
      };
      const team = body.keys.find((k) => (k.name ?? k.key) === 'team-a');
      assert.ok(team, report.text);
      assert.deepEqual(team.metadata, { owner: 'alice' });
      assert.equal(team.totals.requests, 4, report.text);
    }
  });
});
