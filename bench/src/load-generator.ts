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
  /** Streamed replies must end with `data: [DONE]`. */
  stream: boolean;
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
}

interface Outcome {
  ok: boolean;
  latencyMs: number;
  ttftMs: number;
  error?: string;
}

const DONE = 'data: [DONE]';

function send(pool: Pool, options: Dispatcher.DispatchOptions, stream: boolean): Promise<Outcome> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let ttft = -1;
    let status = 0;
    let bytes = 0;
    let tail = '';
    pool.dispatch(options, {
      onRequestStart() {},
      onResponseStart(_controller, statusCode) {
        status = statusCode;
      },
      onResponseData(_controller, chunk) {
        if (ttft < 0) ttft = performance.now() - t0;
        bytes += chunk.length;
        if (stream) tail = (tail + chunk.toString('latin1', Math.max(0, chunk.length - 24))).slice(-24);
      },
      onResponseEnd() {
        const latencyMs = performance.now() - t0;
        const ok = status === 200 && bytes > 0 && (!stream || tail.includes(DONE));
        resolve({ ok, latencyMs, ttftMs: ttft, error: ok ? undefined : `HTTP ${status}, ${bytes} bytes, ends ${JSON.stringify(tail)}` });
      },
      onResponseError(_controller, err) {
        resolve({ ok: false, latencyMs: performance.now() - t0, ttftMs: ttft, error: err.message });
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
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const o = await send(pool, options, spec.stream);
      if (t0 < measureFrom) continue;
      last = performance.now();
      if (o.ok) {
        result.completed++;
        result.latencyMs.push(o.latencyMs);
        if (spec.stream) result.ttftMs.push(o.ttftMs);
      } else {
        result.errors++;
        result.firstError ??= o.error;
        await sleep(5);
      }
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, worker));
  clearTimeout(timer);
  result.elapsedMs = Math.max(0, last - measureFrom);
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
