/**
 * Issue #19 item 2: wrk drives the bench's non-streaming cells. The pure parts — the Lua script
 * (the body byte for byte, whatever it holds), the parsing of the script's JSON line, the mapping
 * into a cell's result (errors are never completed requests), the preflight's verdict, `--load` —
 * and, where wrk is installed, a real run against a local server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';

const dist = (f: string) => new URL(`../../../bench/dist/${f}`, import.meta.url).href;

type Stats = Record<'p50' | 'p90' | 'p99' | 'max' | 'mean', number>;
/** wrk-load.js's WrkSummary and WrkLoadResult, as far as the test reads them. */
interface Summary {
  requests: number;
  errors: Record<'connect' | 'read' | 'write' | 'status' | 'timeout', number>;
  latencyUs: Stats;
  check?: { non200: number; unmarked: number; firstStatus: number };
}
interface WrkLoad {
  completed: number;
  errors: number;
  firstError?: string;
  elapsedMs: number;
  latency: Stats;
  generatorCpuUs: number;
  answered: number;
}
interface Spec {
  origin: string;
  path: string;
  body: Buffer;
  stream: boolean;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  headers?: Record<string, string>;
  onMeasureStart?: () => void;
}
const pinOff = { enabled: false, loadCore: 0, proxyCore: 1 };

const wrkLoad = (await import(dist('wrk-load.js'))) as {
  luaString(v: Buffer | string): string;
  wrkScript(spec: { body: Buffer; headers?: Record<string, string> }, replyMark?: string): string;
  parseWrkOutput(stdout: string): Summary;
  wrkLoadResult(s: Summary, cpuUs: number, warmupRequests?: number): WrkLoad;
  wrkArgs(c: number, seconds: number, script: string, url: string): string[];
  wrkSeconds(ms: number): number;
  runWrk(spec: Spec, pin: typeof pinOff): Promise<WrkLoad>;
  checkWithWrk(
    spec: Omit<Spec, 'stream' | 'warmupMs' | 'durationMs'>,
    pin: typeof pinOff,
    mark: string,
    seconds?: number,
  ): Promise<Summary>;
  nonStreamingGenerator(option: string, wrk: string | undefined): 'node' | 'wrk';
  generatorFor(nonStreaming: 'node' | 'wrk', stream: boolean): 'node' | 'wrk';
  wrkVersion(): string | undefined;
};
const { wrkPreflightProblem, checkCellCount } = (await import(dist('wrk-preflight.js'))) as {
  wrkPreflightProblem(s: Summary, concurrency: number, counted?: number): string | undefined;
  checkCellCount(target: { name: string; requestsCounted(): Promise<number> }, before: number, answered: number): Promise<void>;
};
const { parseBenchOptions } = (await import(dist('bench-options.js'))) as {
  parseBenchOptions(argv: string[], env: NodeJS.ProcessEnv): { load: string };
};
const { cellResult } = (await import(dist('cell-result.js'))) as {
  cellResult(
    cell: object,
    target: object,
    load: object,
    usage: object,
  ): {
    generator: string;
    completed: number;
    errors: number;
    rps: number;
    latencyMs: { p50: number; p99: number; mean: number };
    loadCorePct: number;
    upstreamCorePct?: number;
  };
};
const { markdownTable } = (await import(dist('bench-report.js'))) as { markdownTable(results: object[]): string };
const { sumOfCounter } = (await import(dist('switchyard-target.js'))) as { sumOfCounter(text: string, name: string): number };

/** Reads a Lua 5.1 quoted string literal (the escapes of the Lua reference manual §2.1) back into bytes. */
function readLuaString(literal: string): Buffer {
  assert.equal(literal[0], '"', 'a literal opens with "');
  const named: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34, "'": 39, '\n': 10 };
  const out: number[] = [];
  let i = 1;
  for (;;) {
    const ch = literal[i];
    assert.ok(ch !== undefined, 'unterminated literal');
    assert.notEqual(ch, '\n', 'a raw line break ends a Lua quoted string with an error');
    assert.notEqual(ch, '\r', 'a raw line break ends a Lua quoted string with an error');
    if (ch === '"') {
      assert.equal(i, literal.length - 1, `the literal ends at ${i}, before its last character`);
      return Buffer.from(out);
    }
    if (ch !== '\\') {
      out.push(...Buffer.from(ch, 'latin1'));
      i++;
      continue;
    }
    const next = literal[i + 1]!;
    const digits = /^\d{1,3}/.exec(literal.slice(i + 1))?.[0];
    if (digits) {
      assert.ok(Number(digits) <= 255, `\\${digits} is not a byte`);
      out.push(Number(digits));
      i += 1 + digits.length;
    } else {
      assert.ok(next in named, `\\${next} is not a Lua escape`);
      out.push(named[next]!);
      i += 2;
    }
  }
}

test('the Lua string of a body holds it byte for byte: quotes, backslashes, line breaks, CR, long brackets, digits after an escape, unicode', () => {
  const bodies = [
    '{"model":"bench","messages":[{"role":"user","content":"say \\"hi\\"\\n"}]}',
    '\nleading newline, "quotes", back\\slash, CR\r\nLF, tab\t, NUL\u0000, ]] and ]==], \u00e9\u4e2d\ud83d\ude80',
    '\u00011234 escape followed by digits, \u007f DEL',
    '',
  ];
  for (const body of bodies) {
    const literal = wrkLoad.luaString(Buffer.from(body));
    assert.deepEqual(readLuaString(literal), Buffer.from(body), `round trip of ${JSON.stringify(body)}`);
    assert.match(literal, /^"[\x20-\x7e]*"$/, 'printable ASCII only');
  }
  // Every byte value survives, including those that form no UTF-8.
  const all = Buffer.from(Array.from({ length: 256 }, (_, b) => b));
  assert.deepEqual(readLuaString(wrkLoad.luaString(all)), all);
});

test('the wrk script POSTs the cell body with content-type and the target headers, and prints one JSON line in done()', () => {
  const body = Buffer.from('{"a":"b\\"c"}');
  const script = wrkLoad.wrkScript({ body, headers: { authorization: 'Bearer sk-"x"' } });
  assert.match(script, /^wrk\.method = "POST"$/m);
  assert.ok(script.includes(`wrk.body = ${wrkLoad.luaString(body)}\n`));
  assert.ok(script.includes('wrk.headers["content-type"] = "application/json"'));
  assert.ok(script.includes('wrk.headers["authorization"] = "Bearer sk-\\034x\\034"'));
  assert.match(script, /function done\(summary, latency, requests\)/);
  assert.doesNotMatch(script, /function response/, 'a measuring script does not read the answers (it would cost the load core)');
  const checking = wrkLoad.wrkScript({ body }, '"choices"');
  assert.match(checking, /function response\(status, headers, body\)/);
  assert.ok(checking.includes('local mark = "\\034choices\\034"'));
  assert.deepEqual(wrkLoad.wrkArgs(64, 5, '/tmp/s.lua', 'http://127.0.0.1:1/v1/chat/completions'), [
    '-t1',
    '-c64',
    '-d5s',
    '--timeout',
    '10s',
    '-s',
    '/tmp/s.lua',
    'http://127.0.0.1:1/v1/chat/completions',
  ]);
  assert.equal(wrkLoad.wrkSeconds(500), 1);
  assert.equal(wrkLoad.wrkSeconds(2400), 2);
});

const LINE =
  '{"benchWrk":{"requests":1000,"durationUs":2000000,"bytes":500000,"errors":{"connect":0,"read":1,"write":0,"status":9,"timeout":2},' +
  '"latencyUs":{"p50":800,"p90":1200,"p99":3000,"max":9000,"mean":850.5}}}';

test("wrk's result line is found after its own report, and must be complete", () => {
  const stdout = `Running 2s test @ http://127.0.0.1:1/\n  1 threads and 16 connections\n  Thread Stats   Avg\n${LINE}\n`;
  const s = wrkLoad.parseWrkOutput(stdout);
  assert.equal(s.requests, 1000);
  assert.equal(s.errors.status, 9);
  assert.equal(s.latencyUs.p99, 3000);
  assert.throws(() => wrkLoad.parseWrkOutput('Running 2s test\n'), /no result line/);
  assert.throws(() => wrkLoad.parseWrkOutput(LINE.replace('"timeout":2', '"timeout":null')), /incomplete/);
  assert.throws(() => wrkLoad.parseWrkOutput(LINE.replace(',"p99":3000', '')), /incomplete/);
});

test('a wrk run maps into the cell result: answers with an error status and socket errors are errors, never completed requests', () => {
  const load = wrkLoad.wrkLoadResult(wrkLoad.parseWrkOutput(LINE), 400_000, 500);
  assert.equal(load.completed, 991);
  assert.equal(load.answered, 1500, 'the warm-up run and the measured run reached the target');
  assert.equal(load.generatorCpuUs, 400_000);
  assert.equal(load.errors, 12);
  assert.match(load.firstError!, /9 answers with HTTP status ≥ 400.*read 1.*timeout 2/);
  assert.equal(load.elapsedMs, 2000);
  assert.deepEqual(load.latency, { p50: 0.8, p90: 1.2, p99: 3, max: 9, mean: 0.8505 });
  const clean = wrkLoad.wrkLoadResult(
    wrkLoad.parseWrkOutput(LINE.replace(/"errors":\{[^}]*\}/, '"errors":{"connect":0,"read":0,"write":0,"status":0,"timeout":0}')),
    0,
  );
  assert.equal(clean.errors, 0);
  assert.equal(clean.firstError, undefined);

  const cell = { scenario: { id: 'chat', label: '', stream: false, pacing: 'fast', concurrency: [16] }, concurrency: 16 };
  const r = cellResult(cell, { name: 'nginx', kind: 'nginx' }, load, {
    proxyCpuUs: 100_000,
    loadCpuUs: 1_000_000,
    upstreamCpuUs: 600_000,
    machineCpuUs: 1_100_000,
  });
  assert.equal(r.generator, 'wrk');
  assert.equal(r.completed, 991);
  assert.equal(r.errors, 12);
  assert.equal(r.rps, 495.5);
  assert.deepEqual(r.latencyMs, { p50: 0.8, p99: 3, mean: 0.8505 });
  assert.equal(r.loadCorePct, 50);
  assert.equal(r.upstreamCorePct, 30, 'the upstream part of the load core');
  // The Node generator's cells say so too, and the table has the column.
  const node = cellResult(
    cell,
    { name: 'nginx', kind: 'nginx' },
    { completed: 2, errors: 0, elapsedMs: 1000, latencyMs: [1, 3], ttftMs: [] },
    {
      loadCpuUs: 0,
      machineCpuUs: 0,
    },
  );
  assert.equal(node.generator, 'node');
  const table = markdownTable([r, node]).split('\n');
  assert.match(table[0]!, /\| load gen \|$/);
  assert.match(table[2]!, /\| 50 \| 30 \| 0 \| wrk \|$/);
  assert.match(table[3]!, /\| node \|$/);
});

test("the wrk preflight's verdict: no request, a non-200, a 200 without the reply, a socket error, or a request count that does not match", () => {
  const ok: Summary = {
    ...wrkLoad.parseWrkOutput(LINE),
    errors: { connect: 0, read: 0, write: 0, status: 0, timeout: 0 },
    check: { non200: 0, unmarked: 0, firstStatus: 0 },
  };
  assert.equal(wrkPreflightProblem(ok, 2), undefined);
  assert.equal(wrkPreflightProblem(ok, 2, 1000), undefined);
  assert.equal(wrkPreflightProblem(ok, 2, 1004), undefined);
  assert.match(wrkPreflightProblem(ok, 2, 1005)!, /counted 1005 requests while wrk completed 1000/);
  assert.match(wrkPreflightProblem(ok, 2, 0)!, /counted 0 requests/);
  assert.match(wrkPreflightProblem({ ...ok, requests: 0 }, 2)!, /no request/);
  assert.match(
    wrkPreflightProblem({ ...ok, check: { non200: 3, unmarked: 0, firstStatus: 302 } }, 2)!,
    /3 of 1000 answers were not HTTP 200 \(first: 302\)/,
  );
  assert.match(wrkPreflightProblem({ ...ok, check: { non200: 0, unmarked: 5, firstStatus: 0 } }, 2)!, /5 of 1000 HTTP 200 answers lacked/);
  assert.match(wrkPreflightProblem({ ...ok, errors: { ...ok.errors, read: 1 } }, 2)!, /read 1/);
});

test('a wrk cell must be counted by the target: at least the requests wrk completed in both runs (the count may lag a little)', async () => {
  /** A target whose count reads `counts` one after the other (the last one from then on). */
  const target = (counts: number[]) => ({
    name: 'switchyard',
    requestsCounted: async () => (counts.length > 1 ? counts.shift()! : counts[0]!),
  });
  await checkCellCount(target([1600]), 100, 1500);
  await checkCellCount(target([1630]), 100, 1500); // the previous load's stragglers
  await checkCellCount(target([1200, 1599, 1600]), 100, 1500); // metrics lag the answers
  await assert.rejects(
    checkCellCount(target([1599]), 100, 1500),
    /switchyard: the target counted 1499 requests while wrk completed 1500 in a cell/,
  );
});

test('--load node|wrk|auto (BENCH_LOAD); auto takes wrk when it is installed; streams always take the Node generator', () => {
  assert.equal(parseBenchOptions([], {}).load, 'auto');
  assert.equal(parseBenchOptions(['--load', 'node'], {}).load, 'node');
  assert.equal(parseBenchOptions([], { BENCH_LOAD: 'wrk' }).load, 'wrk');
  assert.throws(() => parseBenchOptions(['--load', 'ab'], {}), /--load: unknown value "ab"/);
  assert.equal(wrkLoad.nonStreamingGenerator('auto', 'wrk 4.1.0'), 'wrk');
  assert.equal(wrkLoad.nonStreamingGenerator('auto', undefined), 'node');
  assert.equal(wrkLoad.nonStreamingGenerator('node', 'wrk 4.1.0'), 'node');
  assert.equal(wrkLoad.nonStreamingGenerator('wrk', 'wrk 4.1.0'), 'wrk');
  assert.throws(() => wrkLoad.nonStreamingGenerator('wrk', undefined), /wrk is not on PATH/);
  assert.equal(wrkLoad.generatorFor('wrk', true), 'node');
  assert.equal(wrkLoad.generatorFor('wrk', false), 'wrk');
  assert.equal(wrkLoad.generatorFor('node', false), 'node');
});

test('the request count read from the metrics sums every series of the counter, and only that counter', () => {
  const text = [
    '# TYPE switchyard_requests_total counter',
    'switchyard_requests_total{gen_ai_request_model="bench",http_response_status_code="200"} 120',
    'switchyard_requests_total{gen_ai_request_model="bench-paced",http_response_status_code="200"} 3',
    'switchyard_requests_total_other 99',
    'switchyard_requests_active 4',
  ].join('\n');
  assert.equal(sumOfCounter(text, 'switchyard_requests_total'), 123);
});

const hasWrk = (() => {
  try {
    execFileSync('wrk', ['-v'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    return (err as { code?: string }).code !== 'ENOENT';
  }
})();

/** A server that records each request's body and headers and answers with `answer`. */
async function recordingServer(answer: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void) {
  const seen: Array<{ body: Buffer; headers: IncomingMessage['headers']; method?: string; url?: string }> = [];
  let count = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      count++;
      if (seen.length < 50) seen.push({ body, headers: req.headers, method: req.method, url: req.url });
      answer(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, seen, count: () => count, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const BODY = Buffer.from(
  JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'line 1\nline "2" \u00e9 \ud83d\ude80' }] }) + '\n\r\n]]',
);

test('wrk sends the exact body and headers, reports its requests, and counts error statuses as errors', { timeout: 30_000 }, async (t) => {
  if (!hasWrk) return t.skip('wrk not installed');
  assert.ok(wrkLoad.wrkVersion()?.startsWith('wrk '));
  const srv = await recordingServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"choices":[]}'));
  try {
    let measureStarted = 0;
    const spec = {
      origin: srv.origin,
      path: '/v1/chat/completions',
      body: BODY,
      stream: false,
      concurrency: 2,
      headers: { authorization: 'Bearer k"1' },
    };
    const load = await wrkLoad.runWrk({ ...spec, warmupMs: 1000, durationMs: 1000, onMeasureStart: () => measureStarted++ }, pinOff);
    assert.equal(measureStarted, 1);
    assert.equal(load.errors, 0);
    assert.ok(load.completed > 10, `${load.completed} requests`);
    assert.ok(load.elapsedMs > 900 && load.elapsedMs < 3000, `elapsed ${load.elapsedMs} ms`);
    assert.ok(load.latency.p50 > 0 && load.latency.p50 <= load.latency.p99);
    assert.ok(load.generatorCpuUs >= 0);
    // Warm-up and measured run both reached the server; every request carried the body byte for byte.
    assert.ok(load.answered > load.completed, 'the warm-up run answered too');
    assert.ok(srv.count() >= load.answered, `the server saw ${srv.count()} requests, wrk completed ${load.answered}`);
    for (const r of srv.seen) {
      assert.equal(r.method, 'POST');
      assert.equal(r.url, '/v1/chat/completions');
      assert.deepEqual(r.body, BODY);
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.headers.authorization, 'Bearer k"1');
    }
    const checked = await wrkLoad.checkWithWrk(spec, pinOff, '"choices"');
    assert.equal(wrkPreflightProblem(checked, 2), undefined);
    assert.equal(checked.check?.unmarked, 0);
    const unmarked = await wrkLoad.checkWithWrk(spec, pinOff, '"output"');
    assert.equal(unmarked.check?.unmarked, unmarked.requests);
  } finally {
    await srv.close();
  }
  const failing = await recordingServer((_req, res) => res.writeHead(503).end('{"error":{}}'));
  try {
    const spec = { origin: failing.origin, path: '/', body: BODY, stream: false, concurrency: 2, warmupMs: 0, durationMs: 1000 };
    const load = await wrkLoad.runWrk(spec, pinOff);
    assert.equal(load.completed, 0, 'a cell of 503s is not a fast cell');
    assert.ok(load.errors > 0);
    assert.match(load.firstError!, /answers with HTTP status ≥ 400/);
    const checked = await wrkLoad.checkWithWrk(spec, pinOff, '"choices"');
    assert.match(wrkPreflightProblem(checked, 2)!, /were not HTTP 200 \(first: 503\)/);
  } finally {
    await failing.close();
  }
});

test(
  'wrk sends a 300 KB body full of quotes and line breaks byte for byte (the body-256k and 88 KB cells)',
  { timeout: 30_000 },
  async (t) => {
    if (!hasWrk) return t.skip('wrk not installed');
    const big = Buffer.from(JSON.stringify({ model: 'bench', messages: [{ role: 'system', content: 'say "x"\n\u00e9 '.repeat(25_000) }] }));
    assert.ok(big.length > 300_000);
    const srv = await recordingServer((_req, res) => res.writeHead(200).end('{"choices":[]}'));
    try {
      const checked = await wrkLoad.checkWithWrk(
        { origin: srv.origin, path: '/v1/chat/completions', body: big, concurrency: 1 },
        pinOff,
        '"choices"',
      );
      assert.equal(wrkPreflightProblem(checked, 1), undefined);
      assert.ok(srv.seen.length > 0);
      for (const r of srv.seen) assert.ok(r.body.equals(big), `a body of ${r.body.length} bytes, not the ${big.length} sent`);
    } finally {
      await srv.close();
    }
  },
);
