/**
 * CPU per non-streamed request of the bench's lanes, in process (no HTTP, no sockets): the
 * kernel's GatewayPipeline with the real protocol codecs, the bench's request bodies and its
 * upstream's exact JSON replies (in-process-lanes.ts), the exchange measured as metrics and the
 * journal measure it. The non-streamed twin of measure-stream-lanes.ts:
 *
 *   chat          OpenAI chat client → OpenAI chat upstream (passthrough)
 *   anthropic     Anthropic client   → OpenAI chat upstream
 *   to-anthropic  OpenAI chat client → Anthropic upstream
 *   responses     Responses client   → OpenAI chat upstream
 *
 * CPU time (process.cpuUsage, user + system) of `requests` sequential requests per round, the
 * lanes (and with `--baseline` the two builds) in alternating order; per lane the median and
 * minimum of the rounds in µs per request, and per translated lane its ratio to the passthrough
 * lane of the same round and build (the bench's issue #19 target).
 *
 *   node bench/dist/measure-json-lanes.js [--baseline <root of another built checkout>] [--lanes a,b] [requests per round] [rounds]
 *
 * For a profile: `node --cpu-prof --cpu-prof-dir .bench/prof bench/dist/measure-json-lanes.js --lanes responses 20000 1`.
 */
import { fileURLToPath } from 'node:url';
import { median, summary } from './in-process-rounds.js';
import { laneRequest, loadBuild, pipelineOf, replyText, round, slicedRounds, type LaneRequest } from './in-process-lanes.js';
import { replyMarkOf, scenarios } from './scenarios.js';

const PASSTHROUGH = 'chat';
const LANES = [PASSTHROUGH, 'anthropic', 'to-anthropic', 'responses'];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--lanes');
  const lanes = at >= 0 ? args.splice(at, 2)[1]!.split(',') : LANES;
  const b = args.indexOf('--baseline');
  const baselineRoot = b >= 0 ? args.splice(b, 2)[1] : undefined;
  const n = Number(args[0] ?? 5000);
  const rounds = Number(args[1] ?? 7);
  const builds = [await loadBuild('this build', fileURLToPath(new URL('../..', import.meta.url)))];
  if (baselineRoot) builds.unshift(await loadBuild('baseline', baselineRoot));
  const byId = new Map(scenarios([16]).map((s) => [s.id, s]));
  const pipelines = await Promise.all(builds.map(pipelineOf));
  const requests: LaneRequest[] = [];
  for (const id of lanes) {
    const s = byId.get(id);
    if (!s || s.stream) throw new Error(`unknown non-streamed lane ${id} (lanes: ${LANES.join(', ')})`);
    const req = laneRequest(s);
    for (const [i, p] of pipelines.entries()) {
      const text = await replyText(p, req);
      if (!text.includes(replyMarkOf(s))) throw new Error(`${builds[i]!.label} ${id}: not a complete reply:\n${text}`);
    }
    requests.push(req);
  }
  // Warm-up (the JIT needs ~20k requests).
  for (const p of pipelines) for (const req of requests) await round(p, req, Math.max(n, 5000));
  const subjects = pipelines.flatMap((p, b) => requests.map((req, l) => ({ p, req, b, l })));
  const results = await slicedRounds(subjects, n, rounds);
  process.stdout.write(`${n} requests per round, ${rounds} rounds; µs CPU per request\n`);
  const of = (b: number, l: number): number[] => results[subjects.findIndex((s) => s.b === b && s.l === l)]!;
  const base = lanes.indexOf(PASSTHROUGH);
  for (const [l, lane] of lanes.entries()) {
    const line = builds.map(({ label }, b) => {
      const perRequest = of(b, l);
      const ratio = base >= 0 && l !== base ? `, ×${median(perRequest.map((x, r) => x / of(b, base)[r]!)).toFixed(2)} passthrough` : '';
      return `${label}: ${summary(perRequest)}${ratio}`;
    });
    process.stdout.write(`${lane.padEnd(14)} ${line.join(' | ')}\n`);
  }
}

await main();
