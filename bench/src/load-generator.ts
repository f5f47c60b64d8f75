/**
 * A closed-loop HTTP load generator on undici: `concurrency` workers over a Pool of as many
 * connections, each sending its next request when the previous one has ended. Per request it
 * records the total latency and the time to the first body byte (TTFT at the client).
 */
import { Pool, type Dispatcher } from 'undici';

export interface LoadSpec {
  origin: string;
  path: string;
  body: Buffer;
  /** Streamed replies must contain `streamEnd` (their protocol's last event). */
  stream: boolean;
  /** The last event of a complete stream (default `data: [DONE]`). */
  streamEnd?: string;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** Extra request headers (a client key). */
  headers?: Readonly<Record<string, string>>;
  /** Called when the measured phase starts, while the warm-up's requests are still running (take "before" snapshots here). */
  onMeasureStart?: () => void;
}

export interface LoadResult {
  completed: number;
  errors: number;
  firstError?: string;
  /** From the start of the measured phase to the end of its last request. */
  elapsedMs: number;
  latencyMs: number[];
  ttftMs: number[];
  /** SSE events (blank-line separated) received per completed stream, on average. */
  eventsPerStream?: number;
}

interface Outcome {
  ok: boolean;
  latencyMs: number;
  ttftMs: number;
  events: number;
  error?: string;
}

const LF = 0x0a;

/** Counts `\n\n` in `chunk`, `prevLf` = whether the previous chunk ended with `\n`. */
function countEventEnds(chunk: Buffer, prevLf: boolean): number {
  let n = prevLf && chunk[0] === LF ? 1 : 0;
  for (let i = chunk.indexOf(LF); i >= 0 && i < chunk.length - 1; i = chunk.indexOf(LF, i + 1)) if (chunk[i + 1] === LF) n++;
  return n;
}

/** Whether `marker` starts in `a` and ends in `b`. */
function straddles(a: Buffer, b: Buffer, marker: Buffer): boolean {
  const k = marker.length - 1;
  return Buffer.concat([a.subarray(Math.max(0, a.length - k)), b.subarray(0, k)]).includes(marker);
}

function send(pool: Pool, options: Dispatcher.DispatchOptions, end: Buffer | undefined): Promise<Outcome> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let ttft = -1;
    let status = 0;
    let bytes = 0;
    let events = 0;
    let found = false;
    let prev: Buffer | undefined;
    let prevLf = false;
    pool.dispatch(options, {
      onRequestStart() {},
      onResponseStart(_controller, statusCode) {
        status = statusCode;
      },
      onResponseData(_controller, chunk) {
        if (ttft < 0) ttft = performance.now() - t0;
        bytes += chunk.length;
        if (!end) return;
        events += countEventEnds(chunk, prevLf);
        // The end marker (no line feed in it), also when it straddles two chunks: only possible
        // when the previous chunk did not end with a line feed, i.e. rarely.
        if (!found) found = chunk.includes(end) || (!prevLf && prev !== undefined && straddles(prev, chunk, end));
        prevLf = chunk[chunk.length - 1] === LF;
        prev = chunk;
      },
      onResponseEnd() {
        const latencyMs = performance.now() - t0;
        const ok = status === 200 && bytes > 0 && (!end || found);
        const error = ok ? undefined : `HTTP ${status}, ${bytes} bytes${end ? `, no ${JSON.stringify(end.toString())}` : ''}`;
        resolve({ ok, latencyMs, ttftMs: ttft, events, error });
      },
      onResponseError(_controller, err) {
        resolve({ ok: false, latencyMs: performance.now() - t0, ttftMs: ttft, events, error: err.message });
      },
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs the workers without a break from the warm-up into the measured phase (as wrk does): the
 * measured phase starts on a running system, not with every worker sending at the same instant,
 * which would measure a burst of `concurrency` simultaneous requests instead of the steady state.
 * A request counts when it started in the measured phase.
 */
async function drive(pool: Pool, spec: LoadSpec, result: LoadResult): Promise<void> {
  const options: Dispatcher.DispatchOptions = {
    method: 'POST',
    path: spec.path,
    headers: { 'content-type': 'application/json', ...spec.headers },
    body: spec.body,
  };
  let measureFrom = Infinity;
  const startMeasuring = (): void => {
    spec.onMeasureStart?.();
    measureFrom = performance.now();
  };
  let timer: NodeJS.Timeout | undefined;
  if (spec.warmupMs > 0) timer = setTimeout(startMeasuring, spec.warmupMs);
  else startMeasuring();
  const deadline = performance.now() + spec.warmupMs + spec.durationMs;
  let last = 0;
  let events = 0;
  const end = spec.stream ? Buffer.from(spec.streamEnd ?? 'data: [DONE]') : undefined;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const o = await send(pool, options, end);
      if (t0 < measureFrom) continue;
      last = performance.now();
      if (o.ok) {
        result.completed++;
        result.latencyMs.push(o.latencyMs);
        if (spec.stream) result.ttftMs.push(o.ttftMs);
        events += o.events;
      } else {
        result.errors++;
        result.firstError ??= o.error;
        await sleep(5);
      }
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, worker));
  clearTimeout(timer);
  // No request that started in the measured phase ended: the phase lasted until the deadline.
  result.elapsedMs = Math.max(0, (last || Math.max(measureFrom, performance.now())) - measureFrom);
  if (spec.stream && result.completed) result.eventsPerStream = events / result.completed;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const pool = new Pool(spec.origin, {
    connections: spec.concurrency,
    pipelining: 1,
    keepAliveTimeout: 120_000,
    keepAliveMaxTimeout: 120_000,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  try {
    const result: LoadResult = { completed: 0, errors: 0, elapsedMs: 0, latencyMs: [], ttftMs: [] };
    await drive(pool, spec, result);
    return result;
  } finally {
    await pool.close();
  }
}
