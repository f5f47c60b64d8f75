import { createReadStream, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** One row of `switchyard journal summary`: a (model, backend) pair, or the total. */
export interface JournalSummaryRow {
  /** The virtual model, else the real model, else "(unrouted)". */
  model: string;
  /** The backend id, or "-" when the request was not routed. */
  backend: string;
  requests: number;
  /** Status >= 400, client aborts (499) excepted. */
  errors: number;
  /** Status 499: the client went away first. */
  aborted: number;
  /** errors / requests. */
  errorRate: number;
  ttftP50: number | null;
  ttftP95: number | null;
  durationP50: number | null;
  durationP95: number | null;
  tokensPerSecondP50: number | null;
  tokensPerSecondMean: number | null;
  inputTokens: number;
  outputTokens: number;
  /** The journal lines' spend_usd summed (issue #20): priced requests only. */
  spendUsd: number;
}

export interface JournalSummary {
  rows: JournalSummaryRow[];
  total: JournalSummaryRow;
  /** Journal lines counted. */
  lines: number;
  /** Lines that were not journal lines (bad JSON, missing fields); blank lines are ignored. */
  skipped: number;
  /** Where the first skipped lines were ("file:line"), at most 5. */
  skippedAt: string[];
  firstTs: string | null;
  lastTs: string | null;
}

const UNROUTED = '(unrouted)';

class Group {
  requests = 0;
  errors = 0;
  aborted = 0;
  ttft: number[] = [];
  duration: number[] = [];
  tps: number[] = [];
  inputTokens = 0;
  outputTokens = 0;
  spendUsd = 0;

  constructor(
    readonly model: string,
    readonly backend: string,
  ) {}

  add(r: Record<string, unknown>, status: number): void {
    this.requests++;
    if (status === 499) this.aborted++;
    else if (status >= 400) this.errors++;
    const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    const ttft = num(r.ttft_ms);
    const duration = num(r.duration_ms);
    const tps = num(r.tokens_per_second);
    if (ttft !== null) this.ttft.push(ttft);
    if (duration !== null) this.duration.push(duration);
    if (tps !== null) this.tps.push(tps);
    this.inputTokens += num(r.input_tokens) ?? 0;
    this.outputTokens += num(r.output_tokens) ?? 0;
    this.spendUsd += num(r.spend_usd) ?? 0;
  }

  merge(other: Group): void {
    this.requests += other.requests;
    this.errors += other.errors;
    this.aborted += other.aborted;
    for (const v of other.ttft) this.ttft.push(v);
    for (const v of other.duration) this.duration.push(v);
    for (const v of other.tps) this.tps.push(v);
    this.inputTokens += other.inputTokens;
    this.outputTokens += other.outputTokens;
    this.spendUsd += other.spendUsd;
  }

  row(): JournalSummaryRow {
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const ttft = sorted(this.ttft);
    const duration = sorted(this.duration);
    const tps = sorted(this.tps);
    return {
      model: this.model,
      backend: this.backend,
      requests: this.requests,
      errors: this.errors,
      aborted: this.aborted,
      errorRate: this.requests ? this.errors / this.requests : 0,
      ttftP50: percentile(ttft, 50),
      ttftP95: percentile(ttft, 95),
      durationP50: percentile(duration, 50),
      durationP95: percentile(duration, 95),
      tokensPerSecondP50: percentile(tps, 50),
      tokensPerSecondMean: tps.length ? tps.reduce((a, b) => a + b, 0) / tps.length : null,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      spendUsd: Math.round(this.spendUsd * 1e6) / 1e6,
    };
  }
}

/** The nearest-rank percentile of ascending values (null when there are none). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Accumulates journal lines (from any number of files, rotated ones too) into a summary. */
export class JournalSummarizer {
  private readonly groups = new Map<string, Group>();
  private lines = 0;
  private skipped = 0;
  private readonly skippedAt: string[] = [];
  private firstTs: string | null = null;
  private lastTs: string | null = null;

  /** Adds one line; returns false when it was skipped (not a journal line). Blank lines are ignored. */
  add(line: string, where?: string): boolean {
    const text = line.trim();
    if (text === '') return true;
    let r: unknown;
    try {
      r = JSON.parse(text);
    } catch {
      return this.skip(where);
    }
    if (typeof r !== 'object' || r === null || Array.isArray(r)) return this.skip(where);
    const rec = r as Record<string, unknown>;
    const status = rec.status;
    if (typeof status !== 'number' || !Number.isInteger(status) || typeof rec.request_id !== 'string') return this.skip(where);
    const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
    const model = str(rec.virtual_model) ?? str(rec.real_model) ?? UNROUTED;
    const backend = str(rec.backend) ?? '-';
    const key = `${model}\u0000${backend}`;
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = new Group(model, backend)));
    g.add(rec, status);
    this.lines++;
    const ts = str(rec.ts);
    if (ts) {
      if (this.firstTs === null || ts < this.firstTs) this.firstTs = ts;
      if (this.lastTs === null || ts > this.lastTs) this.lastTs = ts;
    }
    return true;
  }

  summary(): JournalSummary {
    const total = new Group('(all)', '');
    const groups = [...this.groups.values()];
    for (const g of groups) total.merge(g);
    const rows = groups
      .map((g) => g.row())
      .sort((a, b) => b.requests - a.requests || a.model.localeCompare(b.model) || a.backend.localeCompare(b.backend));
    return {
      rows,
      total: total.row(),
      lines: this.lines,
      skipped: this.skipped,
      skippedAt: [...this.skippedAt],
      firstTs: this.firstTs,
      lastTs: this.lastTs,
    };
  }

  private skip(where: string | undefined): false {
    this.skipped++;
    if (where && this.skippedAt.length < 5) this.skippedAt.push(where);
    return false;
  }
}

/** A summary of journal lines (pure). */
export function summarizeJournalLines(lines: Iterable<string>): JournalSummary {
  const s = new JournalSummarizer();
  let n = 0;
  for (const line of lines) s.add(line, `line ${++n}`);
  return s.summary();
}

function ms(v: number | null): string {
  if (v === null) return '-';
  if (v < 1000) return `${Math.round(v)} ms`;
  return `${(v / 1000).toFixed(2)} s`;
}

function pct(rate: number): string {
  const p = rate * 100;
  return `${p === 0 || p >= 10 ? p.toFixed(0) : p.toFixed(1)}%`;
}

const COLUMNS = [
  'MODEL',
  'BACKEND',
  'REQUESTS',
  'ERRORS',
  'ERROR %',
  'ABORTED',
  'TTFT p50',
  'TTFT p95',
  'DURATION p50',
  'DURATION p95',
  'TOK/S p50',
  'SPEND USD',
];
/** Left-aligned columns (the rest are numbers, right-aligned). */
const LEFT = new Set([0, 1]);

function cells(r: JournalSummaryRow): string[] {
  return [
    r.model,
    r.backend,
    String(r.requests),
    String(r.errors),
    pct(r.errorRate),
    String(r.aborted),
    ms(r.ttftP50),
    ms(r.ttftP95),
    ms(r.durationP50),
    ms(r.durationP95),
    r.tokensPerSecondP50 === null ? '-' : r.tokensPerSecondP50.toFixed(1),
    r.spendUsd.toFixed(4),
  ];
}

/** The summary as a text table, one row per (model, backend), then the total. */
export function formatJournalSummary(s: JournalSummary): string {
  if (s.lines === 0) return `No requests in the journal${s.skipped ? ` (${s.skipped} bad line(s) skipped)` : ''}.\n`;
  const body = s.rows.map(cells);
  const table = [COLUMNS, ...body, cells(s.total)];
  const widths = COLUMNS.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const fmt = (row: string[]) =>
    row
      .map((c, i) => (LEFT.has(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const range = s.firstTs && s.lastTs ? `, ${s.firstTs} .. ${s.lastTs}` : '';
  const lines = [`${s.lines} request(s)${range}`, '', fmt(COLUMNS), ...body.map(fmt), rule, fmt(cells(s.total))];
  if (s.skipped) lines.push('', `${s.skipped} bad line(s) skipped${s.skippedAt.length ? ` (first: ${s.skippedAt.join(', ')})` : ''}`);
  return `${lines.join('\n')}\n`;
}

export function journalUsageText(): string {
  return `Usage: switchyard journal summary [--json] FILE...

Summarises request journal files (journal.path; rotated ones too, plain or .gz; "-" reads stdin;
a directory means every *.jsonl / *.jsonl.gz in it): per model and backend, the number of
requests, errors (status >= 400, client aborts counted apart), TTFT and duration p50/p95
and the median output tokens per second. Lines that are not journal lines are skipped and counted.

  --json   print the summary as JSON
`;
}

export interface CommandIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin?: Readable;
}

/** The files to read for one FILE argument: a directory's journal files, sorted; else the argument. */
function expand(arg: string): string[] {
  if (arg === '-') return [arg];
  let st;
  try {
    st = statSync(arg);
  } catch {
    return [arg]; // reported when opened
  }
  if (!st.isDirectory()) return [arg];
  return readdirSync(arg)
    .filter((n) => /\.jsonl(\.gz)?$/.test(n))
    .sort()
    .map((n) => path.join(arg, n));
}

async function readInto(s: JournalSummarizer, file: string, io: CommandIO): Promise<void> {
  const source: Readable = file === '-' ? (io.stdin ?? process.stdin) : createReadStream(file);
  const input: Readable = file.endsWith('.gz') ? source.pipe(createGunzip()) : source;
  const failed = new Promise<never>((_, reject) => {
    source.once('error', reject);
    input.once('error', reject);
  });
  const rl = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  const name = file === '-' ? 'stdin' : file;
  failed.catch(() => undefined);
  const read = (async () => {
    for await (const line of rl) s.add(line, `${name}:${++n}`);
  })();
  read.catch(() => undefined);
  try {
    await Promise.race([read, failed]);
  } finally {
    rl.close();
    if (file !== '-') source.destroy();
  }
}

/** `switchyard journal …`: returns the exit code (0 ok, 1 a file could not be read, 2 usage). */
export async function runJournalCommand(argv: readonly string[], io: CommandIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    (sub === undefined ? io.stderr : io.stdout).write(journalUsageText());
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'summary') {
    io.stderr.write(`switchyard: unknown journal command "${sub}"\n\n${journalUsageText()}`);
    return 2;
  }
  let json = false;
  const files: string[] = [];
  let onlyFiles = false;
  for (const a of rest) {
    if (!onlyFiles && a === '--') onlyFiles = true;
    else if (!onlyFiles && (a === '--help' || a === '-h')) {
      io.stdout.write(journalUsageText());
      return 0;
    } else if (!onlyFiles && a === '--json') json = true;
    else if (!onlyFiles && a.startsWith('-') && a !== '-') {
      io.stderr.write(`switchyard: unknown option ${a}\n\n${journalUsageText()}`);
      return 2;
    } else files.push(a);
  }
  if (files.length === 0) {
    io.stderr.write(`switchyard: journal summary needs at least one FILE\n\n${journalUsageText()}`);
    return 2;
  }
  const s = new JournalSummarizer();
  let code = 0;
  for (const file of files.flatMap(expand)) {
    try {
      await readInto(s, file, io);
    } catch (err) {
      io.stderr.write(`switchyard: cannot read ${file}: ${(err as Error).message}\n`);
      code = 1;
    }
  }
  const summary = s.summary();
  io.stdout.write(json ? `${JSON.stringify(summary, null, 2)}\n` : formatJournalSummary(summary));
  if (summary.skipped > 0 && json) io.stderr.write(`switchyard: ${summary.skipped} bad line(s) skipped\n`);
  return code;
}
