/**
 * CPU per request of the kernel's GatewayPipeline.handle, in process, against a trivial adapter
 * (no HTTP, no sockets): what the pipeline itself costs. Three cases: a complete JSON reply, a
 * streamed reply (read to its end), and a failover (the first target answers 503, the second 200).
 * CPU time (process.cpuUsage, user + system) rather than wall time, and with `--baseline` two
 * kernels measured in the same process in alternating rounds, so that a busy machine slows both
 * alike. Prints the median and the minimum of the rounds per case, in µs per request.
 *
 *   node bench/dist/measure-pipeline-cpu.js [--baseline <other kernel's dist/index.js>] [requests per round] [rounds]
 *
 * (A baseline: copy libs/kernel/{package.json,dist} of another commit to
 * <dir>/node_modules/@switchyard/kernel inside this checkout, so that its dependencies resolve.)
 */
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import type { ProviderPlugin, UpstreamCall, UpstreamReply } from '@switchyard/kernel';
import { drain, interleavedRounds, summary } from './in-process-rounds.js';

type Kernel = typeof import('@switchyard/kernel');
interface Handler {
  handle: Kernel['GatewayPipeline']['prototype']['handle'];
}

const JSON_BODY = Buffer.from(
  JSON.stringify({
    id: 'x',
    object: 'chat.completion',
    model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content: 'hello there' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
  }),
);
const chunk = (content: string): string =>
  `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', model: 'm', choices: [{ index: 0, delta: { content } }] })}\n\n`;
const SSE_EVENTS = [...['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((c) => Buffer.from(chunk(c))), Buffer.from('data: [DONE]\n\n')];

function reply(call: UpstreamCall, status: number): UpstreamReply {
  if (status !== 200) {
    return { status, headers: { 'content-type': 'application/json' }, body: Readable.from([Buffer.from('{"error":{"message":"busy"}}')]) };
  }
  return call.stream
    ? { status, headers: { 'content-type': 'text/event-stream' }, body: Readable.from(SSE_EVENTS) }
    : { status, headers: { 'content-type': 'application/json' }, body: Readable.from([JSON_BODY]) };
}

const plugin: ProviderPlugin = {
  type: 'trivial',
  nativeProtocols: ['openai.chat'],
  createAdapter: (config) => ({
    backendId: config.id,
    wireProtocolFor: (ingress) => ingress,
    send: async (call) => reply(call, config.id === 'busy' ? 503 : 200),
    close: async () => undefined,
  }),
};

const CONFIG = `
backends:
  - { id: ok, type: trivial, models: ["plain"] }
  - { id: busy, type: trivial }
routes:
  - { virtual_model: failover, targets: [{ backend: busy, real_model: m }, { backend: ok, real_model: m }] }
`;

const CASES: ReadonlyArray<readonly [name: string, model: string, stream: boolean]> = [
  ['json', 'plain', false],
  ['stream', 'plain', true],
  ['failover', 'failover', false],
];

async function pipelineOf(kernel: Kernel): Promise<Handler> {
  const registry = new kernel.PluginRegistry().register(plugin);
  const { config } = await kernel.buildConfig(parse(CONFIG), { source: 'bench', baseDir: '.', env: {}, registry });
  const runtime = new kernel.GatewayRuntime({ config, registry, logger: kernel.silentLogger() });
  return new kernel.GatewayPipeline({ current: () => runtime }, kernel.silentLogger());
}

/** µs of CPU per request over `n` sequential requests. */
async function round(pipeline: Handler, model: string, stream: boolean, n: number): Promise<number> {
  const signal = new AbortController().signal;
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const r = await pipeline.handle({
      protocol: 'openai.chat',
      body: { model, stream, messages: [{ role: 'user', content: 'hi' }] },
      headers: {},
      requestId: `r${i}`,
      signal,
    });
    await drain(r);
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--baseline');
  const baselinePath = at >= 0 ? args.splice(at, 2)[1] : undefined;
  const n = Number(args[0] ?? 5000);
  const rounds = Number(args[1] ?? 10);
  const subjects: Array<[string, Handler]> = [['this kernel', await pipelineOf(await import('@switchyard/kernel'))]];
  if (baselinePath) {
    const baseline = (await import(pathToFileURL(baselinePath).href)) as Kernel;
    subjects.unshift(['baseline', await pipelineOf(baseline)]);
  }
  for (const [, model, stream] of CASES) for (const [, p] of subjects) await round(p, model, stream, Math.min(n, 2000)); // warm-up
  for (const [name, model, stream] of CASES) {
    const results = await interleavedRounds(subjects.length, rounds, (i) => round(subjects[i]![1], model, stream, n));
    const line = subjects.map(([label], i) => `${label}: ${summary(results[i]!)}`).join(' | ');
    process.stdout.write(`${name.padEnd(9)} ${line} µs CPU/request\n`);
  }
}

void main();
