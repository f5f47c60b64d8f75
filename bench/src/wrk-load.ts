/**
 * wrk (C, event-driven; the Debian package `wrk` 4.1) as the load generator of the non-streaming
 * cells. The Node generator (load-generator.ts) saturates the load core at c ≥ 16 against nginx
 * and the floor, so those cells measured the generator; wrk sends the same requests for a
 * fraction of the CPU. Streamed cells keep the Node generator: it measures TTFT and checks each
 * stream's last event, which wrk cannot.
 *
 * wrk reports percentiles, not per-request latencies: a run's result is read from one JSON line
 * that the script's `done(summary, latency, requests)` prints.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadSpec } from './load-generator.js';
import { childrenCpuMicros } from './proc-usage.js';
import { spawnPinned, type Pinning } from './processes.js';

/** Which program drives a cell. */
export type LoadGenerator = 'node' | 'wrk';
/** `--load`: `auto` = wrk for the non-streaming cells when it is on PATH, else node. */
export type LoadOption = LoadGenerator | 'auto';

/** What the script's `done()` prints (wrk's own units: µs). */
export interface WrkSummary {
  requests: number;
  durationUs: number;
  bytes: number;
  /** `status`: answers with HTTP status ≥ 400 (wrk's rule); the others are socket errors. */
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latencyUs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** Checking runs only (the preflight): answers that were not HTTP 200, 200s without the reply mark, the first bad status. */
  check?: { non200: number; unmarked: number; firstStatus: number };
}

/** A wrk run in the shape the cell needs (latencies in ms, percentiles only). */
export interface WrkLoadResult {
  generator: 'wrk';
  /** wrk's requests minus its answers with an error status. */
  completed: number;
  /** Error statuses + connect, read, write and timeout errors. */
  errors: number;
  firstError?: string;
  elapsedMs: number;
  latency: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** CPU of the wrk process over the measured run (µs): the load core's share that is not the bench's own. */
  generatorCpuUs: number;
  /** Answers wrk read in the warm-up and the measured run together (what the target should have counted). */
  answered: number;
}

/** Seconds for wrk's `-d` (whole seconds, at least 1). */
export const wrkSeconds = (ms: number): number => Math.max(1, Math.round(ms / 1000));

/**
 * A Lua string literal holding `value` byte for byte: printable ASCII as it is (with `\` and `"`
 * escaped), every other byte (control characters, CR/LF, UTF-8 sequences) as a three-digit
 * decimal escape `\ddd` (Lua 5.1 / LuaJIT, which wrk embeds). Unlike a long bracket `[[…]]`,
 * this keeps a leading newline and CR/LF pairs exactly as they are.
 */
export function luaString(value: Buffer | string): string {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  let out = '"';
  let run = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c) continue;
    out += bytes.toString('latin1', run, i) + '\\' + String(b).padStart(3, '0');
    run = i + 1;
  }
  return out + bytes.toString('latin1', run) + '"';
}

/** Sums a per-thread global of the checking script over wrk's threads (in `done`, which runs in the main Lua state). */
const SUM_THREADS = `
local function sum(name)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get(name) end
  return n
end`;

/** Counts, per thread, answers that are not 200 and 200s without the reply mark (reading bodies costs: preflight only). */
function checkingCallbacks(replyMark: string): string {
  return `
threads = {}
function setup(thread) table.insert(threads, thread) end
non200, unmarked, firstStatus = 0, 0, 0
local mark = ${luaString(replyMark)}
function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    if firstStatus == 0 then firstStatus = status end
  elseif not string.find(body or "", mark, 1, true) then
    unmarked = unmarked + 1
  end
end
${SUM_THREADS}`;
}

/** `done()`: one JSON line `{"benchWrk":{…}}` with the summary (a NaN, e.g. the mean of no requests, printed as 0). */
function doneCallback(checking: boolean): string {
  const check = checking
    ? `string.format(',"check":{"non200":%d,"unmarked":%d,"firstStatus":%d}', sum("non200"), sum("unmarked"), sum("firstStatus"))`
    : '""';
  return `
function done(summary, latency, requests)
  local function n(x) if x == nil or x ~= x then return 0 end return x end
  local e = summary.errors
  io.write(string.format(
    '{"benchWrk":{"requests":%d,"durationUs":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}%s}}\\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    n(latency:percentile(50)), n(latency:percentile(90)), n(latency:percentile(99)), n(latency.max), n(latency.mean),
    ${check}))
end`;
}

/**
 * The wrk script for one request shape: POST with the cell's body and headers (content-type and
 * the target's extra ones, e.g. the governed key); with `replyMark`, a checking script that also
 * reads every answer (status 200 and the mark in its body).
 */
export function wrkScript(spec: Pick<LoadSpec, 'body' | 'headers'>, replyMark?: string): string {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...spec.headers };
  return [
    'wrk.method = "POST"',
    `wrk.body = ${luaString(spec.body)}`,
    ...Object.entries(headers).map(([name, value]) => `wrk.headers[${luaString(name)}] = ${luaString(value)}`),
    replyMark === undefined ? '' : checkingCallbacks(replyMark),
    doneCallback(replyMark !== undefined),
    '',
  ].join('\n');
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** The `{"benchWrk":…}` line of wrk's stdout (wrk prints its own report before it). */
export function parseWrkOutput(stdout: string): WrkSummary {
  const line = stdout.split('\n').find((l) => l.startsWith('{"benchWrk":'));
  if (!line) throw new Error(`wrk printed no result line:\n${stdout.slice(-1000)}`);
  const s = (JSON.parse(line) as { benchWrk: WrkSummary }).benchWrk;
  const numbers = [s.requests, s.durationUs, s.bytes, ...Object.values(s.errors ?? {}), ...Object.values(s.latencyUs ?? {})];
  if (numbers.length !== 3 + 5 + 5 || !numbers.every(isCount)) throw new Error(`wrk's result line is incomplete: ${line}`);
  return s;
}

/** Maps wrk's summary into a cell's load result: an answer with an error status or a socket error is an error, never a completed request. */
export function wrkLoadResult(s: WrkSummary, generatorCpuUs: number, warmupRequests = 0): WrkLoadResult {
  const e = s.errors;
  const errors = e.status + e.connect + e.read + e.write + e.timeout;
  const ms = (us: number) => us / 1000;
  return {
    generator: 'wrk',
    completed: Math.max(0, s.requests - e.status),
    errors,
    ...(errors
      ? {
          firstError: `wrk: ${e.status} answers with HTTP status ≥ 400, socket errors: connect ${e.connect}, read ${e.read}, write ${e.write}, timeout ${e.timeout}`,
        }
      : {}),
    elapsedMs: ms(s.durationUs),
    latency: {
      p50: ms(s.latencyUs.p50),
      p90: ms(s.latencyUs.p90),
      p99: ms(s.latencyUs.p99),
      max: ms(s.latencyUs.max),
      mean: ms(s.latencyUs.mean),
    },
    generatorCpuUs,
    answered: warmupRequests + s.requests,
  };
}

/** wrk's command line: one thread (one core), `concurrency` connections. */
export function wrkArgs(concurrency: number, seconds: number, script: string, url: string): string[] {
  return ['-t1', `-c${concurrency}`, `-d${seconds}s`, '--timeout', '10s', '-s', script, url];
}

/** One wrk run on the load core; resolves with its summary and its CPU (µs, from this process's reaped-children times). */
async function runWrkOnce(
  pin: Pinning,
  spec: Pick<LoadSpec, 'origin' | 'path' | 'concurrency'>,
  seconds: number,
  script: string,
): Promise<{ summary: WrkSummary; cpuUs: number }> {
  const cpuBefore = childrenCpuMicros(process.pid);
  const proc = spawnPinned('wrk', pin, pin.loadCore, 'wrk', wrkArgs(spec.concurrency, seconds, script, spec.origin + spec.path));
  let stdout = '';
  proc.child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    proc.child.once('error', reject);
    proc.child.once('close', resolve);
  });
  // Reaped (the `close` event comes after waitpid): its CPU is now in this process's cutime/cstime.
  const cpuUs = childrenCpuMicros(process.pid) - cpuBefore;
  if (code !== 0) throw new Error(`wrk exited with code ${code}: ${proc.stderr().slice(-1000)}`);
  return { summary: parseWrkOutput(stdout), cpuUs };
}

/** Writes the script into a temp dir of its own for `use`, then removes it. */
async function withScript<T>(text: string, use: (path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-wrk-'));
  try {
    const path = join(dir, 'bench.lua');
    writeFileSync(path, text);
    return await use(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A non-streaming cell with wrk: the warm-up as a run of its own (discarded), then
 * `onMeasureStart` and the measured run. Durations are whole seconds (wrkSeconds).
 */
export async function runWrk(spec: LoadSpec, pin: Pinning): Promise<WrkLoadResult> {
  if (spec.stream) throw new Error('wrk drives non-streaming cells only (streams need the Node generator)');
  return withScript(wrkScript(spec), async (script) => {
    const warmup = spec.warmupMs > 0 ? await runWrkOnce(pin, spec, wrkSeconds(spec.warmupMs), script) : undefined;
    spec.onMeasureStart?.();
    const { summary, cpuUs } = await runWrkOnce(pin, spec, wrkSeconds(spec.durationMs), script);
    return wrkLoadResult(summary, cpuUs, warmup?.summary.requests);
  });
}

/** A checking wrk run (every answer read: status 200 and `replyMark` in its body), for the preflight. */
export async function checkWithWrk(
  spec: Pick<LoadSpec, 'origin' | 'path' | 'body' | 'headers' | 'concurrency'>,
  pin: Pinning,
  replyMark: string,
  seconds = 1,
): Promise<WrkSummary> {
  return withScript(wrkScript(spec, replyMark), async (script) => (await runWrkOnce(pin, spec, seconds, script)).summary);
}

/** `wrk 4.1.0` or similar when wrk is on PATH (its `-v` exits 1 after printing the version), else undefined. */
export function wrkVersion(): string | undefined {
  let out: string;
  try {
    out = execFileSync('wrk', ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { code?: string; stdout?: string };
    if (e.code === 'ENOENT' || typeof e.stdout !== 'string') return undefined;
    out = e.stdout;
  }
  return /^wrk\s+(\S+)/m.exec(out)?.[0];
}

/** `--load` resolved against what is installed: the generator of the non-streaming cells. */
export function nonStreamingGenerator(option: LoadOption, wrk: string | undefined): LoadGenerator {
  if (option === 'wrk' && !wrk) throw new Error('--load wrk: wrk is not on PATH (Debian: apt-get install -y wrk)');
  return option === 'node' || !wrk ? 'node' : 'wrk';
}

/** The generator of one cell: streams always take the Node generator (TTFT, the stream's last event). */
export const generatorFor = (nonStreaming: LoadGenerator, stream: boolean): LoadGenerator => (stream ? 'node' : nonStreaming);
