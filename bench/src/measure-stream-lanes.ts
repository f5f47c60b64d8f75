/**
 * CPU per stream and per translated event of the bench's streamed lanes, in process (no HTTP, no
 * sockets): the kernel's GatewayPipeline with the real protocol codecs (openai, anthropic,
 * openresponses plugins), the bench's request bodies (scenarios.ts) and its upstream's exact chunk
 * sequences, one chunk per read (bench-upstream.ts: the mock's OpenAI chat plan for the body the
 * gateway sends upstream; anthropic-mock-reply.ts for the Anthropic upstream), with the exchange
 * measured as metrics and the journal measure it (usage metering off the stream's side copy).
 *
 *   stream-0ms           OpenAI chat client → OpenAI chat upstream (passthrough)
 *   anthropic-stream     Anthropic client   → OpenAI chat upstream
 *   to-anthropic-stream  OpenAI chat client → Anthropic upstream
 *   responses-stream     Responses client   → OpenAI chat upstream
 *
 * CPU time (process.cpuUsage, user + system) of `streams` sequential streams per round, the lanes
 * (and with `--baseline` the two builds) measured in alternating order round after round; per
 * lane the median and minimum of the rounds in µs per stream, and per translated lane µs per
 * event: (lane − passthrough, same round and build) ÷ the passthrough's events per stream, as the
 * bench's issue #19 target computes it.
 *
 *   node bench/dist/measure-stream-lanes.js [--baseline <root of another built checkout>] [--lanes a,b] [streams per round] [rounds]
 *
 * (A baseline: a checkout of another commit, built (`npx tsc -b tsconfig.build.json`), whose
 * node_modules/@switchyard/* point at its own packages; its kernel and plugins are loaded from there.)
 * For a profile: `node --cpu-prof --cpu-prof-dir .bench/prof bench/dist/measure-stream-lanes.js --lanes responses-stream 20000 1`.
 * `--alloc-prof <file.heapprofile>` samples what the measured rounds allocate (collected objects
 * included, unlike `--heap-prof`), for DevTools or bench/dist/heap-profile-summary.js.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { ProtocolCodec, ProviderPlugin, UpstreamCall, UpstreamReply } from '@switchyard/kernel';
import { buildMockReply, resolveMockSettings, type MockStreamPlan } from '@switchyard/plugin-mock/standalone';
import { AnthropicStreamPlan } from './anthropic-mock-reply.js';
import { drain, interleavedRounds, median, summary } from './in-process-rounds.js';
import { CHUNKS, requestBody, scenarios, type Scenario } from './scenarios.js';
import { UPSTREAM_MODEL } from './targets.js';

type Kernel = typeof import('@switchyard/kernel');
type Pipeline = InstanceType<Kernel['GatewayPipeline']>;

const PASSTHROUGH = 'stream-0ms';
const LANES = [PASSTHROUGH, 'anthropic-stream', 'to-anthropic-stream', 'responses-stream'];
/** The virtual model of each upstream (the bench's own names, switchyard-target.ts). */
const MODEL = { fast: 'bench', anthropic: 'bench-to-anthropic' } as const;

/** The rendered events of a mock plan, one Buffer per upstream write (the bench upstream writes each event on its own). */
function rendered(plan: MockStreamPlan): Buffer[] {
  return Array.from({ length: plan.length }, (_, i) => Buffer.from(plan.render(i)));
}

/** The bench upstream's OpenAI chat reply to `body` (cached per body shape: only stream_options changes it). */
function openaiChunks(): (body: Record<string, unknown>) => Buffer[] {
  const settings = resolveMockSettings({ output_tokens: CHUNKS, mock_models: [UPSTREAM_MODEL] });
  const cache = new Map<string, Buffer[]>();
  return (body) => {
    const key = JSON.stringify(body.stream_options ?? null);
    let chunks = cache.get(key);
    if (!chunks) {
      const plan = buildMockReply('openai.chat', body, UPSTREAM_MODEL, settings).plan;
      if (!plan) throw new Error('the mock did not answer with a stream');
      cache.set(key, (chunks = rendered(plan)));
    }
    return chunks;
  };
}

/** Two backends answering from the bench upstream's sequences: `fast` (OpenAI chat) and `anthropic` (Anthropic Messages). */
function benchPlugins(): ProviderPlugin[] {
  const chat = openaiChunks();
  const anthropic = rendered(new AnthropicStreamPlan(UPSTREAM_MODEL, CHUNKS));
  const streamOf = (chunks: Buffer[]): UpstreamReply => ({
    status: 200,
    headers: { 'content-type': 'text/event-stream' },
    body: Readable.from(chunks, { objectMode: false }),
  });
  const backend = (
    type: string,
    wire: 'openai.chat' | 'anthropic.messages',
    reply: (call: UpstreamCall) => UpstreamReply,
  ): ProviderPlugin => ({
    type,
    nativeProtocols: [wire],
    createAdapter: (config) => ({
      backendId: config.id,
      wireProtocolFor: () => wire,
      send: async (call) => reply(call),
      close: async () => undefined,
    }),
  });
  return [
    backend('bench-openai', 'openai.chat', (call) => streamOf(chat(call.body))),
    backend('bench-anthropic', 'anthropic.messages', () => streamOf(anthropic)),
  ];
}

/** The bench's gateway config (switchyard-target.ts): a virtual model with a profile per upstream. */
function benchConfig(): object {
  const profile = { real_model: UPSTREAM_MODEL, defaults: { temperature: 0.2, max_tokens: 64 }, clamp: { top_p: 0.9 } };
  return {
    backends: [
      { id: 'bench-fast', type: 'bench-openai', models: [UPSTREAM_MODEL] },
      { id: 'bench-anthropic', type: 'bench-anthropic', models: [UPSTREAM_MODEL] },
    ],
    routes: [
      { virtual_model: MODEL.fast, backend: 'bench-fast', ...profile },
      { virtual_model: MODEL.anthropic, backend: 'bench-anthropic', ...profile },
    ],
  };
}

/** One build: its kernel and the codecs of its plugins. */
interface Build {
  label: string;
  kernel: Kernel;
  codecs: ProtocolCodec[];
}

async function loadBuild(label: string, root: string): Promise<Build> {
  const load = async <T>(path: string): Promise<T> => (await import(pathToFileURL(resolve(root, path)).href)) as T;
  const kernel = await load<Kernel>('libs/kernel/dist/index.js');
  const codecs: ProtocolCodec[] = [];
  for (const name of ['openai', 'anthropic', 'openresponses']) {
    const mod = await load<{ plugin: ProviderPlugin }>(`plugins/${name}/dist/index.js`);
    codecs.push(...(mod.plugin.codecs ?? []));
  }
  return { label, kernel, codecs };
}

async function pipelineOf({ kernel, codecs }: Build): Promise<Pipeline> {
  const registry = new kernel.PluginRegistry();
  for (const p of benchPlugins()) registry.register(p);
  for (const c of codecs) registry.registerCodec(c);
  const { config } = await kernel.buildConfig(benchConfig(), { source: 'bench', baseDir: '.', env: {}, registry });
  const runtime = new kernel.GatewayRuntime({ config, registry, logger: kernel.silentLogger() });
  const pipeline = new kernel.GatewayPipeline({ current: () => runtime }, kernel.silentLogger());
  // What metrics and the journal do with every exchange: its measurement (a stream's side copy metered).
  pipeline.addObserver({ observe: (exchange) => void kernel.measurementOf(exchange) });
  return pipeline;
}

interface LaneRequest {
  protocol: 'openai.chat' | 'anthropic.messages' | 'openai.responses';
  body: Record<string, unknown>;
}

function laneRequest(s: Scenario): LaneRequest {
  const model = s.pacing === 'anthropic' ? MODEL.anthropic : MODEL.fast;
  return { protocol: s.client ?? 'openai.chat', body: JSON.parse(requestBody(s, model).toString('utf8')) as Record<string, unknown> };
}

let sequence = 0;
/** Slices per round (see main). */
const SLICES = 10;
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

async function oneStream(pipeline: Pipeline, req: LaneRequest, signal: AbortSignal): Promise<void> {
  const reply = await pipeline.handle({
    protocol: req.protocol,
    body: structuredClone(req.body),
    headers: {},
    requestId: `r${++sequence}`,
    signal,
  });
  await drain(reply);
  await reply.exchange?.measurement;
}

/** The whole reply of one stream (to count its events, and to check the lane works). */
async function replyText(pipeline: Pipeline, req: LaneRequest): Promise<string> {
  const reply = await pipeline.handle({
    protocol: req.protocol,
    body: structuredClone(req.body),
    headers: {},
    requestId: 'probe',
    signal: new AbortController().signal,
  });
  const parts: Buffer[] = [];
  for await (const c of reply.body as Readable) parts.push(c as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/** µs of CPU per stream over `n` sequential streams (the clone of the request body included, as on every lane). */
async function round(pipeline: Pipeline, req: LaneRequest, n: number): Promise<number> {
  const signal = new AbortController().signal;
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) await oneStream(pipeline, req, signal);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

/** Allocation sampling of everything allocated from now on, collected or not (every 1 KiB on average). */
async function startAllocationSampling(): Promise<Session> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 1024,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return session;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const take = (flag: string): string | undefined => {
    const at = args.indexOf(flag);
    return at >= 0 ? args.splice(at, 2)[1] : undefined;
  };
  const baselineRoot = take('--baseline');
  const allocProf = take('--alloc-prof');
  const lanes = take('--lanes')?.split(',') ?? LANES;
  const n = Number(args[0] ?? 2000);
  const rounds = Number(args[1] ?? 7);
  const here = fileURLToPath(new URL('../..', import.meta.url));
  const builds = [await loadBuild('this build', here)];
  if (baselineRoot) builds.unshift(await loadBuild('baseline', baselineRoot));
  const byId = new Map(scenarios([16]).map((s) => [s.id, s]));
  const requests = lanes.map((id) => {
    const s = byId.get(id);
    if (!s?.stream) throw new Error(`unknown stream lane ${id} (lanes: ${LANES.join(', ')})`);
    return laneRequest(s);
  });
  const pipelines = await Promise.all(builds.map(pipelineOf));
  // Events per stream as the bench counts them: the passthrough lane's SSE events.
  const passthroughText = await replyText(pipelines.at(-1)!, laneRequest(byId.get(PASSTHROUGH)!));
  const events = passthroughText.split('\n\n').length - 1;
  for (const [i, p] of pipelines.entries()) {
    for (const [j, req] of requests.entries()) {
      const text = await replyText(p, req);
      if (!/(\[DONE\]|message_stop|response\.completed)/.test(text))
        throw new Error(`${builds[i]!.label} ${lanes[j]}: the stream did not complete:\n${text}`);
    }
  }
  // Warm-up (the JIT needs ~20k requests).
  for (const p of pipelines) for (const req of requests) await round(p, req, Math.max(n, 5000));
  const subjects = pipelines.flatMap((p, b) => requests.map((req, l) => ({ p, req, b, l })));
  // Each round is SLICES passes over the subjects (alternating order) of n / SLICES streams each, so
  // that every subject of a round sees the same stretch of machine load; a round's figure is their mean.
  const per = Math.max(1, Math.round(n / SLICES));
  const session = allocProf ? await startAllocationSampling() : null;
  const slices = await interleavedRounds(subjects.length, rounds * SLICES, (i) => round(subjects[i]!.p, subjects[i]!.req, per));
  const results = slices.map((xs) => Array.from({ length: rounds }, (_, r) => mean(xs.slice(r * SLICES, (r + 1) * SLICES))));
  if (session && allocProf) {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    writeFileSync(allocProf, JSON.stringify(profile));
    session.disconnect();
  }
  process.stdout.write(`${n} streams per round, ${rounds} rounds, ${events} events per passthrough stream; µs CPU\n`);
  const at = (b: number, l: number): number[] => results[subjects.findIndex((s) => s.b === b && s.l === l)]!;
  const base = lanes.indexOf(PASSTHROUGH);
  for (const [l, lane] of lanes.entries()) {
    const line = builds.map(({ label }, b) => {
      const perStream = at(b, l);
      let text = `${label}: ${summary(perStream)} per stream`;
      if (base >= 0 && l !== base) {
        const perEvent = perStream.map((x, r) => (x - at(b, base)[r]!) / events);
        const ratio = perStream.map((x, r) => x / at(b, base)[r]!);
        text += `, ${summary(perEvent, 2)} per event, ×${median(ratio).toFixed(2)} passthrough`;
      }
      return text;
    });
    process.stdout.write(`${lane.padEnd(20)} ${line.join(' | ')}\n`);
  }
}

await main();
