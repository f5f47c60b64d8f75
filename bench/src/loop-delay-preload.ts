/**
 * Loaded into a Node target with `--import` (the bench's Switchyard and node-floor): measures the
 * process's event-loop delay with perf_hooks.monitorEventLoopDelay, only between two SIGUSR2s, so
 * that its 10 ms timer costs nothing in the other cells. The first SIGUSR2 resets and starts the
 * histogram; the second stops it and prints one line
 * `{"benchLoopDelay":{"p50":…,"p99":…,"max":…,"samples":…}}` (milliseconds) on stdout.
 *
 * It also counts the process's garbage-collection pauses (a PerformanceObserver of `gc` entries,
 * one entry per collection, always on): every SIGWINCH prints the totals since start and the
 * longest pause since the previous SIGWINCH, `{"benchGc":{"minor":{"count":…,"ms":…,"youngBytes":…,
 * "survivedBytes":…},"major":{"count":…,"ms":…},"maxMs":…}}`; the bench takes one at the start and
 * one at the end of every measured phase. `youngBytes` is what the young generation held when its
 * scavenges began, `survivedBytes` what they kept (copied, or promoted to the old generation),
 * from V8's GCProfiler: the share that survives is what makes scavenges long (issue #19).
 */
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { GCProfiler } from 'node:v8';

const gc = { minor: { count: 0, ms: 0, youngBytes: 0, survivedBytes: 0 }, major: { count: 0, ms: 0 }, maxMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
    const bucket = kind === constants.NODE_PERFORMANCE_GC_MINOR ? gc.minor : gc.major;
    bucket.count++;
    bucket.ms += entry.duration;
    if (entry.duration > gc.maxMs) gc.maxMs = entry.duration;
  }
}).observe({ entryTypes: ['gc'] });

interface SpaceUse {
  spaceName: string;
  spaceUsedSize: number;
}
const used = (spaces: SpaceUse[], name: string): number => spaces.find((s) => s.spaceName === name)?.spaceUsedSize ?? 0;
let profiler = new GCProfiler();
profiler.start();

/** Adds the scavenges the profiler saw since it started to the totals, and starts it again. */
function takeSurvival(): void {
  const data = profiler.stop() as
    | { statistics: Array<{ gcType: string; beforeGC: { heapSpaceStatistics: SpaceUse[] }; afterGC: { heapSpaceStatistics: SpaceUse[] } }> }
    | undefined;
  profiler = new GCProfiler();
  profiler.start();
  for (const s of data?.statistics ?? []) {
    if (s.gcType !== 'Scavenge') continue;
    const before = s.beforeGC.heapSpaceStatistics;
    const after = s.afterGC.heapSpaceStatistics;
    gc.minor.youngBytes += used(before, 'new_space');
    gc.minor.survivedBytes += used(after, 'new_space') + Math.max(0, used(after, 'old_space') - used(before, 'old_space'));
  }
}

process.on('SIGWINCH', () => {
  takeSurvival();
  process.stdout.write(JSON.stringify({ benchGc: gc }) + '\n');
  gc.maxMs = 0;
});

const histogram = monitorEventLoopDelay({ resolution: 10 });
let running = false;

process.on('SIGUSR2', () => {
  if (!running) {
    histogram.reset();
    histogram.enable();
    running = true;
    return;
  }
  histogram.disable();
  running = false;
  const ms = (ns: number) => ns / 1e6;
  const line = {
    benchLoopDelay: {
      p50: ms(histogram.percentile(50)),
      p99: ms(histogram.percentile(99)),
      max: ms(histogram.max),
      samples: histogram.count,
    },
  };
  process.stdout.write(JSON.stringify(line) + '\n');
});
