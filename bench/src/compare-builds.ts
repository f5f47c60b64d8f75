/**
 * Two or more builds of the gateway on one scenario, in alternating rounds (issue #19): what a
 * change bought in CPU per request, measured as the bench measures it (same upstream, config,
 * pinning and load generator) but with every build seeing the same stretch of machine load.
 * Each build runs in its own process, warmed up first; each round measures every build once, in
 * turn. Prints each round and, per build, the median and minimum CPU µs per request (and, for a
 * streamed scenario, the medians of the rounds' TTFT p50 and p99).
 *
 *   node bench/dist/compare-builds.js --gateway /base/apps/gateway/dist/main.js,apps/gateway/dist/main.js \
 *     [--scenario chat] [--concurrency 16] [--seconds 3] [--rounds 5] [--warmup 5]
 *
 * (A build of another commit: `git worktree add /tmp/base <commit>`, copy node_modules into it
 * (`cp -a node_modules /tmp/base/`, so that its workspace links point at its own packages) and
 * `npx tsc -b tsconfig.build.json` there.)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runLoad } from './load-generator.js';
import { cpuMicros } from './proc-usage.js';
import { pinSelf, type Pinning } from './processes.js';
import { scenarioRequests, scenarios } from './scenarios.js';
import { startSwitchyard } from './switchyard-target.js';
import { startUpstream, type Target } from './targets.js';

const { values } = parseArgs({
  options: {
    gateway: { type: 'string' },
    scenario: { type: 'string', default: 'chat' },
    concurrency: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '5' },
  },
});
const mains = (values.gateway ?? '').split(',').filter(Boolean);
const concurrency = Number(values.concurrency);
const scenario = scenarios([concurrency]).find((s) => s.id === values.scenario);
if (mains.length < 1 || !scenario || !(concurrency > 0)) {
  process.stderr.write(
    'usage: compare-builds.js --gateway a/main.js,b/main.js [--scenario chat] [--concurrency 16] [--seconds 3] [--rounds 5] [--warmup 5]\n',
  );
  process.exit(2);
}

const pin: Pinning = { enabled: true, loadCore: 0, proxyCore: 1 };
pinSelf(pin.loadCore);
const node = { path: process.execPath, version: process.versions.node };
const workDir = mkdtempSync(join(tmpdir(), 'switchyard-compare-'));
const upstream = await startUpstream(pin);
const targets: Target[] = [];
try {
  for (const main of mains) targets.push(await startSwitchyard(upstream, pin, { node, labelVersion: false, workDir, main: resolve(main) }));

  /** One measured phase against `target`: CPU µs per request and the p50 latency. */
  const measure = async (target: Target, warmupMs: number, seconds: number) => {
    const pid = target.pids()[0]!;
    let before = 0;
    const load = await runLoad({
      ...scenarioRequests(scenario, target.endpoint(scenario.pacing)!),
      concurrency,
      warmupMs,
      durationMs: seconds * 1000,
      onMeasureStart: () => (before = cpuMicros(pid)),
    });
    if (load.errors > 0) throw new Error(`${mains[targets.indexOf(target)]}: ${load.errors} errors, first: ${load.firstError}`);
    const sorted = [...load.latencyMs].sort((a, b) => a - b);
    const ttft = [...load.ttftMs].sort((a, b) => a - b);
    return {
      cpuUs: (cpuMicros(pid) - before) / Math.max(1, load.completed),
      p50: sorted[sorted.length >> 1] ?? NaN,
      ttftP50: scenario.stream ? (ttft[ttft.length >> 1] ?? NaN) : NaN,
      ttftP99: scenario.stream ? (ttft[Math.min(ttft.length - 1, Math.floor(ttft.length * 0.99))] ?? NaN) : NaN,
    };
  };

  for (const t of targets) await measure(t, Number(values.warmup) * 1000, 1);
  const cpu: number[][] = targets.map(() => []);
  const ttftP99: number[][] = targets.map(() => []);
  const ttftP50: number[][] = targets.map(() => []);
  for (let round = 1; round <= Number(values.rounds); round++) {
    const line: string[] = [];
    for (const [i, t] of targets.entries()) {
      const r = await measure(t, 500, Number(values.seconds));
      cpu[i]!.push(r.cpuUs);
      ttftP99[i]!.push(r.ttftP99);
      ttftP50[i]!.push(r.ttftP50);
      const tail = scenario.stream ? `, TTFT p50 ${r.ttftP50.toFixed(2)} p99 ${r.ttftP99.toFixed(2)} ms` : '';
      line.push(`build ${i + 1}: ${r.cpuUs.toFixed(0)} µs/req, p50 ${r.p50.toFixed(2)} ms${tail}`);
    }
    process.stdout.write(`round ${round}: ${line.join('; ')}\n`);
  }
  process.stdout.write(`\n${scenario.id} c=${concurrency}, CPU µs per request over ${values.rounds} rounds:\n`);
  for (const [i, list] of cpu.entries()) {
    const sorted = [...list].sort((a, b) => a - b);
    const tails = [...ttftP99[i]!].sort((a, b) => a - b);
    const firsts = [...ttftP50[i]!].sort((a, b) => a - b);
    const tail = scenario.stream
      ? `; TTFT p50 median ${firsts[firsts.length >> 1]!.toFixed(3)} ms, p99 median ${tails[tails.length >> 1]!.toFixed(2)} ms`
      : '';
    process.stdout.write(
      `  build ${i + 1} (${mains[i]}): median ${sorted[sorted.length >> 1]!.toFixed(0)}, min ${sorted[0]!.toFixed(0)}${tail}\n`,
    );
  }
} finally {
  for (const t of targets) await t.stop().catch(() => undefined);
  await upstream.proc.stop();
}
