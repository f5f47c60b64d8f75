/**
 * Before the cells wrk drives: a short checking wrk run per request shape, so that wrk's requests
 * are known to be answered (HTTP 200, the protocol's reply in the body) and, where the target
 * counts requests (Switchyard's `switchyard_requests_total`), to reach it — a cell of fast
 * errors must never pass for a fast cell.
 */
import type { Pinning } from './processes.js';
import { replyMarkOf, scenarioRequests, type Scenario } from './scenarios.js';
import type { Target } from './targets.js';
import { checkWithWrk, type WrkSummary } from './wrk-load.js';

/** Connections of the checking run (1 s). */
const CHECK_CONCURRENCY = 2;

/**
 * What is wrong with a checking run, or undefined: no request, an answer that was not 200 or
 * lacked the reply mark, a socket error, or (when `counted` is given: the target's request count
 * over the run) a count outside [wrk's requests, wrk's requests + connections] (the requests in
 * flight when wrk stopped reach the target but not wrk's summary).
 */
export function wrkPreflightProblem(s: WrkSummary, concurrency: number, counted?: number): string | undefined {
  const e = s.errors;
  if (s.requests === 0) return 'wrk completed no request';
  if (s.check?.non200) return `${s.check.non200} of ${s.requests} answers were not HTTP 200 (first: ${s.check.firstStatus})`;
  if (s.check?.unmarked) return `${s.check.unmarked} of ${s.requests} HTTP 200 answers lacked the protocol's reply`;
  if (e.status + e.connect + e.read + e.write + e.timeout > 0)
    return `wrk errors: status ${e.status}, connect ${e.connect}, read ${e.read}, write ${e.write}, timeout ${e.timeout}`;
  if (counted !== undefined && (counted < s.requests || counted > s.requests + concurrency))
    return `the target counted ${counted} requests while wrk completed ${s.requests}`;
  return undefined;
}

/** Polls the target's request count until it reaches `atLeast` over `before` (metrics lag the answer a little), at most 2 s. */
async function countedSince(target: Target, before: number, atLeast: number): Promise<number> {
  let counted = (await target.requestsCounted!()) - before;
  for (let i = 0; i < 20 && counted < atLeast; i++) {
    await new Promise((r) => setTimeout(r, 100));
    counted = (await target.requestsCounted!()) - before;
  }
  return counted;
}

/** The checking run of every shape in `shapes` (non-streaming, served by `target`); throws on the first problem. */
export async function preflightWithWrk(target: Target, shapes: Scenario[], pin: Pinning): Promise<void> {
  for (const scenario of shapes) {
    const endpoint = target.endpoint(scenario.pacing)!;
    const before = await target.requestsCounted?.();
    const request = { ...scenarioRequests(scenario, endpoint), concurrency: CHECK_CONCURRENCY };
    const summary = await checkWithWrk(request, pin, replyMarkOf(scenario));
    const counted = before === undefined ? undefined : await countedSince(target, before, summary.requests);
    const problem = wrkPreflightProblem(summary, CHECK_CONCURRENCY, counted);
    if (problem) throw new Error(`${target.name} (${scenario.id}) with wrk: ${problem}`);
  }
}
