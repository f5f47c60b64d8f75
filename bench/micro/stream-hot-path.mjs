// Micro-benchmark of the streamed passthrough hot path, per event: the passthrough rewriters (model
// field, usage-chunk stripper) and the metering loop of exchange-measurement (SSE parse, StreamMeter,
// mayMatter skip), for an OpenAI chat stream. CPU time per event (process.cpuUsage), so that other
// processes on the machine count less than in wall time.
//
//   node bench/micro/stream-hot-path.mjs [path/to/old/libs/kernel/dist]
//
// With a path, the same loop also runs against that build's kernel meter (the code before issue #16
// moved metering into the plugins), alternating runs so that both see the same machine load.
import { chainRewriters, createModelRewriter, createSseParser, endsAtEventBoundary } from '@switchyard/kernel';
import { performance } from 'node:perf_hooks';
import { openaiChatCodec } from '@switchyard/plugin-openai';

const N = 100_000;
const chunks = [];
for (let i = 0; i < N; i++) {
  chunks.push(
    Buffer.from(
      `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-real","choices":[{"index":0,"delta":{"content":"tok${i} "},"finish_reason":null}],"usage":null}\n\n`,
    ),
  );
}
chunks.push(
  Buffer.from(
    `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-real","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":${N}}}\n\ndata: [DONE]\n\n`,
  ),
);

const variants = { after: { meter: () => openaiChatCodec.usage.meterStream(), strip: () => openaiChatCodec.usage.stripStreamUsage() } };
if (process.argv[2]) {
  const dist = process.argv[2];
  const { createStreamMeter } = await import(`${dist}/observability/stream-meter.js`);
  const { createUsageChunkStripper } = await import(`${dist}/stream/strip-usage-chunk.js`);
  variants.before = { meter: () => createStreamMeter('openai.chat'), strip: createUsageChunkStripper };
}

function run({ meter, strip }) {
  const m = meter();
  const parser = createSseParser((e) => m.event(e, performance.now()));
  const rewrite = chainRewriters(createModelRewriter('gpt-real', 'alias'), strip());
  let clean = true;
  let bytes = 0;
  const t0 = process.cpuUsage();
  for (const c of chunks) {
    bytes += rewrite(c).length;
    if (clean && m.firstContentAt !== null && endsAtEventBoundary(c) && !m.mayMatter(c)) continue;
    parser.feed(c);
    clean = endsAtEventBoundary(c);
  }
  parser.end();
  const t = process.cpuUsage(t0);
  if (m.usage?.outputTokens !== N || bytes === 0) throw new Error('the meter did not read the usage');
  return ((t.user + t.system) * 1000) / chunks.length;
}

const ROUNDS = 15;
const results = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (let r = 0; r < ROUNDS; r++) for (const [name, v] of Object.entries(variants)) results[name].push(run(v));
for (const [name, ns] of Object.entries(results)) {
  ns.sort((a, b) => a - b);
  console.log(
    `${name}: CPU ns/event median ${ns[ROUNDS >> 1].toFixed(0)}, min ${ns[0].toFixed(0)} (${chunks.length} events, ${ROUNDS} runs)`,
  );
}
