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
import { fileURLToPath } from 'node:url';
import { median, summary } from './in-process-rounds.js';
import { laneRequest, loadBuild, pipelineOf, replyText, round, slicedRounds } from './in-process-lanes.js';
import { scenarios } from './scenarios.js';

const PASSTHROUGH = 'stream-0ms';
const LANES = [PASSTHROUGH, 'anthropic-stream', 'to-anthropic-stream', 'responses-stream'];

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
  const session = allocProf ? await startAllocationSampling() : null;
  const results = await slicedRounds(subjects, n, rounds);
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
