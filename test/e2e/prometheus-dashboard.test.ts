/**
 * The shipped Grafana dashboard (deploy/grafana/dashboards/switchyard.json) against a real
 * Prometheus: the test starts `prometheus` scraping a gateway's metrics port every second, drives
 * traffic (streamed and not, through the mock backend and a fake OpenAI-compatible upstream, one
 * upstream error), waits for a few scrapes, then evaluates EVERY PromQL expression of the
 * dashboard through Prometheus's HTTP API (Grafana variables substituted) and requires data.
 *
 * Needs the `prometheus` binary on PATH (Debian/Ubuntu: `apt-get install -y prometheus`; CI's
 * .ci/run installs it) or in $PROMETHEUS_BIN. Without it the test fails: it does not skip.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { byRequestId, post, rid, waitFor } from '../helpers/e2e.js';
import { json, openAiCompatible, replayFixture, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { PINNED_SERIES } from '../helpers/metric-series.js';
import { freePort, runCli, startGateway, type RunningGateway } from '../helpers/start-gateway.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const DASHBOARD = path.join(REPO, 'deploy/grafana/dashboards/switchyard.json');
const DEMO_CONFIG = path.join(REPO, 'deploy/switchyard/config.yaml');

/** What Grafana would put in place of its variables when every model is selected. */
const GRAFANA_VARIABLES: Array<[RegExp, string]> = [
  [/\$__rate_interval|\$\{__rate_interval\}/g, '1m'],
  [/\$__interval|\$\{__interval\}/g, '15s'],
  [/\$__range|\$\{__range\}/g, '5m'],
  [/\$\{model(?::[a-z]+)?\}|\$model\b/g, '.*'],
];

export function substituteGrafanaVariables(expr: string): string {
  let out = expr;
  for (const [re, value] of GRAFANA_VARIABLES) out = out.replace(re, value);
  return out;
}

interface DashboardQuery {
  panel: string;
  refId: string;
  expr: string;
}

interface Dashboard {
  title: string;
  panels: Array<Record<string, unknown>>;
  templating: { list: Array<{ name: string; type: string; definition?: string; query?: unknown }> };
}

function readDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
}

/** Every `expr` in the dashboard, nested rows included. */
function dashboardQueries(d: Dashboard): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  const visit = (panel: Record<string, unknown>) => {
    for (const t of (panel.targets as Array<{ expr?: string; refId?: string }> | undefined) ?? []) {
      if (typeof t.expr === 'string') out.push({ panel: String(panel.title), refId: t.refId ?? '?', expr: t.expr });
    }
    for (const p of (panel.panels as Array<Record<string, unknown>> | undefined) ?? []) visit(p);
  };
  for (const p of d.panels) visit(p);
  return out;
}

/** `label_values(metric, label)` queries of the dashboard's variables. */
function variableQueries(d: Dashboard): Array<{ name: string; metric: string; label: string }> {
  const out: Array<{ name: string; metric: string; label: string }> = [];
  for (const v of d.templating.list) {
    if (v.type !== 'query') continue;
    const q = typeof v.query === 'string' ? v.query : ((v.query as { query?: string } | undefined)?.query ?? v.definition ?? '');
    const m = /^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/.exec(q.trim());
    if (!m) throw new Error(`dashboard variable ${v.name}: unsupported query ${JSON.stringify(q)} (expected label_values(metric, label))`);
    out.push({ name: v.name, metric: m[1]!, label: m[2]! });
  }
  return out;
}

/** Metric names an expression refers to (the gateway's namespaces). */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ''); // label lists
  return [...new Set(bare.match(/\b(?:gen_ai|switchyard)_[a-z0-9_]+/g) ?? [])];
}

const NO_PROMETHEUS =
  'the `prometheus` binary is not installed (not on PATH, PROMETHEUS_BIN unset). This test needs a real Prometheus: ' +
  'install it with `apt-get install -y prometheus` (Debian/Ubuntu; .ci/run does this) or point PROMETHEUS_BIN at a binary.';

function findPrometheus(): string | null {
  const fromEnv = process.env.PROMETHEUS_BIN;
  const candidates = fromEnv
    ? [fromEnv]
    : (process.env.PATH ?? '')
        .split(path.delimiter)
        .filter(Boolean)
        .map((dir) => path.join(dir, 'prometheus'));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      /* next */
    }
  }
  return null;
}

describe('the shipped Grafana dashboard (static checks)', () => {
  it('uses only pinned series names, and has the panels the README promises', () => {
    const d = readDashboard();
    const queries = dashboardQueries(d);
    assert.ok(queries.length >= 10, `the dashboard has ${queries.length} queries`);
    const pinned = new Set<string>(PINNED_SERIES);
    for (const q of queries) {
      const names = metricNames(q.expr);
      assert.ok(names.length > 0, `${q.panel} ${q.refId}: no gateway metric in ${q.expr}`);
      for (const n of names)
        assert.ok(pinned.has(n), `${q.panel} ${q.refId}: ${n} is not a pinned series name (test/helpers/metric-series.ts)`);
    }
    for (const v of variableQueries(d)) assert.ok(pinned.has(v.metric), `variable ${v.name}: ${v.metric} is not pinned`);
    const titles = d.panels.map((p) => String(p.title));
    for (const want of [
      /request rate by model and status/i,
      /error rate/i,
      /time to first token/i,
      /request duration/i,
      /tokens\/s/i,
      /token rate/i,
      /active requests/i,
      /gateway overhead/i,
      /backends up/i,
    ]) {
      assert.ok(
        titles.some((t) => want.test(t)),
        `a panel titled like ${want}: ${titles.join(' | ')}`,
      );
    }
    const exprs = queries.map((q) => q.expr).join('\n');
    for (const q of ['0.5', '0.95'])
      assert.ok(
        exprs.includes(`histogram_quantile(${q}, sum by (le, gen_ai_request_model) (rate(gen_ai_server_time_to_first_token_bucket`),
      );
    assert.ok(exprs.includes('histogram_quantile(0.99, sum by (le) (rate(switchyard_overhead_bucket'));
  });

  it('the demo configuration the compose file mounts is valid', async () => {
    // --check also tests that journal.path can be written: the container's volume path is not
    // ours to write here, so the copy checked writes its journal to a temp dir.
    const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-demo-check-'));
    try {
      const file = path.join(dir, 'config.yaml');
      const text = readFileSync(DEMO_CONFIG, 'utf8');
      assert.match(text, /path: \/var\/lib\/switchyard\/requests\.jsonl/);
      writeFileSync(file, text.replace('/var/lib/switchyard/requests.jsonl', path.join(dir, 'requests.jsonl')));
      const r = await runCli(['--config', file, '--check']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /configuration OK/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the shipped Grafana dashboard against a real Prometheus', () => {
  let prometheusBin: string | undefined;
  let prom: ChildProcess | undefined;
  let promUrl: string;
  let promLog = '';
  let promDir: string;
  let upstream: FakeUpstream;
  let gw: RunningGateway;
  const script = byRequestId(openAiCompatible({ mock_models: ['gpt-error', 'deepseek-reasoner'] }));

  async function promQuery(query: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
    const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(query)}`, { signal: AbortSignal.timeout(10_000) });
    const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: unknown } };
    assert.equal(body.status, 'success', `Prometheus rejected ${query}: ${body.error ?? res.status}`);
    const result = body.data!.result;
    if (body.data!.resultType === 'scalar') return [{ metric: {}, value: result as [number, string] }];
    return result as Array<{ metric: Record<string, string>; value: [number, string] }>;
  }

  before(async () => {
    const found = findPrometheus();
    if (!found) return; // the test below fails with NO_PROMETHEUS
    prometheusBin = found;

    // Prometheus first (its first scrape comes a few seconds after start), then the gateway on
    // the metrics port it was told to scrape.
    const metricsPort = await freePort();
    promDir = mkdtempSync(path.join(tmpdir(), 'switchyard-prometheus-'));
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    const config = path.join(promDir, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'scrape_configs:',
        '  - job_name: switchyard',
        '    metrics_path: /metrics',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${metricsPort}']`,
        '',
      ].join('\n'),
    );
    prom = spawn(
      found,
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${path.join(promDir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prom.stdout!.setEncoding('utf8').on('data', (s: string) => (promLog += s));
    prom.stderr!.setEncoding('utf8').on('data', (s: string) => (promLog += s));

    upstream = await startFakeUpstream(script);
    gw = await startGateway({
      args: ['--metrics-listen', `127.0.0.1:${metricsPort}`],
      config: {
        logging: { level: 'warn' },
        backends: [
          {
            id: 'fast',
            type: 'mock',
            models: ['mock-small'],
            mock_models: ['mock-small'],
            output_tokens: 24,
            ttft_ms: 5,
            tokens_per_second: 2000,
          },
          { id: 'fake', type: 'openai', base_url: upstream.url, api_key: 'sk-dashboard-0123456789', models: ['gpt-*', 'deepseek-*'] },
        ],
        routes: [{ virtual_model: 'chat', backend: 'fast', real_model: 'mock-small' }],
      },
    });
    await waitFor(
      async () => {
        const ids = ((await (await fetch(`${gw.url}/v1/models`)).json()) as { data: Array<{ id: string }> }).data.map((m) => m.id);
        return ids.includes('mock-small') && ids.includes('deepseek-reasoner');
      },
      10_000,
      'the backends to list their models',
    );
    await waitFor(
      async () => {
        if (prom!.exitCode !== null) throw new Error(`prometheus exited (${prom!.exitCode}):\n${promLog.slice(-4000)}`);
        return (
          (await fetch(`${promUrl}/-/ready`).then(
            (r) => r.status,
            () => 0,
          )) === 200
        );
      },
      20_000,
      `prometheus to be ready on ${promUrl}`,
      100,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${promLog.slice(-4000)}`);
    });
    await waitFor(async () => (await promQuery('up{job="switchyard"} == 1')).length === 1, 10_000, 'prometheus to scrape the gateway', 100);
  });

  after(async () => {
    if (prom && prom.exitCode === null) {
      prom.kill('SIGTERM');
      await Promise.race([new Promise((r) => prom!.once('exit', r)), delay(5000, undefined, { ref: false })]);
      if (prom.exitCode === null) prom.kill('SIGKILL');
    }
    await gw?.stop();
    await upstream?.close();
    if (promDir) rmSync(promDir, { recursive: true, force: true });
  });

  it('every PromQL expression of the dashboard returns data', async () => {
    if (!prometheusBin) assert.fail(NO_PROMETHEUS);
    // Three waves of traffic a little over a scrape apart, so rates have increases to show.
    let sent = 0;
    const chat = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      post(`${gw.url}/v1/chat/completions`, { messages: [{ role: 'user', content: 'Hello' }], ...body }, headers);
    for (let wave = 0; wave < 3; wave++) {
      const requests: Array<[Promise<{ status: number; text: string }>, number]> = [];
      for (let i = 0; i < 2; i++) {
        requests.push([chat({ model: 'chat' }), 200]);
        requests.push([chat({ model: 'chat', stream: true }), 200]);
        requests.push([chat({ model: 'mock-small', stream: true }), 200]);
      }
      const id = rid('dash-reasoning');
      script.on(id, replayFixture('openai-chat/deepseek-reasoning.chunks.txt'));
      requests.push([chat({ model: 'deepseek-reasoner', stream: true }, { 'x-request-id': id }), 200]);
      if (wave === 1) {
        const errId = rid('dash-error');
        script.on(errId, json(500, { error: { message: 'boom', type: 'server_error', param: null, code: null } }));
        requests.push([chat({ model: 'gpt-error' }, { 'x-request-id': errId }), 500]);
      }
      for (const [reply, status] of requests) {
        const r = await reply;
        assert.equal(r.status, status, r.text.slice(0, 300));
      }
      sent += requests.length;
      await delay(1100);
    }
    // Prometheus has every request once the total matches; then two more scrapes.
    await waitFor(
      async () => {
        const r = await promQuery('sum(switchyard_requests_total)');
        return r.length === 1 && Number(r[0]!.value[1]) === sent;
      },
      10_000,
      `prometheus to see all ${sent} requests`,
      200,
    );
    await delay(2200);

    const d = readDashboard();
    const failures: string[] = [];
    for (const q of dashboardQueries(d)) {
      const query = substituteGrafanaVariables(q.expr);
      assert.ok(!query.includes('$'), `${q.panel} ${q.refId}: an unsubstituted variable in ${query}`);
      const result = await promQuery(query);
      const values = result.map((r) => Number(r.value[1]));
      if (result.length === 0) failures.push(`${q.panel} [${q.refId}] returned no data: ${query}`);
      else if (!values.some((v) => Number.isFinite(v)))
        failures.push(`${q.panel} [${q.refId}] returned only ${values.join(', ')}: ${query}`);
    }
    for (const v of variableQueries(d)) {
      const res = await fetch(`${promUrl}/api/v1/label/${v.label}/values?match[]=${encodeURIComponent(v.metric)}`);
      const values = ((await res.json()) as { data: string[] }).data;
      if (!values.includes('chat')) failures.push(`variable ${v.name}: label_values(${v.metric}, ${v.label}) → ${JSON.stringify(values)}`);
    }
    assert.deepEqual(failures, [], `dashboard queries without data:\n${failures.join('\n')}`);
  });
});
