/**
 * That wrk's requests are answered and reach the target. Before the cells wrk drives: a short
 * checking wrk run per request shape (HTTP 200, the protocol's reply in the body); and, where the
 * target counts requests (Switchyard's `switchyard_requests_total`), the count must grow by wrk's
 * in the checking run and in every cell — a cell of fast errors must never pass for a fast cell.
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
 * over the run) a count outside [wrk's requests, wrk's requests + 2 × connections] (the requests
 * in flight when this run, or the checking run before it, stopped reach the target but not this
 * run's summary).
 */
export function wrkPreflightProblem(s: WrkSummary, concurrency: number, counted?: number): string | undefined {
  const e = s.errors;
  if (s.requests === 0) return 'wrk completed no request';
  if (s.check?.non200) return `${s.check.non200} of ${s.requests} answers were not HTTP 200 (first: ${s.check.firstStatus})`;
  if (s.check?.unmarked) return `${s.check.unmarked} of ${s.requests} HTTP 200 answers lacked the protocol's reply`;
  if (e.status + e.connect + e.read + e.write + e.timeout > 0)
    return `wrk errors: status ${e.status}, connect ${e.connect}, read ${e.read}, write ${e.write}, timeout ${e.timeout}`;
  if (counted !== undefined && (counted < s.requests || counted > s.requests + 2 * concurrency))
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

/**
 * After a wrk cell (warm-up and measured run) on a target that counts requests: throws unless its
 * count since `before` reached the `answered` requests. Only the lower bound: the previous load's
 * requests still in flight when it stopped may land in this window.
 */
export async function checkCellCount(target: Target, before: number, answered: number): Promise<void> {
  const counted = await countedSince(target, before, answered);
  if (counted < answered)
    throw new Error(`${target.name}: the target counted ${counted} requests while wrk completed ${answered} in a cell`);
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
