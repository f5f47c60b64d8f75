/** One measured cell (scenario × concurrency × target) and the comparisons made from it. */
import type { LoadResult } from './load-generator.js';
import type { GcTotals, LoopDelay } from './loop-delay.js';
import type { Cell } from './scenarios.js';
import type { Target } from './targets.js';
import type { LoadGenerator, WrkLoadResult } from './wrk-load.js';

export interface Percentiles {
  p50: number;
  p99: number;
}

export interface CellResult {
  scenario: string;
  label: string;
  stream: boolean;
  /** Translated lanes: the passthrough scenario they are compared with. */
  passthrough?: string;
  concurrency: number;
  target: string;
  kind: Target['kind'];
  /** The program that drove the cell: the Node generator (per-request latencies) or wrk (its percentiles). */
  generator: LoadGenerator;
  completed: number;
  errors: number;
  firstError?: string;
  elapsedMs: number;
  rps: number;
  latencyMs: Percentiles & { mean: number };
  ttftMs?: Percentiles;
  /** Proxy CPU (utime+stime) over the measured phase per completed request. */
  cpuUsPerReq?: number;
  /** Proxy RSS after the cell (nginx: master + workers). */
  rssMiB?: number;
  /** CPU of the load generator and the upstream over the measured phase, in % of one core. */
  loadCorePct: number;
  /** The upstream's share of loadCorePct (the rest is the load generator's): which of the two fills the load core. */
  upstreamCorePct?: number;
  /** CPU used by anything else on the machine meanwhile, in % of one core (noise; should be near 0). */
  otherCpuPct: number;
  /**
   * The load core was ≥ INVALID_LOAD_CORE_PCT busy: the cell measured the load generator and the
   * upstream, not the proxy (never set for direct, which is load-bound by construction).
   */
  invalid?: boolean;
  /** Streams: SSE events the client received per stream, on average. */
  eventsPerStream?: number;
  /** Probe cells: the proxy's event-loop delay over the measured phase (ms). */
  loopDelayMs?: LoopDelay;
  /** One-process Node targets: garbage collection over the measured phase (pauses in ms). */
  gc?: GcTotals;
  /** Probe cells: a new connection to /healthz every 100 ms, time to its answer (ms). */
  healthzMs?: Percentiles & { max: number; count: number };
  /** Probe cells: the proxy's RSS half-way through the measured phase, with `concurrency` streams open. */
  rssOpenMiB?: number;
  /** Proxy minus direct, percentile by percentile. */
  addedMs?: Percentiles & { ttftP50?: number; ttftP99?: number };
  /** Switchyard ÷ nginx. */
  vsNginx?: { rps: number; cpu?: number };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function percentiles(values: number[]): Percentiles {
  const sorted = Float64Array.from(values).sort();
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}

/** Load-core utilisation (% of one core) from which a proxy's cell is invalid. */
export const INVALID_LOAD_CORE_PCT = 90;

export interface Usage {
  proxyCpuUs?: number;
  proxyRssKiB?: number;
  /** Probe cells: RSS half-way through, the loop delay, the /healthz probe times. */
  rssOpenKiB?: number;
  loopDelay?: LoopDelay;
  healthzMs?: number[];
  gc?: GcTotals;
  loadCpuUs: number;
  /** The upstream's part of loadCpuUs. */
  upstreamCpuUs?: number;
  /** All cores' busy time over the measured phase. */
  machineCpuUs: number;
}

/** Latency percentiles and mean: from the Node generator's per-request latencies, or as wrk computed them. */
function latencyOf(load: LoadResult | WrkLoadResult): Percentiles & { mean: number } {
  if ('generator' in load) return { p50: load.latency.p50, p99: load.latency.p99, mean: load.latency.mean };
  const mean = load.latencyMs.reduce((a, b) => a + b, 0) / Math.max(1, load.latencyMs.length);
  return { ...percentiles(load.latencyMs), mean };
}

export function cellResult(cell: Cell, target: Target, load: LoadResult | WrkLoadResult, usage: Usage): CellResult {
  const generator = 'generator' in load ? load.generator : 'node';
  const loadCorePct = (usage.loadCpuUs / 1000 / load.elapsedMs) * 100;
  const probe = usage.healthzMs?.length ? usage.healthzMs : undefined;
  return {
    scenario: cell.scenario.id,
    label: cell.scenario.label,
    stream: cell.scenario.stream,
    ...(cell.scenario.passthrough ? { passthrough: cell.scenario.passthrough } : {}),
    concurrency: cell.concurrency,
    target: target.name,
    kind: target.kind,
    generator,
    completed: load.completed,
    errors: load.errors,
    firstError: load.firstError,
    elapsedMs: load.elapsedMs,
    rps: (load.completed * 1000) / load.elapsedMs,
    latencyMs: latencyOf(load),
    ttftMs: cell.scenario.stream && 'ttftMs' in load ? percentiles(load.ttftMs) : undefined,
    cpuUsPerReq: usage.proxyCpuUs === undefined ? undefined : usage.proxyCpuUs / Math.max(1, load.completed + load.errors),
    rssMiB: usage.proxyRssKiB === undefined ? undefined : usage.proxyRssKiB / 1024,
    loadCorePct,
    ...(usage.upstreamCpuUs === undefined ? {} : { upstreamCorePct: (usage.upstreamCpuUs / 1000 / load.elapsedMs) * 100 }),
    otherCpuPct: Math.max(0, ((usage.machineCpuUs - usage.loadCpuUs - (usage.proxyCpuUs ?? 0)) / 1000 / load.elapsedMs) * 100),
    ...(target.kind !== 'direct' && loadCorePct >= INVALID_LOAD_CORE_PCT ? { invalid: true } : {}),
    ...('eventsPerStream' in load && load.eventsPerStream !== undefined ? { eventsPerStream: load.eventsPerStream } : {}),
    ...(usage.loopDelay ? { loopDelayMs: usage.loopDelay } : {}),
    ...(usage.gc ? { gc: usage.gc } : {}),
    ...(probe ? { healthzMs: { ...percentiles(probe), max: Math.max(...probe), count: probe.length } } : {}),
    ...(usage.rssOpenKiB === undefined ? {} : { rssOpenMiB: usage.rssOpenKiB / 1024 }),
  };
}

/** Fills in added latency (vs direct) and the nginx ratios for the results of one cell. */
export function compareCell(results: CellResult[]): void {
  const direct = results.find((r) => r.kind === 'direct');
  const nginx = results.find((r) => r.kind === 'nginx');
  for (const r of results) {
    if (r.kind !== 'direct' && direct) {
      r.addedMs = { p50: r.latencyMs.p50 - direct.latencyMs.p50, p99: r.latencyMs.p99 - direct.latencyMs.p99 };
      if (r.ttftMs && direct.ttftMs) {
        r.addedMs.ttftP50 = r.ttftMs.p50 - direct.ttftMs.p50;
        r.addedMs.ttftP99 = r.ttftMs.p99 - direct.ttftMs.p99;
      }
    }
    if ((r.kind === 'switchyard' || r.kind === 'floor' || r.kind === 'fastify') && nginx) {
      r.vsNginx = { rps: r.rps / nginx.rps };
      if (r.cpuUsPerReq !== undefined && nginx.cpuUsPerReq) r.vsNginx.cpu = r.cpuUsPerReq / nginx.cpuUsPerReq;
    }
  }
}
