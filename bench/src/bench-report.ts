/** The run's results as a Markdown report and as JSON. */
import type { CellResult } from './cell-result.js';
import type { TargetCheck } from './issue-targets.js';

export interface RunInfo {
  date: string;
  host: string;
  /** 1-minute load average when the run started and when it ended. */
  loadAverage: [number, number];
  /** The commit the gateway was built from (and whether tracked files differed from it). */
  code: string;
  loadGeneratorNode: string;
  /** `--load` and what it resolved to: wrk's version when it drove the non-streaming cells. */
  load: { option: string; nonStreaming: 'node' | 'wrk'; wrk?: string };
  switchyardNodes: string[];
  nginx?: string;
  seconds: number;
  warmupSeconds: number;
  prewarmSeconds: number;
  pinning: string;
}

const DASH = '–';

function num(n: number | undefined, digits: number, signed = false): string {
  if (n === undefined || !Number.isFinite(n)) return DASH;
  const s = n.toFixed(digits);
  return signed && n >= 0 ? '+' + s : s;
}

const HEADER = [
  'scenario',
  'c',
  'target',
  'req/s',
  'p50 ms',
  'p99 ms',
  'TTFT p50',
  'TTFT p99',
  '+p50 ms',
  '+p99 ms',
  '+TTFT p50',
  '+TTFT p99',
  'CPU µs/req',
  'RSS MiB',
  'req/s ÷ nginx',
  'CPU ÷ nginx',
  'load core %',
  'upstream %',
  'other %',
  'load gen',
];

function row(r: CellResult): string[] {
  const rps = num(r.rps, 0) + (r.errors ? ` (${r.errors} err)` : '');
  return [
    r.scenario,
    String(r.concurrency),
    r.target,
    rps,
    num(r.latencyMs.p50, 2),
    num(r.latencyMs.p99, 2),
    num(r.ttftMs?.p50, 2),
    num(r.ttftMs?.p99, 2),
    num(r.addedMs?.p50, 2, true),
    num(r.addedMs?.p99, 2, true),
    num(r.addedMs?.ttftP50, 2, true),
    num(r.addedMs?.ttftP99, 2, true),
    num(r.cpuUsPerReq, 0),
    num(r.rssMiB, 1),
    num(r.vsNginx?.rps, 2),
    num(r.vsNginx?.cpu, 2),
    num(r.loadCorePct, 0) + (r.invalid ? ' ✗ invalid' : ''),
    num(r.upstreamCorePct, 0),
    num(r.otherCpuPct, 0),
    r.generator,
  ];
}

export function markdownTable(results: CellResult[]): string {
  const lines = [`| ${HEADER.join(' | ')} |`, `|${HEADER.map((_, i) => (i < 3 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const r of results) lines.push(`| ${row(r).join(' | ')} |`);
  return lines.join('\n');
}

/** Garbage collection of the one-process Node targets per cell: what stalls their event loop besides the work itself. */
export function gcTable(results: CellResult[]): string {
  const rows = results.filter((r) => r.gc);
  if (rows.length === 0) return '';
  const lines = [
    '| scenario | c | target | scavenges | survived % | scavenge ms per s | mark-compacts | mark-compact ms per s | longest pause ms | GC ms per request |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const gc = r.gc!;
    const perS = (ms: number) => num((ms * 1000) / r.elapsedMs, 1);
    const perReq = num(((gc.minor.ms + gc.major.ms) * 1000) / Math.max(1, r.completed), 1);
    const young = gc.minor.youngBytes ?? 0;
    const survived = young > 0 ? num(((gc.minor.survivedBytes ?? 0) * 100) / young, 1) : DASH;
    lines.push(
      `| ${r.scenario} | ${r.concurrency} | ${r.target} | ${gc.minor.count} | ${survived} | ${perS(gc.minor.ms)} | ${gc.major.count} | ${perS(gc.major.ms)} | ${num(gc.maxMs, 1)} | ${perReq} µs |`,
    );
  }
  return lines.join('\n');
}

/** The probe cells: event-loop delay, /healthz times and RSS with the streams open. */
export function probeTable(results: CellResult[]): string {
  const probed = results.filter((r) => r.loopDelayMs || r.healthzMs);
  if (probed.length === 0) return '';
  const lines = [
    '| scenario | c | target | loop delay p50 / p99 / max ms | /healthz p50 / p99 / max ms (probes) | RSS open MiB | events/stream | load core % |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of probed) {
    const loop = r.loopDelayMs ? `${num(r.loopDelayMs.p50, 1)} / ${num(r.loopDelayMs.p99, 1)} / ${num(r.loopDelayMs.max, 1)}` : DASH;
    const probe = r.healthzMs
      ? `${num(r.healthzMs.p50, 1)} / ${num(r.healthzMs.p99, 1)} / ${num(r.healthzMs.max, 1)} (${r.healthzMs.count})`
      : DASH;
    lines.push(
      `| ${r.scenario} | ${r.concurrency} | ${r.target} | ${loop} | ${probe} | ${num(r.rssOpenMiB, 1)} | ${num(r.eventsPerStream, 1)} | ${num(r.loadCorePct, 0)}${r.invalid ? ' ✗ invalid' : ''} |`,
    );
  }
  return lines.join('\n');
}

export function checkLines(checks: TargetCheck[]): string[] {
  return checks.map((c) => `${c.status} ${c.target}: ${c.description} (${c.detail})`);
}

/** Which program drove which cells. */
export function loadGenerators(info: Pick<RunInfo, 'load' | 'loadGeneratorNode'>): string {
  const node = `Node ${info.loadGeneratorNode}, undici, closed loop`;
  return info.load.nonStreaming === 'wrk'
    ? `${info.load.wrk ?? 'wrk'} (-t1, closed loop, warm-up as a separate run) for the non-streaming cells, ${node} for the streamed ones`
    : `${node} for every cell`;
}

export function markdownReport(info: RunInfo, results: CellResult[], checks: TargetCheck[]): string {
  const noisy = results.filter((r) => r.otherCpuPct >= 10).length;
  const errors = results
    .filter((r) => r.errors > 0)
    .map((r) => `- ${r.target} ${r.scenario} c=${r.concurrency}: ${r.errors} errors, first: ${r.firstError}`);
  return [
    `# Switchyard benchmark, ${info.date}`,
    '',
    `- host: ${info.host}; 1-min load average ${info.loadAverage[0].toFixed(2)} at start, ${info.loadAverage[1].toFixed(2)} at end`,
    `- code: ${info.code}`,
    `- load generator (\`--load ${info.load.option}\`, column "load gen"): ${loadGenerators(info)}; ${info.seconds} s measured after ${info.warmupSeconds} s warm-up per cell; before its first cell, every target ${info.prewarmSeconds} s of load (c=16) per request shape`,
    `- Switchyard on Node ${info.switchyardNodes.join(', ') || DASH}; nginx ${info.nginx ?? DASH}`,
    `- pinning: ${info.pinning}`,
    '',
    'Latencies in ms at the client; TTFT = first body byte; `+` columns = target minus direct (per percentile);',
    'CPU = proxy utime+stime over the measured phase ÷ requests; RSS after the cell; load core % = CPU of load generator + upstream',
    '(% of one core), upstream % = the upstream part of it; other % = CPU used meanwhile by processes outside the bench (noise; should be near 0).',
    '',
    markdownTable(results),
    '',
    ...(probeTable(results)
      ? ['Open streams (event-loop delay read with perf_hooks.monitorEventLoopDelay inside the target):', '', probeTable(results), '']
      : []),
    ...(gcTable(results)
      ? [
          'Garbage collection in the Node targets over each measured phase (PerformanceObserver `gc` entries; a pause stops the event loop):',
          '',
          gcTable(results),
          '',
        ]
      : []),
    ...(results.some((r) => r.invalid)
      ? [`**Cells marked invalid ran with the load core ≥ 90 % busy: they measured the load generator, not the proxy.**`, '']
      : []),
    ...(noisy
      ? [`**${noisy} of ${results.length} cells ran while other processes used ≥ 10% of a core: those numbers are unreliable.**`, '']
      : []),
    '## Targets',
    '',
    ...checkLines(checks).map((l) => `- ${l}`),
    ...(errors.length ? ['', '## Errors', '', ...errors] : []),
    '',
  ].join('\n');
}
