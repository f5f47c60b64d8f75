/**
 * Issue #14 item 7, what the container relies on, against the built gateway: `switchyard
 * healthcheck` (the image's HEALTHCHECK) probing a live gateway over http and https from the same
 * configuration; the serving process titled `switchyard` (`pidof switchyard`); `--check` testing
 * that journal.path can be written; and the demo configuration feeding the dashboard's "Cached
 * input and reasoning tokens" panel (the mock backends report them).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { post, waitFor } from '../helpers/e2e.js';
import { httpsGet, makeTestCa } from '../helpers/ops.js';
import { scrapeMetrics } from '../helpers/prometheus-text.js';
import { freePort, runCli, startGateway, type RunningGateway } from '../helpers/start-gateway.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const DEMO_CONFIG = path.join(REPO, 'deploy/switchyard/config.yaml');
const run = promisify(execFile);
/** The CLI, with room for a loaded CI machine (each run loads the whole gateway). */
const cli = (args: string[], env: Record<string, string | undefined> = {}, opts: { cwd?: string } = {}) =>
  runCli(args, env, { timeoutMs: 60_000, ...opts });

describe('switchyard healthcheck', () => {
  let dir: string;
  let plain: RunningGateway;
  let plainConfig: string;
  let port: number;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'switchyard-healthcheck-'));
    port = await freePort();
    const metricsPort = await freePort();
    plainConfig = path.join(dir, 'plain.yaml');
    writeFileSync(
      plainConfig,
      toYaml({
        server: { host: '0.0.0.0', port },
        telemetry: { prometheus: { host: '127.0.0.1', port: metricsPort } },
        backends: [{ id: 'm', type: 'mock', models: ['*'] }],
      }),
    );
    plain = await startGateway({ configFile: plainConfig, listen: false, readyTimeoutMs: 60_000 });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200, 60_000, 'the gateway');
  });
  after(async () => {
    await plain?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 for a live gateway, reading the same --config (0.0.0.0 probed on loopback)', async () => {
    const r = await cli(['healthcheck', '--config', plainConfig]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`http://127\\.0\\.0\\.1:${port}/healthz OK`));
  });

  it('finds the configuration like the gateway: SWITCHYARD_CONFIG, and ./config.yaml in the working directory (the image)', async () => {
    assert.equal((await cli(['healthcheck'], { SWITCHYARD_CONFIG: plainConfig })).code, 0);
    const cwd = path.join(dir, 'etc');
    mkdirSync(cwd, { recursive: true });
    writeFileSync(path.join(cwd, 'config.yaml'), readFileSync(plainConfig));
    const r = await cli(['healthcheck'], {}, { cwd });
    assert.equal(r.code, 0, r.stderr);
  });

  it('exits 1 when nothing answers on the configured port, naming the URL', async () => {
    const other = await freePort();
    const r = await cli(['healthcheck', '--config', plainConfig, '--listen', `127.0.0.1:${other}`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^switchyard healthcheck: http://127\\.0\\.0\\.1:${other}/healthz: .*ECONNREFUSED`, 'm'));
  });

  it('exits 1 for an invalid configuration, with the --check error', async () => {
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'server: { port: "x" }\n');
    const r = await cli(['healthcheck', '--config', bad]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^switchyard healthcheck: .*server\.port/m);
  });

  it('probes over https when server.tls is set (exit 0), and fails once the gateway is gone', async () => {
    const ca = makeTestCa(dir);
    const pair = ca.cert('gw');
    const tlsPort = await freePort();
    const metricsPort = await freePort();
    const config = path.join(dir, 'tls.yaml');
    writeFileSync(
      config,
      toYaml({
        server: { host: '127.0.0.1', port: tlsPort, tls: { cert: pair.cert, key: pair.key } },
        telemetry: { prometheus: { host: '127.0.0.1', port: metricsPort } },
        backends: [{ id: 'm', type: 'mock', models: ['*'] }],
      }),
    );
    const gw = await startGateway({ configFile: config, listen: false, readyTimeoutMs: 60_000 });
    try {
      await waitFor(
        async () => (await httpsGet(`https://127.0.0.1:${tlsPort}/healthz`, ca.caCert).catch(() => null))?.status === 200,
        60_000,
        'https',
      );
      const r = await cli(['healthcheck', '--config', config]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`https://127\\.0\\.0\\.1:${tlsPort}/healthz OK`));
    } finally {
      await gw.stop();
    }
    const r = await cli(['healthcheck', '--config', config]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /https:\/\/127\.0\.0\.1:\d+\/healthz: .*ECONNREFUSED/);
  });

  it('the serving process is titled switchyard: pidof finds it', async () => {
    assert.equal(readFileSync(`/proc/${plain.pid}/comm`, 'utf8').trim(), 'switchyard');
    const { stdout } = await run('pidof', ['switchyard']);
    assert.ok(stdout.trim().split(/\s+/).map(Number).includes(plain.pid), `pidof switchyard: ${stdout}`);
  });
});

describe('--check tests that journal.path can be written', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'switchyard-check-journal-'));
    writeFileSync(path.join(dir, 'a-file'), 'not a directory');
    mkdirSync(path.join(dir, 'a-dir'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const check = () => cli(['--check', '--config', path.join(dir, 'c.yaml')], {}, { cwd: dir });
  const configure = (journalPath: string) =>
    writeFileSync(
      path.join(dir, 'c.yaml'),
      toYaml({ journal: { enabled: true, path: journalPath }, backends: [{ id: 'm', type: 'mock', models: ['*'] }] }),
    );

  it('a parent that is a file: exit 1 naming journal.path', async () => {
    configure(path.join(dir, 'a-file', 'requests.jsonl'));
    const r = await check();
    assert.equal(r.code, 1, r.stdout);
    assert.match(
      r.stderr,
      /^switchyard: journal\.path: cannot write the journal file .*a-file\/requests\.jsonl: a parent of it is not a directory/m,
    );
  });

  it('a path that is a directory: exit 1', async () => {
    configure(path.join(dir, 'a-dir'));
    const r = await check();
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /^switchyard: journal\.path: cannot write the journal file .*a-dir: it is a directory/m);
  });

  it('a missing directory under a writable one: OK, and nothing is created', async () => {
    configure('logs/nested/requests.jsonl');
    const r = await check();
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(dir).sort(), ['a-dir', 'a-file', 'c.yaml']);
  });
});

describe('the demo configuration feeds the cached and reasoning token panel', () => {
  let dir: string;
  let gw: RunningGateway;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'switchyard-demo-tokens-'));
    const demo = parseYaml(readFileSync(DEMO_CONFIG, 'utf8')) as Record<string, Record<string, unknown>>;
    demo.journal = { ...demo.journal, path: path.join(dir, 'requests.jsonl') };
    demo.logging = { level: 'warn' };
    gw = await startGateway({ config: demo, readyTimeoutMs: 60_000 });
  });
  after(async () => {
    await gw?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('gen_ai_client_token_usage has cached_input and reasoning series after demo traffic', async () => {
    const body = (model: string, stream: boolean) => ({
      model,
      stream,
      max_tokens: 130,
      messages: [{ role: 'user', content: 'Explain how a railway switchyard sorts its wagons, step by step.' }],
    });
    const replies = await Promise.all([
      post(`${gw.url}/v1/chat/completions`, body('chat', false)),
      post(`${gw.url}/v1/chat/completions`, body('chat', true)),
      post(`${gw.url}/v1/chat/completions`, body('coder', false)),
      post(`${gw.url}/v1/chat/completions`, body('coder', true)),
    ]);
    for (const r of replies) assert.equal(r.status, 200, r.text.slice(0, 300));
    const usage = JSON.parse(replies[2].text) as { usage: { completion_tokens_details?: { reasoning_tokens?: number } } };
    assert.ok((usage.usage.completion_tokens_details?.reasoning_tokens ?? 0) > 0, replies[2].text);
    const metrics = await scrapeMetrics(gw.metricsUrl);
    const sum = (type: string) =>
      metrics.find('gen_ai_client_token_usage_sum', { gen_ai_token_type: type }).reduce((a, s) => a + s.value, 0);
    assert.ok(sum('cached_input') > 0, 'cached_input tokens counted');
    assert.ok(sum('reasoning') > 0, 'reasoning tokens counted');
  });
});
