/** The benchmark's knobs: command-line flags, each with an environment variable as fallback. */
import { parseArgs } from 'node:util';
import type { KeysMode } from './governed-key.js';
import type { LoadOption } from './wrk-load.js';

export interface BenchOptions {
  seconds: number;
  warmupSeconds: number;
  /** Before the first cell, seconds of load per request shape on every target (JIT and heap at steady state). */
  prewarmSeconds: number;
  targets: Array<'direct' | 'switchyard' | 'nginx' | 'floor' | 'fastify' | 'ccr'>;
  /** Node binaries for Switchyard: versions ("24", "26") or paths; "" = the one running the bench. */
  nodes: string[];
  /** `server.workers` values: one Switchyard per value (issue #18); default [1]. */
  workers: number[];
  /** V8 young generation per Switchyard target, MB per semi-space (0: Node's default). */
  youngMb: number[];
  /** Extra Switchyard targets with max_concurrency on the backend: its slot taken in-process and/or through Redis. */
  limits: Array<'local' | 'redis'>;
  /** Issue #20: `limited` adds a Switchyard target whose requests use a client key with every limit on. */
  keys: KeysMode[];
  scenarios: string[] | undefined;
  concurrency: number[];
  /** Generator of the non-streaming cells: wrk, the Node generator, or wrk when it is on PATH (streams: always Node). */
  load: LoadOption;
  cpuProf: boolean;
  pin: boolean;
  /** Exit 1 when a target fails. */
  strict: boolean;
  /** Before each cell, wait up to this many seconds for other processes to go quiet (0 = don't). */
  waitQuietSeconds: number;
  /** Measure a target's cell again (up to this many times) when other processes used ≥ 10% of a core. */
  retryNoisy: number;
  outDir: string;
}

export const USAGE = `Usage: npm run bench -- [options]        (each option also reads the BENCH_* variable shown)
  --seconds N        measured seconds per cell            BENCH_SECONDS      (default 5)
  --warmup N         warm-up seconds per cell             BENCH_WARMUP       (default 1)
  --prewarm N        before the first cell, N s of load   BENCH_PREWARM      (default 3)
                     (c=16) per request shape on every target, so that cells measure
                     steady state, not the JIT compiling the first requests (0 = off)
  --targets LIST     direct,switchyard,nginx[,floor,fastify] BENCH_TARGETS   (default direct,switchyard,nginx;
                     floor = a bare node:http + undici proxy on the same Node;
                     fastify = the same behind Fastify, the JSON body parsed and serialised once;
                     ccr = claude-code-router 2.0 (npm, installed on demand), Anthropic lanes only)
  --node LIST        Node for Switchyard: 24, 26, 26.10.0 BENCH_NODE         (default: the bench's own node)
                     or a path; several = one Switchyard per binary (e.g. --node 24,26).
                     Versions other than the running one are installed into .bench/node<version>/
  --workers LIST     server.workers of Switchyard: 1,2    BENCH_WORKERS      (default 1); several = one
                     Switchyard per value. With a value above 1 nothing is pinned: the workers share the
                     cores with the load generator and the upstream
  --young-mb LIST    V8 young generation of Switchyard,   BENCH_YOUNG_MB     (default 0: Node's own);
                     MB per semi-space (--max-semi-space-size): 0,8 = one Switchyard per value
  --limits LIST      local,redis: more Switchyard targets BENCH_LIMITS       (default none)
                     whose backend has max_concurrency (never reached), its slot taken in-process
                     (local) or through a redis-server the bench starts (redis; its CPU counts)
  --keys LIST        none,limited                         BENCH_KEYS         (default none)
                     limited: one more Switchyard target whose requests carry a client key with
                     every limit (rpm, tpm, concurrency, budgets, a price) on, never reached
  --scenarios LIST   chat,stream-0ms,stream-5ms,body-256k, BENCH_SCENARIOS   (default all)
                     anthropic[-stream],to-anthropic[-stream],responses[-stream] (translated lanes, c=16),
                     chat-88k,anthropic-88k (Claude-Code-sized, c=16), burst,burst-anthropic (500 streams)
  --concurrency LIST for chat and stream scenarios        BENCH_CONCURRENCY  (default 1,16,64)
  --load G           node|wrk|auto: what drives the       BENCH_LOAD         (default auto: wrk when on PATH)
                     non-streaming cells (streamed cells always take the Node generator, which
                     measures TTFT); with it, the load core was >= 90 % busy against nginx and
                     the floor at c >= 16
  --cpu-prof         run Switchyard with --cpu-prof into .bench/cpu-prof-<stamp>/   BENCH_CPU_PROF=1
  --no-pin           do not pin processes with taskset    BENCH_PIN=0
  --strict           exit 1 when a target FAILs           BENCH_STRICT=1
  --wait-quiet N     before each cell, wait up to N s until other processes use
                     < 15% of a core (shared machines)    BENCH_WAIT_QUIET   (default 0: don't wait)
  --retry-noisy N    measure a cell again, up to N times, when other processes used
                     ≥ 10% of a core; keeps the quietest   BENCH_RETRY_NOISY  (default 0)
  --out DIR          where results go                     BENCH_OUT          (default .bench)
`;

function list(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function positive(v: string, name: string, allowZero = false): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0))
    throw new Error(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got "${v}"`);
  return n;
}

export function parseBenchOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      prewarm: { type: 'string' },
      targets: { type: 'string' },
      node: { type: 'string' },
      workers: { type: 'string' },
      limits: { type: 'string' },
      'young-mb': { type: 'string' },
      keys: { type: 'string' },
      scenarios: { type: 'string' },
      concurrency: { type: 'string' },
      load: { type: 'string' },
      'cpu-prof': { type: 'boolean' },
      'no-pin': { type: 'boolean' },
      strict: { type: 'boolean' },
      'wait-quiet': { type: 'string' },
      'retry-noisy': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  const targets = list(values.targets ?? env.BENCH_TARGETS ?? 'direct,switchyard,nginx');
  for (const t of targets)
    if (!['direct', 'switchyard', 'nginx', 'floor', 'fastify', 'ccr'].includes(t)) throw new Error(`unknown target "${t}"`);
  const nodes = list(values.node ?? env.BENCH_NODE);
  const workers = list(values.workers ?? env.BENCH_WORKERS ?? '1').map((w) => {
    const n = Number(w);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--workers: each value must be a whole number >= 1, got "${w}"`);
    return n;
  });
  const youngMb = list(values['young-mb'] ?? env.BENCH_YOUNG_MB ?? '0').map((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--young-mb: each value must be a whole number of MB >= 0, got "${v}"`);
    return n;
  });
  const limits = list(values.limits ?? env.BENCH_LIMITS);
  for (const l of limits) if (l !== 'local' && l !== 'redis') throw new Error(`--limits: unknown value "${l}" (local, redis)`);
  const keys = list(values.keys ?? env.BENCH_KEYS ?? 'none');
  for (const k of keys) if (k !== 'none' && k !== 'limited') throw new Error(`--keys: unknown value "${k}" (none, limited)`);
  const concurrency = list(values.concurrency ?? env.BENCH_CONCURRENCY ?? '1,16,64').map((c) => Math.floor(positive(c, '--concurrency')));
  const scenarios = list(values.scenarios ?? env.BENCH_SCENARIOS);
  const load = values.load ?? env.BENCH_LOAD ?? 'auto';
  if (load !== 'node' && load !== 'wrk' && load !== 'auto') throw new Error(`--load: unknown value "${load}" (node, wrk, auto)`);
  return {
    seconds: positive(values.seconds ?? env.BENCH_SECONDS ?? '5', '--seconds'),
    warmupSeconds: positive(values.warmup ?? env.BENCH_WARMUP ?? '1', '--warmup', true),
    prewarmSeconds: positive(values.prewarm ?? env.BENCH_PREWARM ?? '3', '--prewarm', true),
    targets: targets as BenchOptions['targets'],
    nodes: nodes.length ? nodes : [''],
    workers: [...new Set(workers)],
    youngMb: [...new Set(youngMb)],
    limits: limits as BenchOptions['limits'],
    keys: keys as KeysMode[],
    scenarios: scenarios.length ? scenarios : undefined,
    concurrency,
    load,
    cpuProf: values['cpu-prof'] ?? ['1', 'true'].includes(env.BENCH_CPU_PROF ?? ''),
    pin: !(values['no-pin'] ?? env.BENCH_PIN === '0'),
    strict: values.strict ?? ['1', 'true'].includes(env.BENCH_STRICT ?? ''),
    retryNoisy: Math.floor(positive(values['retry-noisy'] ?? env.BENCH_RETRY_NOISY ?? '0', '--retry-noisy', true)),
    waitQuietSeconds: positive(values['wait-quiet'] ?? env.BENCH_WAIT_QUIET ?? '0', '--wait-quiet', true),
    outDir: values.out ?? env.BENCH_OUT ?? '.bench',
  };
}
