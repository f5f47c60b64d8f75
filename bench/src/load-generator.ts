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
  /** Called between the warm-up and the measured phase (take "before" snapshots here). */
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

async function phase(pool: Pool, spec: LoadSpec, ms: number, result: LoadResult | undefined): Promise<number> {
  const options: Dispatcher.DispatchOptions = {
    method: 'POST',
    path: spec.path,
    headers: { 'content-type': 'application/json' },
    body: spec.body,
  };
  const start = performance.now();
  const deadline = start + ms;
  let last = start;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const o = await send(pool, options, spec.stream);
      last = performance.now();
      if (!result) continue;
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
  return last - start;
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
    if (spec.warmupMs > 0) await phase(pool, spec, spec.warmupMs, undefined);
    spec.onMeasureStart?.();
    const result: LoadResult = { completed: 0, errors: 0, elapsedMs: 0, latencyMs: [], ttftMs: [] };
    result.elapsedMs = await phase(pool, spec, spec.durationMs, result);
    return result;
  } finally {
    await pool.close();
  }
}
