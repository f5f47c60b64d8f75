/**
 * Memory of the gateway per idle process and per open stream (issue #19), without the full bench:
 *
 *   node bench/dist/measure-stream-memory.js [--streams 500] [--lane passthrough|anthropic]
 *     [--chunks 20] [--gap-ms 1000] [--churn-ms 0] [--body-kb 0] [--rounds 1] [--snapshot-dir DIR] [--gateway a/main.js,b/main.js]
 *
 * Starts the bench upstream (its burst port paced `--gap-ms` apart, `--chunks` chunks, so a stream
 * stays open chunks × gap ms) and the gateway with the bench's configuration (switchyardConfig:
 * a virtual model with a profile, journal and metrics on), warms it up with a few streams, then
 * opens `--streams` streams at once and reads the gateway's memory: idle (after the warm-up), with
 * every stream open (after its first chunk and one more gap), and after they all ended. Each
 * reading is VmRSS as the bench reads it (no collection first), then, after a full GC
 * (`--expose-gc`), VmRSS, heapUsed, external and arrayBuffers (memory-preload.ts, on SIGWINCH).
 * With `--snapshot-dir`, a heap snapshot is written idle and with the streams open
 * (`--heapsnapshot-signal`; compare them with heap-snapshot-summary.js). With several `--gateway`
 * builds, rounds alternate between them (A, B, A, B, …), one fresh process per round. Streams are
 * opened 50 at a time, and the load is one paced stream per open connection: light on the CPU.
 * With `--body-kb 88`, every request is a Claude-Code-sized one (large-request-body.ts).
 * With `--churn-ms` (e.g. 6000 with `--gap-ms 40`: the bench's burst cell), the streams are not
 * held but renewed: each of the `--streams` workers opens its next stream when the last ended,
 * and the "open" reading is taken half-way, as the bench takes its RSS (allocation and garbage
 * included: heavier on the CPU).
 */
import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { freePort, spawnPinned, waitForHttp, type BenchProcess, type Pinning } from './processes.js';
import type { MemoryReading } from './memory-preload.js';
import { pathOf, requestBody, streamEndOf, type Scenario } from './scenarios.js';
import { switchyardConfig } from './switchyard-target.js';
import { UPSTREAM_MODEL } from './targets.js';

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '500' },
    lane: { type: 'string', default: 'passthrough' },
    chunks: { type: 'string', default: '20' },
    'gap-ms': { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '1' },
    'churn-ms': { type: 'string', default: '0' },
    'body-kb': { type: 'string', default: '0' },
    'snapshot-dir': { type: 'string' },
    gateway: { type: 'string' },
  },
});
const STREAMS = Number(values.streams);
const CHUNKS = Number(values.chunks);
const GAP_MS = Number(values['gap-ms']);
const ROUNDS = Number(values.rounds);
const CHURN_MS = Number(values['churn-ms']);
const GATEWAYS = (values.gateway ?? fileURLToPath(new URL('../../apps/gateway/dist/main.js', import.meta.url)))
  .split(',')
  .map((p) => resolve(p));
if (values.lane !== 'passthrough' && values.lane !== 'anthropic') throw new Error('--lane: passthrough or anthropic');
const SCENARIO: Scenario = {
  id: values.lane,
  label: values.lane,
  stream: true,
  pacing: 'burst',
  client: values.lane === 'anthropic' ? 'anthropic.messages' : 'openai.chat',
  concurrency: [STREAMS],
  // --body-kb: a Claude-Code-sized request (system prompt and tools) of that size instead of a short one.
  ...(Number(values['body-kb']) > 0 ? { claudeCode: true, bodyBytes: Number(values['body-kb']) * 1024 } : {}),
};
const NO_PIN: Pinning = { enabled: false, loadCore: 0, proxyCore: 0 };
const workDir = join(tmpdir(), `switchyard-mem-${process.pid}`);
mkdirSync(workDir, { recursive: true });

/** The gateway's reading: as it is (what the bench's RSS sees), and after a full GC. */
interface Reading {
  live: MemoryReading;
  collected: MemoryReading;
}

function readMemory(proc: BenchProcess): Promise<Reading> {
  return proc.report<Reading>('SIGWINCH', 'benchMemory', 30_000);
}

/** Writes a heap snapshot (Node's --heapsnapshot-signal) and renames it `<name>.heapsnapshot`. */
async function heapSnapshot(proc: BenchProcess, dir: string, name: string): Promise<void> {
  const before = new Set(readdirSync(dir));
  process.kill(proc.pid, 'SIGUSR2');
  // The snapshot is complete when a new file appears and the memory line after it answers (the loop is free again).
  for (let i = 0; i < 600 && !readdirSync(dir).some((f) => !before.has(f) && f.endsWith('.heapsnapshot')); i++)
    await new Promise((r) => setTimeout(r, 100));
  await readMemory(proc);
  const file = readdirSync(dir).find((f) => !before.has(f) && f.endsWith('.heapsnapshot'));
  if (file) renameSync(join(dir, file), join(dir, `${name}.heapsnapshot`));
}

/** One stream; `first` settles on its first body byte, `done` when it ended (true: complete, with its end marker). */
function openStream(pool: Pool, model: string): { first: Promise<void>; done: Promise<boolean> } {
  let onFirst!: () => void;
  const first = new Promise<void>((r) => (onFirst = r));
  const done = (async () => {
    try {
      const body = requestBody(SCENARIO, model);
      const res = await pool.request({ method: 'POST', path: pathOf(SCENARIO), headers: { 'content-type': 'application/json' }, body });
      let tail = '';
      for await (const chunk of res.body) {
        onFirst();
        tail = (tail + (chunk as Buffer).toString()).slice(-200);
      }
      return res.statusCode === 200 && tail.includes(streamEndOf(SCENARIO));
    } catch {
      return false;
    } finally {
      onFirst();
    }
  })();
  return { first, done };
}

/** `count` streams, opened `step` at a time; resolves when all have their first byte, with their ends. */
async function openStreams(pool: Pool, model: string, count: number, step: number): Promise<Promise<boolean>[]> {
  const all: Promise<boolean>[] = [];
  for (let i = 0; i < count; i += step) {
    const batch = Array.from({ length: Math.min(step, count - i) }, () => openStream(pool, model));
    await Promise.all(batch.map((s) => s.first));
    all.push(...batch.map((s) => s.done));
  }
  return all;
}

/** The bench's burst: STREAMS workers each opening its next stream when the last ended, for `ms`; `atHalf` runs half-way. */
async function churn(pool: Pool, model: string, ms: number, atHalf: () => Promise<void>): Promise<{ complete: number; failed: number }> {
  const deadline = performance.now() + ms;
  const counts = { complete: 0, failed: 0 };
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      if (await openStream(pool, model).done) counts.complete++;
      else counts.failed++;
    }
  };
  const half = new Promise((r) => setTimeout(r, ms / 2)).then(atHalf);
  await Promise.all([...Array.from({ length: STREAMS }, worker), half]);
  return counts;
}

const MiB = 1024 * 1024;
const fmt = (bytes: number) => (bytes / MiB).toFixed(1);

function describe(label: string, r: Reading): string {
  const l = r.live;
  const c = r.collected;
  const space = (m: MemoryReading, name: string) => fmt(m.spaces[name]?.size ?? 0);
  return (
    `${label}: RSS ${fmt(l.vmRss)} MiB (heapTotal ${fmt(l.heapTotal)}: new ${space(l, 'new_space')}, old ${space(l, 'old_space')}, ` +
    `code ${space(l, 'code_space')}, large ${space(l, 'large_object_space')}; heapUsed ${fmt(l.heapUsed)}; external ${fmt(l.external)}, arrayBuffers ${fmt(l.arrayBuffers)}); ` +
    `after GC: RSS ${fmt(c.vmRss)}, heapTotal ${fmt(c.heapTotal)}, heapUsed ${fmt(c.heapUsed)}, external ${fmt(c.external)}, arrayBuffers ${fmt(c.arrayBuffers)} MiB`
  );
}

type RoundResult = Record<'idleRss' | 'idleHeap' | 'perStreamRss' | 'perStreamRssGc' | 'perStreamHeap' | 'perStreamExternal', number>;

async function round(upstream: { burst: string; fast: string }, gateway: string, n: number): Promise<RoundResult> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const config = switchyardConfig(
    { fast: upstream.fast, paced: upstream.burst, burst: upstream.burst, anthropic: upstream.fast },
    port,
    metricsPort,
    {},
    join(workDir, `journal-${port}.jsonl`),
  );
  const configFile = join(workDir, `config-${port}.json`);
  writeFileSync(configFile, JSON.stringify(config, null, 2) + '\n');
  const snapshotDir = values['snapshot-dir'] ? resolve(values['snapshot-dir']) : undefined;
  if (snapshotDir) mkdirSync(snapshotDir, { recursive: true });
  const flags = [
    '--expose-gc',
    '--import',
    new URL('./memory-preload.js', import.meta.url).href,
    ...(snapshotDir ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDir}`] : []),
  ];
  const args = [...flags, gateway, '--config', configFile, '--listen', `127.0.0.1:${port}`, '--metrics-listen', `127.0.0.1:${metricsPort}`];
  const proc = spawnPinned('switchyard', NO_PIN, 0, process.execPath, args);
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: STREAMS + 50, headersTimeout: 60_000, bodyTimeout: 120_000 });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/readyz`, 40_000, proc);
    const started = await readMemory(proc);
    // Warm-up: streams through the fast port, so that lazily loaded code and caches are in place.
    const warm = await openStreams(pool, 'bench', 100, 25);
    if (!(await Promise.all(warm)).every(Boolean)) throw new Error('warm-up: a stream through the fast port failed');
    const idle = await readMemory(proc);
    const tag = `round${n}-gateway${GATEWAYS.indexOf(gateway)}`;
    if (snapshotDir) await heapSnapshot(proc, snapshotDir, `${tag}-idle`);
    let open: Reading;
    let how: string;
    if (CHURN_MS > 0) {
      let half: Reading | undefined;
      const counts = await churn(pool, 'bench-burst', CHURN_MS, async () => void (half = await readMemory(proc)));
      if (counts.failed > 0 || !half) throw new Error(`${counts.failed} streams failed`);
      open = half;
      how = `${STREAMS} streams open at any time for ${CHURN_MS} ms (${counts.complete} streams), read half-way`;
    } else {
      const t0 = performance.now();
      const ends = await openStreams(pool, 'bench-burst', STREAMS, 50);
      const openedMs = performance.now() - t0;
      if (openedMs > GAP_MS * (CHUNKS - 4)) throw new Error(`opening took ${openedMs.toFixed(0)} ms: streams may already be ending`);
      await new Promise((r) => setTimeout(r, GAP_MS + 100));
      open = await readMemory(proc);
      if (snapshotDir) await heapSnapshot(proc, snapshotDir, `${tag}-open`);
      const complete = (await Promise.all(ends)).filter(Boolean).length;
      if (complete !== STREAMS) throw new Error(`${STREAMS - complete} of ${STREAMS} streams did not complete`);
      how = `${STREAMS} streams opened in ${openedMs.toFixed(0)} ms and held open`;
    }
    await new Promise((r) => setTimeout(r, 500));
    const after = await readMemory(proc);
    const per = (a: number, b: number) => (a - b) / STREAMS;
    const result: RoundResult = {
      idleRss: idle.live.vmRss,
      idleHeap: idle.collected.heapUsed,
      perStreamRss: per(open.live.vmRss, idle.live.vmRss),
      perStreamRssGc: per(open.collected.vmRss, idle.collected.vmRss),
      perStreamHeap: per(open.collected.heapUsed, idle.collected.heapUsed),
      perStreamExternal: per(open.collected.external, idle.collected.external),
    };
    process.stdout.write(
      [
        `round ${n}, ${gateway}, lane ${values.lane}: ${how}`,
        describe('  started', started),
        describe('  idle   ', idle),
        describe('  open   ', open),
        describe('  closed ', after),
        `  per 1,000 open streams: RSS +${fmt(result.perStreamRss * 1000)} MiB (after GC +${fmt(result.perStreamRssGc * 1000)}), ` +
          `heapUsed after GC +${fmt(result.perStreamHeap * 1000)}, external +${fmt(result.perStreamExternal * 1000)} MiB`,
        '',
      ].join('\n'),
    );
    return result;
  } finally {
    await pool.close();
    await proc.stop(10_000);
  }
}

const upstreamProc = spawnPinned('bench upstream', NO_PIN, 0, process.execPath, [
  fileURLToPath(new URL('./bench-upstream.js', import.meta.url)),
  '--chunks',
  String(CHUNKS),
  '--burst-gap-ms',
  String(GAP_MS),
  '--model',
  UPSTREAM_MODEL,
]);
try {
  const upstream = await upstreamProc.waitForLine((line) => {
    try {
      return JSON.parse(line) as { burst: string; fast: string };
    } catch {
      return undefined;
    }
  }, 10_000);
  const results = new Map<string, RoundResult[]>();
  for (let r = 0; r < ROUNDS; r++) {
    for (const gateway of GATEWAYS) {
      const res = await round(upstream, gateway, r + 1);
      results.set(gateway, [...(results.get(gateway) ?? []), res]);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  for (const [gateway, rs] of results) {
    const m = (k: keyof RoundResult, scale: number) => {
      const xs = rs.map((x) => x[k]! / scale);
      return `${median(xs).toFixed(1)} (min ${Math.min(...xs).toFixed(1)})`;
    };
    process.stdout.write(
      `summary ${gateway}, ${rs.length} round(s), median (min): idle RSS ${m('idleRss', MiB)} MiB, ` +
        `idle heapUsed ${m('idleHeap', MiB)} MiB; per open stream: RSS ${m('perStreamRss', 1024)} KiB, after GC ${m('perStreamRssGc', 1024)} KiB, ` +
        `heapUsed ${m('perStreamHeap', 1024)} KiB, external ${m('perStreamExternal', 1024)} KiB\n`,
    );
  }
} finally {
  await upstreamProc.stop();
}
