/**
 * `npm run bench`: the same mock upstream reached directly, through Switchyard (a virtual model
 * with a profile) and through nginx, cell by cell (scenario × concurrency), with the load
 * generator and the upstream on one core and the proxy on the other.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownReport, markdownTable, checkLines, probeTable, type RunInfo } from './bench-report.js';
import { parseBenchOptions, USAGE, type BenchOptions } from './bench-options.js';
import { cellResult, compareCell, type CellResult } from './cell-result.js';
import { formatSummary } from './cpu-profile-summary.js';
import { spawnHealthProbe } from './healthz-probe.js';
import { gcBetween, type GcTotals } from './loop-delay.js';
import { ccrLines, checkIssueTargets, fastifyFloorLines, memoryLines } from './issue-targets.js';
import { runLoad, type LoadResult, type LoadSpec } from './load-generator.js';
import { startNginx } from './nginx-target.js';
import { startFastifyFloor, startNodeFloor } from './floor-target.js';
import { ensureCcr, startCcr } from './ccr-target.js';
import { resolveNode, type NodeBinary } from './node-binary.js';
import { cpuMicros, machineBusyMicros, rssKiB, totalCpuMicros } from './proc-usage.js';
import { freePort, pinSelf, spawnPinned, type BenchProcess, type Pinning } from './processes.js';
import {
  cellsOf,
  pathOf,
  replyMarkOf,
  requestBody,
  scenarioRequests,
  scenarios,
  streamEndOf,
  type Cell,
  type Scenario,
} from './scenarios.js';
import { startSwitchyard } from './switchyard-target.js';
import { directTarget, startUpstream, type BenchUpstream, type Target } from './targets.js';
import { generatorFor, nonStreamingGenerator, runWrk, wrkVersion, type LoadGenerator, type WrkLoadResult } from './wrk-load.js';
import { checkCellCount, preflightWithWrk } from './wrk-preflight.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const log = (line: string) => process.stderr.write(line + '\n');

/** Other processes' CPU (% of one core) above which a measurement is flagged as noisy. */
const NOISY_PCT = 10;

function selfCpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

function pinning(opts: BenchOptions): Pinning {
  const pin: Pinning = { enabled: false, loadCore: 0, proxyCore: 1 };
  if (!opts.pin) return pin;
  // Several workers cannot be kept off the load generator's core: pinned load and upstream sharing
  // one core with floating workers starved each other (2-core runs: 1,180 vs 4,185 req/s with one
  // worker pinned; unpinned, 4,948 vs 4,462). Every target then runs unpinned, alike.
  if (opts.workers.some((w) => w > 1)) {
    log('bench: --workers above 1: every process runs unpinned (the workers need every core)');
    return pin;
  }
  if (availableParallelism() < 2) {
    log('bench: fewer than 2 cores available, running unpinned');
    return pin;
  }
  try {
    pinSelf(pin.loadCore);
    pin.enabled = true;
  } catch {
    log('bench: `taskset` (util-linux) is not available, running unpinned');
  }
  return pin;
}

/** Whether `target` runs `scenario` (translated lanes need Switchyard; nginx has no burst port). */
function runs(target: Target, scenario: Scenario): boolean {
  return (
    (!scenario.only || scenario.only.includes(target.kind)) &&
    (!target.clients || target.clients.includes(scenario.client ?? 'openai.chat')) &&
    target.endpoint(scenario.pacing) !== undefined
  );
}

/** The scenarios of `list` that `target` runs, one per request shape (client, pacing, stream, body). */
function requestShapes(target: Target, list: Scenario[]): Scenario[] {
  const seen = new Set<string>();
  return list.filter((scenario) => {
    const key = `${scenario.client ?? ''} ${scenario.pacing} ${scenario.stream} ${scenario.claudeCode ?? ''}`;
    if (!runs(target, scenario) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One request per target and request shape before measuring anything, to fail early and clearly. */
async function preflight(target: Target, list: Scenario[]): Promise<void> {
  for (const scenario of requestShapes(target, list)) {
    const { origin, model, headers } = target.endpoint(scenario.pacing)!;
    const res = await fetch(`${origin}${pathOf(scenario)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: requestBody(scenario, model),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    const ok = res.status === 200 && text.includes(scenario.stream ? streamEndOf(scenario) : replyMarkOf(scenario));
    if (!ok) throw new Error(`${target.name} (${scenario.id}) answered HTTP ${res.status}: ${text.slice(0, 300)}`);
  }
}

/** Drives `spec` with `generator`: wrk (non-streaming cells, when `--load` chose it) or the Node generator. */
function drive(spec: LoadSpec, generator: LoadGenerator, pin: Pinning): Promise<LoadResult | WrkLoadResult> {
  return generator === 'wrk' ? runWrk(spec, pin) : runLoad(spec);
}

/**
 * Load on every request shape the target serves, unmeasured, before its first cell: a Node target
 * compiles its hot path over the first ~20,000 requests (on this VM the gateway's CPU per request
 * halves between the first and the tenth second of load), so without this the first cells of each
 * target measure the JIT. Paced and burst shapes take their fast twin (same code, no idle time).
 */
async function prewarm(target: Target, list: Scenario[], seconds: number, nonStreaming: LoadGenerator, pin: Pinning): Promise<void> {
  if (seconds <= 0) return;
  for (const scenario of requestShapes(target, list)) {
    if (scenario.pacing === 'paced' || scenario.pacing === 'burst') continue;
    const spec = {
      ...scenarioRequests(scenario, target.endpoint(scenario.pacing)!),
      concurrency: 16,
      warmupMs: 0,
      durationMs: seconds * 1000,
    };
    const load = await drive(spec, generatorFor(nonStreaming, scenario.stream), pin);
    if (load.errors > 0)
      throw new Error(`${target.name} (${scenario.id}) failed ${load.errors} requests while warming up: ${load.firstError}`);
  }
}

const rssOf = (pids: number[]) => pids.reduce((sum, pid) => sum + rssKiB(pid), 0);

async function measure(
  cell: Cell,
  target: Target,
  upstream: BenchUpstream,
  opts: BenchOptions,
  generator: LoadGenerator,
  pin: Pinning,
): Promise<CellResult> {
  const endpoint = target.endpoint(cell.scenario.pacing)!;
  const origin = endpoint.origin;
  let before = { proxy: 0, load: 0, upstream: 0, machine: 0 };
  const loadCpu = () => selfCpuMicros() + cpuMicros(upstream.proc.pid);
  // Probe cells: the loop delay and /healthz over the measured phase, RSS half-way through it.
  const probing = cell.scenario.probe === true;
  const durationMs = Math.max(opts.seconds, cell.scenario.minSeconds ?? 0) * 1000;
  const healthz = probing ? await spawnHealthProbe(origin) : undefined;
  let rssOpenKiB: number | undefined;
  let rssTimer: NodeJS.Timeout | undefined;
  // A one-process Node target's garbage collection over the measured phase (totals at its start and end).
  const gcProbe = target.pids().length === 1 ? target.loopDelay : undefined;
  let gcBefore: Promise<GcTotals> | undefined;
  const spec: LoadSpec = {
    ...scenarioRequests(cell.scenario, endpoint),
    concurrency: cell.concurrency,
    warmupMs: Math.max(opts.warmupSeconds, cell.scenario.probe ? 1 : 0) * 1000,
    durationMs,
    onMeasureStart: () => {
      before = {
        proxy: totalCpuMicros(target.pids()),
        load: loadCpu(),
        upstream: cpuMicros(upstream.proc.pid),
        machine: machineBusyMicros(),
      };
      gcBefore = gcProbe?.gc();
      if (!probing) return;
      target.loopDelay?.start();
      healthz?.start();
      rssTimer = setTimeout(() => (rssOpenKiB = rssOf(target.pids())), durationMs / 2);
    },
  };
  // wrk cells on a target that counts requests: its count must follow wrk's (read outside the measured window).
  const countedBefore = generator === 'wrk' ? await target.requestsCounted?.() : undefined;
  const load = await drive(spec, generator, pin);
  const machine = machineBusyMicros() - before.machine;
  const pids = target.pids();
  const proxy = pids.length ? totalCpuMicros(pids) - before.proxy : undefined;
  // wrk is a process of its own on the load core: its CPU counts with the bench's and the upstream's.
  const loadCpuUs = loadCpu() - before.load + ('generator' in load ? load.generatorCpuUs : 0);
  const upstreamCpuUs = cpuMicros(upstream.proc.pid) - before.upstream;
  clearTimeout(rssTimer);
  const loopDelay = probing ? await target.loopDelay?.stop() : undefined;
  const healthzMs = await healthz?.stop();
  const gc = gcBefore && gcProbe ? gcBetween(await gcBefore, await gcProbe.gc()) : undefined;
  if (countedBefore !== undefined && 'generator' in load) await checkCellCount(target, countedBefore, load.answered);
  return cellResult(cell, target, load, {
    proxyCpuUs: proxy,
    proxyRssKiB: pids.length ? rssOf(pids) : undefined,
    loadCpuUs,
    upstreamCpuUs,
    machineCpuUs: machine,
    rssOpenKiB,
    loopDelay,
    healthzMs,
    gc,
  });
}

/** CPU used by processes outside the bench over `ms`, in % of one core. */
async function othersCpuPct(ours: () => number[], ms: number): Promise<number> {
  const before = { machine: machineBusyMicros(), ours: totalCpuMicros(ours()) + selfCpuMicros() };
  await new Promise((r) => setTimeout(r, ms));
  const oursUs = totalCpuMicros(ours()) + selfCpuMicros() - before.ours;
  return Math.max(0, ((machineBusyMicros() - before.machine - oursUs) / 1000 / ms) * 100);
}

/** Waits until other processes are quiet (< 15% of a core over 1 s), at most `seconds`. */
async function waitQuiet(ours: () => number[], seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  let pct = await othersCpuPct(ours, 1000);
  if (pct < 15) return;
  log(`  waiting for other processes to go quiet (${pct.toFixed(0)}% of a core) …`);
  while (pct >= 15 && Date.now() < deadline) pct = await othersCpuPct(ours, 1000);
  if (pct >= 15) log(`  still ${pct.toFixed(0)}% of a core busy after ${seconds} s, measuring anyway`);
}

function progress(r: CellResult): string {
  const ttft = r.ttftMs ? ` ttft p50 ${r.ttftMs.p50.toFixed(2)} p99 ${r.ttftMs.p99.toFixed(2)}` : '';
  const cpu = r.cpuUsPerReq === undefined ? '' : ` cpu ${Math.round(r.cpuUsPerReq)} µs/req`;
  const noise = r.otherCpuPct >= NOISY_PCT ? ` (other processes used ${r.otherCpuPct.toFixed(0)}% of a core)` : '';
  const err = r.errors ? ` ERRORS ${r.errors}: ${r.firstError}` : '';
  const loop = r.loopDelayMs ? ` loop delay p99 ${r.loopDelayMs.p99.toFixed(1)} ms` : '';
  const healthz = r.healthzMs ? ` /healthz p99 ${r.healthzMs.p99.toFixed(1)} ms` : '';
  const upstreamPct = r.upstreamCorePct === undefined ? '' : ` (upstream ${r.upstreamCorePct.toFixed(0)}%)`;
  const core = ` load core ${r.loadCorePct.toFixed(0)}%${upstreamPct}${r.invalid ? ' INVALID' : ''} [${r.generator}]`;
  return `  ${r.target.padEnd(20)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.latencyMs.p50.toFixed(2)} p99 ${r.latencyMs.p99.toFixed(2)} ms${ttft}${cpu}${loop}${healthz}${core}${noise}${err}`;
}

/** `git rev-parse` of the tree the gateway was built from, read without taking git's locks. */
function codeVersion(): string {
  const git = (args: string[]) =>
    execFileSync('git', args, {
      cwd: REPO,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
    }).trim();
  try {
    const sha = git(['rev-parse', '--short', 'HEAD']);
    return git(['status', '--porcelain', '--untracked-files=no']) ? `${sha} with uncommitted changes` : sha;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

function hostInfo(): string {
  const model = cpus()[0]?.model ?? '?';
  return `${model}, ${cpus().length} cores, Linux ${release()}`;
}

async function main(): Promise<number> {
  const opts = parseBenchOptions(process.argv.slice(2), process.env);
  if (!opts) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (process.platform !== 'linux') throw new Error('the benchmark reads /proc and pins with taskset: Linux only');
  const outDir = resolve(REPO, opts.outDir);
  mkdirSync(outDir, { recursive: true });
  const loadAtStart = loadavg()[0]!;
  const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, '-');
  const pin = pinning(opts);
  const list = scenarios(opts.concurrency).filter((s) => !opts.scenarios || opts.scenarios.includes(s.id));
  if (list.length === 0) throw new Error(`no scenario matches --scenarios ${opts.scenarios?.join(',')}`);
  const nodes = opts.targets.includes('switchyard') ? opts.nodes.map((n) => resolveNode(n, join(REPO, '.bench'))) : [];
  if (nodes.length && !existsSync(join(REPO, 'apps/gateway/dist/main.js'))) throw new Error('build first: tsc -b tsconfig.build.json');

  const wrk = opts.load === 'node' ? undefined : wrkVersion();
  const nonStreaming = nonStreamingGenerator(opts.load, wrk);
  log(
    `bench: non-streaming cells driven by ${nonStreaming === 'wrk' ? wrk : 'the Node generator'} (--load ${opts.load}), streamed cells by the Node generator`,
  );
  const code = codeVersion();
  const workDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const cpuProfDir = opts.cpuProf ? join(outDir, `cpu-prof-${stamp}`) : undefined;
  const targets: Target[] = [];
  let upstream: BenchUpstream | undefined;
  let redis: BenchProcess | undefined;
  const cleanup = async () => {
    for (const t of targets.splice(0)) await t.stop().catch(() => {});
    await upstream?.proc.stop().catch(() => {});
    await redis?.stop().catch(() => {});
    rmSync(workDir, { recursive: true, force: true });
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    upstream = await startUpstream(pin);
    if (opts.targets.includes('direct')) targets.push(directTarget(upstream));
    for (const node of nodes) {
      for (const workers of opts.workers) {
        for (const youngMb of opts.youngMb) {
          targets.push(
            await startSwitchyard(upstream, pin, {
              node,
              labelVersion: nodes.length > 1 || node.version !== process.versions.node,
              workDir,
              cpuProfDir,
              scale: youngMb ? { workers, youngMb } : { workers },
            }),
          );
        }
      }
    }
    // Issue #18: the same gateway with a backend limit, held in-process or through Redis.
    let redisUrl: string | undefined;
    if (nodes.length && opts.limits.includes('redis')) {
      const port = await freePort();
      redis = spawnPinned('redis-server', pin, pin.proxyCore, 'redis-server', [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
      ]);
      await redis.waitForLine((line) => (line.includes('Ready to accept connections') ? true : undefined), 10_000);
      redisUrl = `redis://127.0.0.1:${port}`;
    }
    for (const limit of nodes.length ? opts.limits : []) {
      const node = nodes.at(-1)!;
      const redisPid = redis?.pid;
      targets.push(
        await startSwitchyard(upstream, pin, {
          node,
          labelVersion: nodes.length > 1 || node.version !== process.versions.node,
          workDir,
          scale: { limit, redisUrl },
          ...(limit === 'redis' && redisPid ? { extraPids: () => [redisPid] } : {}),
        }),
      );
    }
    // Issue #20: the same gateway, its requests carrying a client key with every limit on.
    if (nodes.length && opts.keys.includes('limited')) {
      const node = nodes.at(-1)!;
      const labelVersion = nodes.length > 1 || node.version !== process.versions.node;
      targets.push(await startSwitchyard(upstream, pin, { node, labelVersion, workDir, scale: { keys: 'limited' } }));
    }
    if (opts.targets.includes('nginx')) targets.push(await startNginx(upstream, pin, workDir));
    // The peers run on the Node of the last --node, as Switchyard does.
    const peerNode = (): NodeBinary => resolveNode(opts.nodes.at(-1) ?? '', join(REPO, '.bench'));
    if (opts.targets.includes('floor')) targets.push(await startNodeFloor(upstream, pin, peerNode()));
    if (opts.targets.includes('ccr'))
      targets.push(await startCcr(upstream, pin, peerNode(), workDir, ensureCcr(join(REPO, '.bench'), log)));
    if (opts.targets.includes('fastify')) targets.push(await startFastifyFloor(upstream, pin, peerNode()));
    const idleRssMiB: Record<string, number> = {};
    for (const t of targets) {
      await preflight(t, list);
      await t.verify?.();
      if (nonStreaming === 'wrk')
        await preflightWithWrk(
          t,
          requestShapes(t, list).filter((s) => !s.stream),
          pin,
        );
      if (t.pids().length) idleRssMiB[t.name] = rssOf(t.pids()) / 1024;
    }
    for (const t of targets) {
      log(`bench: warming ${t.name} up (${opts.prewarmSeconds} s per request shape)`);
      await prewarm(t, list, opts.prewarmSeconds, nonStreaming, pin);
    }

    const cells = cellsOf(list);
    log(
      `bench: ${cells.length} cells × ${targets.length} targets (${targets.map((t) => t.name).join(', ')}), ` +
        `${opts.warmupSeconds}+${opts.seconds} s each, pinning ${pin.enabled ? `load+upstream → core ${pin.loadCore}, proxy → core ${pin.proxyCore}` : 'off'}`,
    );
    const ours = () => [upstream!.proc.pid, ...targets.flatMap((t) => t.pids())];
    const quiet = await othersCpuPct(ours, 1000);
    if (quiet >= 15)
      log(`bench: warning: other processes are using ${quiet.toFixed(0)}% of a core; results will be noisy (see --wait-quiet)`);
    const results: CellResult[] = [];
    for (const cell of cells) {
      log(`${cell.scenario.id} c=${cell.concurrency}`);
      const row: CellResult[] = [];
      for (const target of targets.filter((t) => runs(t, cell.scenario))) {
        let best: CellResult | undefined;
        for (let attempt = 0; attempt <= opts.retryNoisy && !(best && best.otherCpuPct < NOISY_PCT); attempt++) {
          if (opts.waitQuietSeconds > 0) await waitQuiet(ours, opts.waitQuietSeconds);
          const r = await measure(cell, target, upstream, opts, generatorFor(nonStreaming, cell.scenario.stream), pin);
          log(progress(r) + (attempt ? ` [attempt ${attempt + 1}]` : ''));
          if (!best || r.otherCpuPct < best.otherCpuPct) best = r;
        }
        row.push(best!);
      }
      compareCell(row);
      results.push(...row);
    }

    const checks = [
      ...checkIssueTargets(results),
      ...fastifyFloorLines(results),
      ...ccrLines(results),
      ...memoryLines(results, idleRssMiB),
    ];
    const info: RunInfo = {
      date: new Date().toISOString(),
      host: hostInfo(),
      loadAverage: [loadAtStart, loadavg()[0]!],
      code,
      loadGeneratorNode: process.versions.node,
      load: { option: opts.load, nonStreaming, ...(wrk ? { wrk } : {}) },
      switchyardNodes: nodes.map((n) => n.version),
      nginx: targets.find((t) => t.kind === 'nginx')?.version,
      seconds: opts.seconds,
      warmupSeconds: opts.warmupSeconds,
      prewarmSeconds: opts.prewarmSeconds,
      pinning: pin.enabled ? `load generator + upstream on core ${pin.loadCore}, proxy on core ${pin.proxyCore} (taskset)` : 'off',
    };
    process.stdout.write('\n' + markdownTable(results) + '\n\n' + probeTable(results) + '\n\n' + checkLines(checks).join('\n') + '\n');
    const md = join(outDir, `results-${stamp}.md`);
    const json = join(outDir, `results-${stamp}.json`);
    writeFileSync(md, markdownReport(info, results, checks));
    writeFileSync(json, JSON.stringify({ info, options: opts, results, checks }, null, 2) + '\n');
    log(`\nbench: wrote ${md} and ${json}`);

    await cleanup();
    if (cpuProfDir) {
      for (const f of readdirSync(cpuProfDir).filter((n) => n.endsWith('.cpuprofile'))) {
        const summary = formatSummary(join(cpuProfDir, f));
        process.stdout.write('\n' + summary + '\n');
        writeFileSync(join(cpuProfDir, f.replace(/\.cpuprofile$/, '.md')), summary + '\n');
      }
    }
    return opts.strict && checks.some((c) => c.status === 'FAIL') ? 1 : 0;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    log(`bench: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
  },
);
