/**
 * `npm run soak` (issue #14 item 8): rounds of concurrent streams through the gateway's three lanes
 * (OpenAI passthrough, Anthropic → openai translated, Responses → chat), with client aborts at
 * random points and upstream faults (reset, stall, malformed SSE, 5xx, 429, drop). After each
 * round it checks one journal line per request with the status the client saw, the
 * active-requests gauge back to 0, the gateway's file descriptors and the upstream connections
 * back to their baseline, and the heap after a forced GC; at the end, the last round's heap
 * within 10 % of the first's. Prints the figures; exit code 0 when every check held.
 *
 *   npm run soak                     # 10 rounds × 900 streams, 48 at a time
 *   npm run soak -- --short          # ≤ 60 s: 3 rounds × 60 streams, 8 at a time (the test suite runs this)
 *   npm run soak -- --rounds 5 --streams 300 --concurrency 32 --seed 7 --json result.json
 *
 * All traffic stays on 127.0.0.1: the fake upstream and the gateway are started here.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runExchange, type ExchangePlan } from './soak-client.js';
import { judgeStatus, type ClientOutcome, type Verdict } from './soak-expectations.js';
import { startSoakGateway, type SoakGateway } from './soak-gateway.js';
import { LANES } from './soak-lanes.js';
import { FAULTS, startSoakUpstream, type Fault, type SoakUpstream } from './soak-upstream.js';

interface SoakOptions {
  rounds: number;
  streams: number;
  concurrency: number;
  abortRatio: number;
  seed: number;
  json?: string;
}

export interface RoundFigures {
  round: number;
  requests: number;
  seconds: number;
  outcomes: Record<string, number>;
  faults: Record<string, number>;
  journalLines: number;
  missingLines: number;
  duplicateLines: number;
  wrongStatus: number;
  activeAfter: number;
  fdsAfter: number;
  upstreamConnectionsAfter: number;
  heapAfterGcBytes: number;
  /** `lane/fault` → `what the client saw → journal status` → count. */
  matrix: Record<string, Record<string, number>>;
  problems: string[];
}

export interface SoakResult {
  ok: boolean;
  options: SoakOptions;
  baseline: { fds: number; upstreamConnections: number; heapAfterGcBytes: number };
  rounds: RoundFigures[];
  heapGrowthPercent: number;
  problems: string[];
}

/** Upstream stall → the gateway's timeout_seconds (kept short so stalls end quickly). */
const UPSTREAM_TIMEOUT_SECONDS = 1;
/** How long the gauges, descriptors and connections may take to settle after a round. */
const SETTLE_MS = 15_000;
/** Heap after GC may grow this much from the first round to the last. */
const HEAP_TOLERANCE = 0.1;
/** Share of `ok` among the faults; the rest are spread evenly. */
const OK_SHARE = 0.4;

function parseOptions(argv: string[]): SoakOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      short: { type: 'boolean' },
      rounds: { type: 'string' },
      streams: { type: 'string' },
      concurrency: { type: 'string' },
      'abort-ratio': { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'string' },
    },
    strict: true,
  });
  const short = values.short === true;
  const num = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));
  const opts: SoakOptions = {
    rounds: num(values.rounds, short ? 3 : 10),
    streams: num(values.streams, short ? 60 : 900),
    concurrency: num(values.concurrency, short ? 8 : 48),
    abortRatio: num(values['abort-ratio'], 0.25),
    seed: num(values.seed, Date.now() % 1_000_000),
  };
  if (values.json) opts.json = values.json;
  for (const [k, v] of Object.entries(opts)) if (k !== 'json' && !Number.isFinite(v as number)) throw new Error(`--${k}: not a number`);
  if (opts.rounds < 2) throw new Error('--rounds: at least 2 (the heap is compared across rounds)');
  return opts;
}

/** mulberry32: a small seeded PRNG, so a run can be repeated with --seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pickFault(random: () => number): Fault {
  const r = random();
  if (r < OK_SHARE) return 'ok';
  const others = FAULTS.filter((f) => f !== 'ok');
  return others[Math.min(others.length - 1, Math.floor(((r - OK_SHARE) / (1 - OK_SHARE)) * others.length))]!;
}

/** Statuses the gateway may have finished with before it noticed a client abort. */
function statusesWithoutAbort(fault: Fault): number[] {
  switch (fault) {
    case 'ok':
      return [200];
    case '5xx':
      return [503];
    case '429':
      return [429];
    case 'drop':
      return [502];
    default:
      return [500, 502, 503, 504];
  }
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

async function settle(check: () => Promise<boolean> | boolean): Promise<boolean> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const count = (map: Record<string, number>, key: string) => void (map[key] = (map[key] ?? 0) + 1);

async function runRound(
  round: number,
  opts: SoakOptions,
  random: () => number,
  gateway: SoakGateway,
  upstream: SoakUpstream,
  baseline: SoakResult['baseline'],
): Promise<RoundFigures> {
  const started = Date.now();
  const plans: Array<ExchangePlan & { fault: Fault }> = [];
  for (let i = 0; i < opts.streams; i++) {
    const plan: ExchangePlan & { fault: Fault } = {
      requestId: `soak-${opts.seed}-r${round}-${i}`,
      lane: LANES[i % LANES.length]!,
      fault: pickFault(random),
    };
    if (random() < opts.abortRatio) plan.abortAfterMs = Math.floor(random() * 120);
    upstream.assign(plan.requestId, plan.fault);
    plans.push(plan);
  }
  const outcomes = new Map<string, ClientOutcome>();
  const problems: string[] = [];
  await pool(plans, opts.concurrency, async (plan) => {
    try {
      outcomes.set(plan.requestId, await runExchange(gateway.url, plan));
    } catch (err) {
      problems.push(`${plan.requestId} (${plan.lane}, ${plan.fault}): the client failed: ${(err as Error).message}`);
    }
  });
  const seconds = (Date.now() - started) / 1000;

  // The journal: one line per request the gateway got, with the status the client saw.
  const ids = new Set(plans.map((p) => p.requestId));
  let lines: Array<Record<string, unknown>> = [];
  await settle(() => {
    lines = gateway.journal().filter((l) => ids.has(String(l.request_id)));
    return new Set(lines.map((l) => l.request_id)).size >= outcomes.size;
  });
  const byId = new Map<string, Array<Record<string, unknown>>>();
  for (const l of lines) byId.set(String(l.request_id), [...(byId.get(String(l.request_id)) ?? []), l]);
  const figures: RoundFigures = {
    round,
    requests: plans.length,
    seconds,
    outcomes: {},
    faults: {},
    journalLines: lines.length,
    missingLines: 0,
    duplicateLines: 0,
    wrongStatus: 0,
    activeAfter: NaN,
    fdsAfter: NaN,
    upstreamConnectionsAfter: NaN,
    heapAfterGcBytes: NaN,
    matrix: {},
    problems,
  };
  for (const plan of plans) {
    count(figures.faults, plan.fault);
    const outcome = outcomes.get(plan.requestId);
    if (!outcome) continue;
    count(figures.outcomes, outcome.kind === 'status' ? `http ${outcome.status}` : outcome.kind);
    const got = byId.get(plan.requestId) ?? [];
    if (got.length === 0) {
      figures.missingLines++;
      problems.push(`${plan.requestId} (${plan.lane}, ${plan.fault}): no journal line (client saw ${JSON.stringify(outcome)})`);
      continue;
    }
    if (got.length > 1) {
      figures.duplicateLines++;
      problems.push(`${plan.requestId}: ${got.length} journal lines`);
    }
    const status = Number(got[0]!.status);
    const seen = outcome.kind === 'status' ? `http ${outcome.status}` : outcome.kind;
    count((figures.matrix[`${plan.lane}/${plan.fault}`] ??= {}), `${seen} → ${status}`);
    const verbatim = plan.lane === 'passthrough' && plan.fault === 'malformed';
    const verdict: Verdict = judgeStatus(outcome, status, statusesWithoutAbort(plan.fault), verbatim);
    if (verdict === 'wrong') {
      figures.wrongStatus++;
      problems.push(
        `${plan.requestId} (${plan.lane}, ${plan.fault}): journal status ${status} (error ${JSON.stringify(got[0]!.error)}), client saw ${JSON.stringify(outcome)}`,
      );
    }
  }

  // Gauges, descriptors, connections back to baseline; then the heap after a forced GC.
  await settle(async () => (figures.activeAfter = await gateway.activeRequests()) === 0);
  if (figures.activeAfter !== 0) problems.push(`switchyard_requests_active is ${figures.activeAfter} after the round`);
  await settle(async () => (figures.upstreamConnectionsAfter = await upstream.connections()) <= baseline.upstreamConnections);
  if (figures.upstreamConnectionsAfter > baseline.upstreamConnections) {
    problems.push(`${figures.upstreamConnectionsAfter} upstream connections open (baseline ${baseline.upstreamConnections})`);
  }
  await settle(() => (figures.fdsAfter = gateway.fds()) <= baseline.fds);
  if (figures.fdsAfter > baseline.fds) problems.push(`${figures.fdsAfter} file descriptors open (baseline ${baseline.fds})`);
  figures.heapAfterGcBytes = await gateway.heapAfterGc();
  upstream.fake.reset();
  return figures;
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

function printRound(f: RoundFigures, baseline: SoakResult['baseline']): void {
  const outcomes = Object.entries(f.outcomes)
    .sort()
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  process.stdout.write(
    `round ${f.round}: ${f.requests} streams in ${f.seconds.toFixed(1)} s (${outcomes}); journal ${f.journalLines} lines, ` +
      `missing ${f.missingLines}, duplicate ${f.duplicateLines}, wrong status ${f.wrongStatus}; ` +
      `active ${f.activeAfter}; fds ${f.fdsAfter} (baseline ${baseline.fds}); upstream connections ${f.upstreamConnectionsAfter} ` +
      `(baseline ${baseline.upstreamConnections}); heap after GC ${mb(f.heapAfterGcBytes)} MB\n`,
  );
  for (const p of f.problems.slice(0, 10)) process.stdout.write(`  ✗ ${p}\n`);
  if (f.problems.length > 10) process.stdout.write(`  … and ${f.problems.length - 10} more\n`);
}

/** All rounds: per lane and fault, what the client saw → the journal's status. */
function printMatrix(rounds: RoundFigures[]): void {
  const total: Record<string, Record<string, number>> = {};
  for (const f of rounds) {
    for (const [cell, counts] of Object.entries(f.matrix)) {
      for (const [k, v] of Object.entries(counts)) (total[cell] ??= {})[k] = (total[cell]?.[k] ?? 0) + v;
    }
  }
  process.stdout.write('lane/fault: client saw → journal status (count)\n');
  for (const cell of Object.keys(total).sort()) {
    const parts = Object.entries(total[cell]!)
      .sort()
      .map(([k, v]) => `${k} (${v})`);
    process.stdout.write(`  ${cell.padEnd(24)} ${parts.join(', ')}\n`);
  }
}

export async function runSoak(opts: SoakOptions): Promise<SoakResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-soak-'));
  const upstream = await startSoakUpstream();
  let gateway: SoakGateway | undefined;
  try {
    gateway = await startSoakGateway({ dir, upstreamUrl: upstream.fake.url, upstreamTimeoutSeconds: UPSTREAM_TIMEOUT_SECONDS });
    const g = gateway;
    // Idle first: the start-up model listing's keep-alive connection closes after the fake's 1 s.
    await settle(async () => (await upstream.connections()) === 0);
    const baseline = { fds: g.fds(), upstreamConnections: await upstream.connections(), heapAfterGcBytes: await g.heapAfterGc() };
    process.stdout.write(
      `soak: ${opts.rounds} rounds × ${opts.streams} streams, ${opts.concurrency} at a time, ${Math.round(opts.abortRatio * 100)} % aborted, ` +
        `seed ${opts.seed}; lanes ${LANES.join(', ')}; faults ${FAULTS.join(', ')}\n` +
        `baseline: fds ${baseline.fds}, upstream connections ${baseline.upstreamConnections}, heap after GC ${mb(baseline.heapAfterGcBytes)} MB\n`,
    );
    const random = prng(opts.seed);
    const rounds: RoundFigures[] = [];
    for (let r = 1; r <= opts.rounds; r++) {
      const f = await runRound(r, opts, random, g, upstream, baseline);
      rounds.push(f);
      printRound(f, baseline);
    }
    printMatrix(rounds);
    const first = rounds[0]!.heapAfterGcBytes;
    const last = rounds.at(-1)!.heapAfterGcBytes;
    const heapGrowthPercent = ((last - first) / first) * 100;
    const problems = rounds.flatMap((f) => f.problems.map((p) => `round ${f.round}: ${p}`));
    if (last > first * (1 + HEAP_TOLERANCE)) {
      problems.push(
        `heap after GC grew ${heapGrowthPercent.toFixed(1)} % from round 1 to round ${rounds.length} (limit ${HEAP_TOLERANCE * 100} %)`,
      );
    }
    process.stdout.write(
      `heap after GC: round 1 ${mb(first)} MB, round ${rounds.length} ${mb(last)} MB (${heapGrowthPercent >= 0 ? '+' : ''}${heapGrowthPercent.toFixed(1)} %)\n`,
    );
    const ok = problems.length === 0;
    process.stdout.write(ok ? 'soak: every check held\n' : `soak: ${problems.length} problem(s)\n`);
    return { ok, options: opts, baseline, rounds, heapGrowthPercent, problems };
  } finally {
    const code = await gateway?.stop();
    if (code !== undefined && code !== 0) process.stderr.write(`soak: the gateway exited with ${code}\n${gateway?.stderr() ?? ''}`);
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  let opts: SoakOptions;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`soak: ${(err as Error).message}\n`);
    process.exit(2);
  }
  runSoak(opts).then(
    (result) => {
      if (opts.json) writeFileSync(opts.json, JSON.stringify(result, null, 2));
      process.exitCode = result.ok ? 0 : 1;
    },
    (err: unknown) => {
      process.stderr.write(`soak: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
