/**
 * Loaded into a Node target with `--import` (the bench's Switchyard and node-floor): measures the
 * process's event-loop delay with perf_hooks.monitorEventLoopDelay, only between two SIGUSR2s, so
 * that its 10 ms timer costs nothing in the other cells. The first SIGUSR2 resets and starts the
 * histogram; the second stops it and prints one line
 * `{"benchLoopDelay":{"p50":…,"p99":…,"max":…,"samples":…}}` (milliseconds) on stdout.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

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
