/**
 * `switchyard journal summary`: per (model, backend) counts, error rates, TTFT and duration
 * percentiles and tokens/s over journal lines from several files; bad lines skipped and counted.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';

// The summary lives in the gateway app (not exported by its package): load its build output.
type SummaryModule = typeof import('../../apps/gateway/src/cli/journal-summary.js');
const { percentile, summarizeJournalLines, formatJournalSummary, runJournalCommand } = (await import(
  new URL('../../../apps/gateway/dist/cli/journal-summary.js', import.meta.url).href
)) as SummaryModule;

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

let seq = 0;
function rec(over: Record<string, unknown>): string {
  return JSON.stringify({
    ts: `2026-11-22T10:00:${String(seq % 60).padStart(2, '0')}.000Z`,
    request_id: `r${seq++}`,
    ingress: 'openai.chat',
    virtual_model: 'fast',
    backend: 'gpu-1',
    real_model: 'org/m-7b',
    stream: true,
    status: 200,
    error: null,
    ttft_ms: 100,
    duration_ms: 1000,
    input_tokens: 10,
    output_tokens: 20,
    tokens_per_second: 50,
    profile: null,
    client_key_id: null,
    bytes_in: 1,
    bytes_out: 2,
    upstream_request_id: null,
    ...over,
  });
}

function fastLines(): string[] {
  // 20 requests to fast@gpu-1: ttft 10..200, duration 100..2000, tokens/s 1..20; 2 errors, 1 abort.
  const out: string[] = [];
  for (let i = 1; i <= 20; i++) {
    const status = i === 5 || i === 6 ? 502 : i === 7 ? 499 : 200;
    // spend_usd (issue #20): 0.0025 per request, null (unpriced) on the errors.
    const spend_usd = status === 200 ? 0.0025 : null;
    out.push(rec({ ttft_ms: i * 10, duration_ms: i * 100, tokens_per_second: i, status, error: status === 200 ? null : 'x', spend_usd }));
  }
  return out;
}

class Capture extends PassThrough {
  text = '';
  constructor() {
    super();
    this.setEncoding('utf8').on('data', (s: string) => (this.text += s));
  }
}

describe('journal summary', () => {
  it('nearest-rank percentiles', () => {
    const xs = Array.from({ length: 20 }, (_, i) => i + 1);
    assert.equal(percentile(xs, 50), 10);
    assert.equal(percentile(xs, 95), 19);
    assert.equal(percentile(xs, 100), 20);
    assert.equal(percentile([7], 95), 7);
    assert.equal(percentile([], 50), null);
  });

  it('groups by (virtual model, else real model; backend) with counts, error rate, percentiles and tokens/s', () => {
    const lines = [
      ...fastLines(),
      rec({
        virtual_model: null,
        real_model: 'gpt-x',
        backend: 'openai',
        ttft_ms: null,
        stream: false,
        duration_ms: 300,
        tokens_per_second: null,
      }),
      rec({
        virtual_model: null,
        real_model: null,
        backend: null,
        status: 404,
        ttft_ms: null,
        duration_ms: 0.2,
        tokens_per_second: null,
        input_tokens: null,
        output_tokens: null,
      }),
      '',
      'not json',
      '{"no":"status"}',
      '[1,2]',
    ];
    const s = summarizeJournalLines(lines);
    assert.equal(s.lines, 22);
    assert.equal(s.skipped, 3);
    assert.deepEqual(s.skippedAt, ['line 24', 'line 25', 'line 26']);
    assert.deepEqual(
      s.rows.map((r) => [r.model, r.backend, r.requests]),
      [
        ['fast', 'gpu-1', 20],
        ['(unrouted)', '-', 1],
        ['gpt-x', 'openai', 1],
      ],
    );
    const fast = s.rows[0]!;
    assert.equal(fast.errors, 2);
    assert.equal(fast.aborted, 1);
    assert.equal(fast.errorRate, 0.1);
    assert.equal(fast.ttftP50, 100);
    assert.equal(fast.ttftP95, 190);
    assert.equal(fast.durationP50, 1000);
    assert.equal(fast.durationP95, 1900);
    assert.equal(fast.tokensPerSecondP50, 10);
    assert.equal(fast.tokensPerSecondMean, 10.5);
    assert.equal(fast.spendUsd, 0.0425, '17 priced requests at 0.0025 USD');
    assert.equal(fast.inputTokens, 200);
    assert.equal(fast.outputTokens, 400);
    const gpt = s.rows.find((r) => r.model === 'gpt-x')!;
    assert.equal(gpt.ttftP50, null);
    assert.equal(gpt.durationP50, 300);
    assert.equal(s.total.requests, 22);
    assert.equal(s.total.errors, 3);
    assert.equal(s.firstTs! <= s.lastTs!, true);

    const table = formatJournalSummary(s);
    assert.match(table, /^22 request\(s\), 2026-11-22T10:00:/);
    assert.match(
      table,
      /MODEL\s+BACKEND\s+REQUESTS\s+ERRORS\s+ERROR %\s+ABORTED\s+TTFT p50\s+TTFT p95\s+DURATION p50\s+DURATION p95\s+TOK\/S p50/,
    );
    const fastRow = table.split('\n').find((l) => l.startsWith('fast'))!;
    assert.match(fastRow, /^fast\s+gpu-1\s+20\s+2\s+10%\s+1\s+100 ms\s+190 ms\s+1\.00 s\s+1\.90 s\s+10\.0\s+0\.0425$/);
    assert.match(table, /^\(all\)\s+22\s+3\s+/m);
    assert.match(table, /3 bad line\(s\) skipped \(first: line 24, line 25, line 26\)/);
  });

  it('an empty journal says so', () => {
    assert.match(formatJournalSummary(summarizeJournalLines([])), /No requests/);
  });

  it('the command reads several files: rotated, gzipped, a directory; reports unreadable ones', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-summary-'));
    dirs.push(dir);
    const all = fastLines();
    writeFileSync(path.join(dir, 'requests-2026-11-21.jsonl'), `${all.slice(0, 5).join('\n')}\n`);
    writeFileSync(path.join(dir, 'requests-2026-11-21.1.jsonl.gz'), gzipSync(`${all.slice(5, 10).join('\n')}\ngarbage\n`));
    writeFileSync(path.join(dir, 'requests.jsonl'), `${all.slice(10).join('\n')}\n`);
    writeFileSync(path.join(dir, 'notes.txt'), 'not a journal');

    const out = new Capture();
    const err = new Capture();
    assert.equal(await runJournalCommand(['summary', '--json', dir], { stdout: out, stderr: err }), 0);
    const s = JSON.parse(out.text) as ReturnType<typeof summarizeJournalLines>;
    assert.equal(s.lines, 20);
    assert.equal(s.skipped, 1);
    assert.match(s.skippedAt[0]!, /requests-2026-11-21\.1\.jsonl\.gz:6$/);
    assert.equal(s.rows[0]!.ttftP95, 190);

    const out2 = new Capture();
    const err2 = new Capture();
    const code = await runJournalCommand(
      ['summary', path.join(dir, 'requests.jsonl'), path.join(dir, 'requests-2026-11-21.jsonl'), path.join(dir, 'missing.jsonl')],
      {
        stdout: out2,
        stderr: err2,
      },
    );
    assert.equal(code, 1);
    assert.match(err2.text, /cannot read .*missing\.jsonl/);
    assert.match(out2.text, /^15 request\(s\)/);
  });

  it('usage errors exit 2', async () => {
    const io = () => ({ stdout: new Capture(), stderr: new Capture() });
    assert.equal(await runJournalCommand([], io()), 2);
    assert.equal(await runJournalCommand(['summary'], io()), 2);
    assert.equal(await runJournalCommand(['tail', 'x'], io()), 2);
    assert.equal(await runJournalCommand(['summary', '--bogus', 'x'], io()), 2);
    const help = io();
    assert.equal(await runJournalCommand(['summary', '--help'], help), 0);
    assert.match(help.stdout.text, /Usage: switchyard journal summary/);
  });
});
