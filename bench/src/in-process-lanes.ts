/**
 * The bench's lanes in process (no HTTP, no sockets), shared by measure-stream-lanes.ts and
 * measure-json-lanes.ts: the kernel's GatewayPipeline of one build with the real protocol codecs
 * (openai, anthropic, openresponses plugins), the bench's gateway config (a virtual model with a
 * profile per upstream) and two backends that answer as the bench upstream does, from its exact
 * replies (bench-upstream.ts: the mock's OpenAI chat reply for the body the gateway sends
 * upstream, one chunk per read when streamed; anthropic-mock-reply.ts for the Anthropic upstream).
 */
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { ProtocolCodec, ProviderPlugin, UpstreamCall, UpstreamReply } from '@switchyard/kernel';
import { buildMockReply, resolveMockSettings, type MockStreamPlan } from '@switchyard/plugin-mock/standalone';
import { AnthropicStreamPlan, anthropicMessageBody } from './anthropic-mock-reply.js';
import { drain, interleavedRounds } from './in-process-rounds.js';
import { CHUNKS, requestBody, type Scenario } from './scenarios.js';
import { UPSTREAM_MODEL } from './targets.js';

type Kernel = typeof import('@switchyard/kernel');
export type Pipeline = InstanceType<Kernel['GatewayPipeline']>;

/** The virtual model of each upstream (the bench's own names, switchyard-target.ts). */
const MODEL = { fast: 'bench', anthropic: 'bench-to-anthropic' } as const;

/** The rendered events of a mock plan, one Buffer per upstream write (the bench upstream writes each event on its own). */
function rendered(plan: MockStreamPlan): Buffer[] {
  return Array.from({ length: plan.length }, (_, i) => Buffer.from(plan.render(i)));
}

/**
 * The bench upstream's OpenAI chat reply to `body`, as the chunks it writes (one, the JSON body,
 * when not streamed); cached per body shape (only `stream` and stream_options change it).
 */
function openaiChunks(): (body: Record<string, unknown>) => Buffer[] {
  const settings = resolveMockSettings({ output_tokens: CHUNKS, mock_models: [UPSTREAM_MODEL] });
  const cache = new Map<string, Buffer[]>();
  return (body) => {
    const key = JSON.stringify([body.stream === true, body.stream_options ?? null]);
    let chunks = cache.get(key);
    if (!chunks) {
      const reply = buildMockReply('openai.chat', body, UPSTREAM_MODEL, settings);
      if (reply.plan) chunks = rendered(reply.plan);
      else if (reply.status === 200 && reply.body) chunks = [Buffer.from(reply.body)];
      else throw new Error(`the mock did not answer: ${reply.status} ${reply.body ?? ''}`);
      cache.set(key, chunks);
    }
    return chunks;
  };
}

/** Two backends answering from the bench upstream's replies: `fast` (OpenAI chat) and `anthropic` (Anthropic Messages). */
function benchPlugins(): ProviderPlugin[] {
  const chat = openaiChunks();
  const anthropicStream = rendered(new AnthropicStreamPlan(UPSTREAM_MODEL, CHUNKS));
  const anthropicJson = [Buffer.from(anthropicMessageBody(UPSTREAM_MODEL, CHUNKS))];
  const replyOf = (call: UpstreamCall, chunks: Buffer[]): UpstreamReply => ({
    status: 200,
    headers: { 'content-type': call.stream ? 'text/event-stream' : 'application/json' },
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
    backend('bench-openai', 'openai.chat', (call) => replyOf(call, chat(call.body))),
    backend('bench-anthropic', 'anthropic.messages', (call) => replyOf(call, call.stream ? anthropicStream : anthropicJson)),
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
export interface Build {
  label: string;
  kernel: Kernel;
  codecs: ProtocolCodec[];
}

/** The kernel and codecs of the built checkout at `root`. */
export async function loadBuild(label: string, root: string): Promise<Build> {
  const load = async <T>(path: string): Promise<T> => (await import(pathToFileURL(resolve(root, path)).href)) as T;
  const kernel = await load<Kernel>('libs/kernel/dist/index.js');
  const codecs: ProtocolCodec[] = [];
  for (const name of ['openai', 'anthropic', 'openresponses']) {
    const mod = await load<{ plugin: ProviderPlugin }>(`plugins/${name}/dist/index.js`);
    codecs.push(...(mod.plugin.codecs ?? []));
  }
  return { label, kernel, codecs };
}

/** A build's pipeline for the bench's config, observed as metrics and the journal observe every exchange. */
export async function pipelineOf({ kernel, codecs }: Build): Promise<Pipeline> {
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

export interface LaneRequest {
  protocol: 'openai.chat' | 'anthropic.messages' | 'openai.responses';
  body: Record<string, unknown>;
}

/** A scenario's request as the pipeline gets it (the bench's body, parsed). */
export function laneRequest(s: Scenario): LaneRequest {
  const model = s.pacing === 'anthropic' ? MODEL.anthropic : MODEL.fast;
  return { protocol: s.client ?? 'openai.chat', body: JSON.parse(requestBody(s, model).toString('utf8')) as Record<string, unknown> };
}

let sequence = 0;

/** One request through the pipeline, its reply read to the end and its measurement awaited (the clone of the body included, as on every lane). */
export async function oneRequest(pipeline: Pipeline, req: LaneRequest, signal: AbortSignal): Promise<void> {
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

/** The whole reply to one request, as text (to count a stream's events, and to check that the lane works). */
export async function replyText(pipeline: Pipeline, req: LaneRequest): Promise<string> {
  const reply = await pipeline.handle({
    protocol: req.protocol,
    body: structuredClone(req.body),
    headers: {},
    requestId: 'probe',
    signal: new AbortController().signal,
  });
  if (Buffer.isBuffer(reply.body)) return reply.body.toString('utf8');
  const parts: Buffer[] = [];
  for await (const c of reply.body as Readable) parts.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(parts).toString('utf8');
}

/** µs of CPU per request over `n` sequential requests. */
export async function round(pipeline: Pipeline, req: LaneRequest, n: number): Promise<number> {
  const signal = new AbortController().signal;
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) await oneRequest(pipeline, req, signal);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

/** Slices per round (see slicedRounds). */
const SLICES = 10;
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * `rounds` rounds of `n` requests per subject (a pipeline and a lane's request), µs of CPU per
 * request per round. Each round is SLICES passes over the subjects (alternating order) of
 * n / SLICES requests each, so that every subject of a round sees the same stretch of machine
 * load; a round's figure is their mean.
 */
export async function slicedRounds(
  subjects: ReadonlyArray<{ p: Pipeline; req: LaneRequest }>,
  n: number,
  rounds: number,
): Promise<number[][]> {
  const per = Math.max(1, Math.round(n / SLICES));
  const slices = await interleavedRounds(subjects.length, rounds * SLICES, (i) => round(subjects[i]!.p, subjects[i]!.req, per));
  return slices.map((xs) => Array.from({ length: rounds }, (_, r) => mean(xs.slice(r * SLICES, (r + 1) * SLICES))));
}
