/**
 * Issue #19: the bench's targets are ratios to the Node floor, nginx and the passthrough lane
 * measured in the same run; a proxy's cell with its load core ≥ 90 % busy is invalid; the
 * Anthropic-format bench upstream sends the documented event sequence; the Claude-Code-sized
 * request has the size and shape it claims.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';

// The bench is built after the tests (tsconfig.build.json): load its output at run time.
interface Cell {
  scenario: string;
  target: string;
  kind: string;
  concurrency: number;
  stream: boolean;
  passthrough?: string;
  rps: number;
  latencyMs: { p50: number; p99: number };
  ttftMs?: { p50: number; p99: number };
  cpuUsPerReq?: number;
  eventsPerStream?: number;
  invalid?: boolean;
  loopDelayMs?: { p50: number; p99: number; max: number; samples: number };
  healthzMs?: { p50: number; p99: number; max: number; count: number };
  rssOpenMiB?: number;
}
interface Check {
  target: string;
  description: string;
  status: string;
  detail: string;
}
const dist = (f: string) => new URL(`../../../bench/dist/${f}`, import.meta.url).href;
const { checkIssueTargets, memoryLines, fastifyFloorLines, ccrLines } = (await import(dist('issue-targets.js'))) as {
  checkIssueTargets(results: Cell[]): Check[];
  memoryLines(results: Cell[], idle: Record<string, number>): Check[];
  fastifyFloorLines(results: Cell[]): Check[];
  ccrLines(results: Cell[]): Check[];
};
const { ccrConfig } = (await import(dist('ccr-target.js'))) as { ccrConfig(port: number, upstream: string): Record<string, unknown> };
const { cellResult } = (await import(dist('cell-result.js'))) as {
  cellResult(cell: object, target: object, load: object, usage: object): Cell;
};
const { AnthropicStreamPlan, anthropicMessageBody, anthropicRequestProblem } = (await import(dist('anthropic-mock-reply.js'))) as {
  AnthropicStreamPlan: new (model: string, tokens: number) => { length: number; render(i: number): string };
  anthropicMessageBody(model: string, tokens: number): string;
  anthropicRequestProblem(body: Record<string, unknown>): string | undefined;
};
const { claudeCodeSizedBody } = (await import(dist('large-request-body.js'))) as {
  claudeCodeSizedBody(client: string, model: string, stream: boolean, bytes: number): Buffer;
};
const { scenarios, requestBody } = (await import(dist('scenarios.js'))) as {
  scenarios(
    c: number[],
  ): Array<{ id: string; client?: string; only?: string[]; passthrough?: string; probe?: boolean; concurrency: number[] }>;
  requestBody(scenario: object, model: string): Buffer;
};

function cell(target: string, kind: string, scenario: string, concurrency: number, extra: Partial<Cell> = {}): Cell {
  return { scenario, target, kind, concurrency, stream: false, rps: 1000, latencyMs: { p50: 1, p99: 2 }, ...extra };
}

const statusOf = (checks: Check[], starts: string) =>
  checks.find((c) => c.target === 'switchyard' && c.description.startsWith(starts))?.status;

test('chat CPU is held to 1.25× the floor of the same cell, and a cell measured with a busy load core is INVALID, not PASS', () => {
  const run = (sy: number, floorInvalid = false) =>
    checkIssueTargets([
      cell('switchyard', 'switchyard', 'chat', 16, { cpuUsPerReq: sy }),
      cell('node-floor', 'floor', 'chat', 16, { cpuUsPerReq: 100, invalid: floorInvalid }),
    ]);
  assert.equal(statusOf(run(125), 'non-streaming'), 'PASS');
  assert.equal(statusOf(run(126), 'non-streaming'), 'FAIL');
  assert.equal(statusOf(run(120, true), 'non-streaming'), 'INVALID');
  // A failure on a valid cell stays a failure; without the floor the check is skipped.
  assert.match(run(200).find((c) => c.description.startsWith('non-streaming'))!.detail, /200 vs 100 µs = 2\.00× ✗/);
  assert.equal(statusOf(checkIssueTargets([cell('switchyard', 'switchyard', 'chat', 16, { cpuUsPerReq: 1 })]), 'non-streaming'), 'SKIP');
});

test('latency targets are the floor’s added latency plus a margin; req/s against nginx', () => {
  const checks = checkIssueTargets([
    cell('switchyard', 'switchyard', 'chat', 1, { latencyMs: { p50: 0.45, p99: 1 } }),
    cell('node-floor', 'floor', 'chat', 1, { latencyMs: { p50: 0.3, p99: 1 } }),
    cell('switchyard', 'switchyard', 'chat', 64, { rps: 4000 }),
    cell('nginx', 'nginx', 'chat', 64, { rps: 10000 }),
    cell('switchyard', 'switchyard', 'stream-5ms', 16, { stream: true, ttftMs: { p50: 1.1, p99: 5 } }),
    cell('node-floor', 'floor', 'stream-5ms', 16, { stream: true, ttftMs: { p50: 1.0, p99: 4.5 } }),
  ]);
  assert.equal(statusOf(checks, 'added p50'), 'FAIL'); // +0.15 ms over the floor > 0.10
  assert.equal(statusOf(checks, 'req/s'), 'FAIL'); // 0.4× < 0.5×
  assert.equal(statusOf(checks, 'streams with 5 ms gaps: added TTFT p50'), 'PASS'); // +0.10 ≤ 0.15
  assert.equal(statusOf(checks, 'streams with 5 ms gaps: added TTFT p99'), 'PASS'); // +0.5 ≤ 1
});

test('translated lanes: CPU per request against the passthrough lane, µs per translated event, the 88 KB request against a small one', () => {
  const base = [
    cell('switchyard', 'switchyard', 'chat', 16, { cpuUsPerReq: 200 }),
    cell('switchyard', 'switchyard', 'stream-0ms', 16, { stream: true, cpuUsPerReq: 400, eventsPerStream: 23 }),
    cell('switchyard', 'switchyard', 'anthropic', 16, { passthrough: 'chat', cpuUsPerReq: 250 }),
  ];
  const ok = checkIssueTargets([
    ...base,
    cell('switchyard', 'switchyard', 'anthropic-stream', 16, { stream: true, passthrough: 'stream-0ms', cpuUsPerReq: 500 }),
    cell('switchyard', 'switchyard', 'anthropic-88k', 16, { passthrough: 'anthropic', cpuUsPerReq: 500 }),
  ]);
  assert.equal(statusOf(ok, 'translated lanes'), 'PASS');
  assert.equal(statusOf(ok, '≤ 5 µs per translated event'), 'PASS'); // 100 µs ÷ 23 events = 4.35
  assert.equal(statusOf(ok, 'an 88 KB'), 'PASS');
  const slow = checkIssueTargets([
    ...base,
    cell('switchyard', 'switchyard', 'anthropic-stream', 16, { stream: true, passthrough: 'stream-0ms', cpuUsPerReq: 530 }),
    cell('switchyard', 'switchyard', 'anthropic-88k', 16, { passthrough: 'anthropic', cpuUsPerReq: 501 }),
  ]);
  assert.equal(statusOf(slow, 'translated lanes'), 'FAIL'); // 530 > 1.3 × 400
  assert.match(slow.find((c) => c.description.startsWith('≤ 5 µs'))!.detail, /5\.65 µs ✗/);
  assert.equal(statusOf(slow, 'an 88 KB'), 'FAIL');
  // The 88 KB scenario is not a translated lane of its own.
  assert.doesNotMatch(slow.find((c) => c.description.startsWith('translated lanes'))!.detail, /anthropic-88k/);
});

test('open streams: event-loop delay and /healthz p99; RSS idle and per 1,000 open streams is reported', () => {
  const burst = cell('switchyard', 'switchyard', 'burst', 500, {
    stream: true,
    loopDelayMs: { p50: 10, p99: 21, max: 30, samples: 500 },
    healthzMs: { p50: 2, p99: 40, max: 45, count: 50 },
    rssOpenMiB: 250,
  });
  assert.equal(statusOf(checkIssueTargets([burst]), 'open streams'), 'FAIL');
  burst.loopDelayMs!.p99 = 19;
  assert.equal(statusOf(checkIssueTargets([burst]), 'open streams'), 'PASS');
  const [mem] = memoryLines([burst], { switchyard: 150 });
  assert.equal(mem!.status, 'INFO');
  assert.match(mem!.detail, /idle 150\.0 MiB; burst c=500: 250\.0 MiB with 500 streams open = \+200\.0 MiB per 1,000 streams/);
});

test('the Fastify floor is reported against the Node floor per chat cell, never as a Switchyard target', () => {
  const results = [
    cell('node-floor', 'floor', 'chat', 1, { cpuUsPerReq: 100 }),
    cell('fastify-floor', 'fastify', 'chat', 1, { cpuUsPerReq: 131 }),
    cell('node-floor', 'floor', 'chat', 16, { cpuUsPerReq: 80, invalid: true }),
    cell('fastify-floor', 'fastify', 'chat', 16, { cpuUsPerReq: 100 }),
  ];
  const [line, ...rest] = fastifyFloorLines(results);
  assert.equal(rest.length, 0);
  assert.equal(line?.status, 'INFO');
  assert.equal(line?.target, 'fastify-floor');
  assert.match(line!.detail, /chat c=1: 131 vs the floor 100 µs = 1\.31×/);
  assert.match(line!.detail, /chat c=16: 100 vs the floor 80 µs = 1\.25× \(invalid cell\)/);
  assert.deepEqual(fastifyFloorLines(results.filter((r) => r.kind !== 'fastify')), []);
  // The chat CPU target judges Switchyard against the Node floor, not the Fastify floor.
  const checks = checkIssueTargets([...results, cell('switchyard', 'switchyard', 'chat', 1, { cpuUsPerReq: 120 })]);
  assert.ok(checks.length > 0);
  assert.ok(checks.every((c) => c.target === 'switchyard'));
  assert.match(checks.find((c) => c.description.startsWith('non-streaming'))!.detail, /120 vs 100 µs/);
});

test('claude-code-router is reported against Switchyard on the Anthropic lane, and sends every request to the bench upstream', () => {
  const results = [
    cell('switchyard', 'switchyard', 'anthropic', 16, { cpuUsPerReq: 128 }),
    cell('claude-code-router', 'ccr', 'anthropic', 16, { cpuUsPerReq: 512 }),
    cell('claude-code-router', 'ccr', 'anthropic-88k', 16, { cpuUsPerReq: 1000 }),
  ];
  const [line, ...rest] = ccrLines(results);
  assert.equal(rest.length, 0);
  assert.equal(line?.status, 'INFO');
  assert.equal(line?.detail, 'anthropic c=16: Switchyard 128 vs claude-code-router 512 µs = 0.25×');
  assert.deepEqual(ccrLines(results.slice(0, 1)), []);
  const config = ccrConfig(4567, 'http://127.0.0.1:9') as {
    PORT: number;
    Providers: Array<{ api_base_url: string; models: string[] }>;
    Router: { default: string };
  };
  assert.equal(config.PORT, 4567);
  assert.equal(config.Providers[0]!.api_base_url, 'http://127.0.0.1:9/v1/chat/completions');
  assert.equal(config.Router.default, `bench,${config.Providers[0]!.models[0]}`);
});

test('a proxy cell whose load core was ≥ 90 % busy is invalid; direct never is', () => {
  const load = { completed: 100, errors: 0, elapsedMs: 1000, latencyMs: [1], ttftMs: [] };
  const c = { scenario: { id: 'chat', label: '', stream: false, pacing: 'fast', concurrency: [1] }, concurrency: 1 };
  const usage = (loadCpuUs: number) => ({ proxyCpuUs: 1000, loadCpuUs, machineCpuUs: loadCpuUs + 1000 });
  assert.equal(cellResult(c, { name: 'switchyard', kind: 'switchyard' }, load, usage(900_000)).invalid, true);
  assert.equal(cellResult(c, { name: 'switchyard', kind: 'switchyard' }, load, usage(899_000)).invalid, undefined);
  assert.equal(cellResult(c, { name: 'direct', kind: 'direct' }, load, usage(1_000_000)).invalid, undefined);
});

test('the Anthropic bench upstream streams the documented event sequence and answers whole messages', () => {
  const plan = new AnthropicStreamPlan('bench-mock', 3);
  const events = Array.from({ length: plan.length }, (_, i) => plan.render(i));
  const types = events.map((e) => {
    const m = /^event: (\S+)\ndata: (.*)\n\n$/.exec(e);
    assert.ok(m, `not one SSE event: ${JSON.stringify(e)}`);
    assert.equal((JSON.parse(m[2]!) as { type: string }).type, m[1]);
    return m[1];
  });
  assert.deepEqual(types, [
    'message_start',
    'content_block_start',
    'ping',
    'content_block_delta',
    'content_block_delta',
    'content_block_delta',
    'content_block_stop',
    'message_delta',
    'message_stop',
  ]);
  const message = JSON.parse(anthropicMessageBody('bench-mock', 3)) as {
    type: string;
    content: Array<{ type: string }>;
    stop_reason: string;
  };
  assert.equal(message.type, 'message');
  assert.equal(message.content[0]!.type, 'text');
  assert.equal(message.stop_reason, 'end_turn');
  assert.equal(anthropicRequestProblem({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }), undefined);
  assert.match(anthropicRequestProblem({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })!, /max_tokens/);
});

test('the Claude-Code-sized request: about 88 KB in each client shape, with a system prompt and tools', () => {
  for (const client of ['anthropic.messages', 'openai.chat', 'openai.responses']) {
    const body = claudeCodeSizedBody(client, 'bench', true, 88 * 1024);
    assert.ok(Math.abs(body.length - 88 * 1024) < 200, `${client}: ${body.length} bytes`);
    const parsed = JSON.parse(body.toString()) as { tools: unknown[]; stream: boolean; system?: unknown; instructions?: string };
    assert.equal(parsed.tools.length, 24);
    assert.equal(parsed.stream, true);
  }
  const list = scenarios([1]);
  const claude = list.find((s) => s.id === 'anthropic-88k')!;
  const anthropicBody = JSON.parse(requestBody(claude, 'bench').toString()) as { system: Array<{ text: string }>; max_tokens: number };
  assert.ok(anthropicBody.system[0]!.text.length > 50_000);
  assert.equal(anthropicBody.max_tokens, 64);
  // Every translated lane compares with a passthrough scenario of the same run and runs on Switchyard only,
  // but for claude-code-router, the peer of the Anthropic-client lanes (not under 500 open streams).
  for (const s of list.filter((x) => x.client && x.client !== 'openai.chat'))
    assert.deepEqual(s.only, s.client === 'anthropic.messages' && !s.probe ? ['switchyard', 'ccr'] : ['switchyard'], s.id);
  for (const s of list.filter((x) => x.passthrough)) assert.ok(list.some((p) => p.id === s.passthrough));
  assert.deepEqual(list.find((s) => s.id === 'burst')!.concurrency, [500]);
});
