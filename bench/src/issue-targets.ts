/** The performance targets Switchyard is held to, checked against one run's cells. */
import type { CellResult } from './cell-result.js';

export interface TargetCheck {
  target: string;
  description: string;
  status: 'PASS' | 'FAIL' | 'SKIP';
  /** The measured values behind the verdict (one per cell). */
  detail: string;
}

const MAX_CPU_US = 250;
const MIN_RPS_VS_NGINX = 0.4;
const MAX_ADDED_TTFT_P50 = 0.5;
const MAX_ADDED_TTFT_P99 = 2;

const fmt = (n: number, digits = 2) => n.toFixed(digits);

function check(
  target: string,
  description: string,
  cells: CellResult[],
  value: (c: CellResult) => string | undefined,
  ok: (c: CellResult) => boolean,
  skipWhy: string,
): TargetCheck {
  const measured = cells.filter((c) => value(c) !== undefined);
  if (measured.length === 0) return { target, description, status: 'SKIP', detail: skipWhy };
  return {
    target,
    description,
    status: measured.every(ok) ? 'PASS' : 'FAIL',
    detail: measured.map((c) => `${c.scenario} c=${c.concurrency}: ${value(c)}${ok(c) ? '' : ' ✗'}`).join('; '),
  };
}

export function checkIssueTargets(results: CellResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const names = [...new Set(results.filter((r) => r.kind === 'switchyard').map((r) => r.target))];
  for (const name of names) {
    const mine = results.filter((r) => r.target === name);
    checks.push(
      check(
        name,
        `proxy CPU ≤ ${MAX_CPU_US} µs per non-streaming request`,
        mine.filter((r) => r.scenario === 'chat'),
        (c) => (c.cpuUsPerReq === undefined ? undefined : `${Math.round(c.cpuUsPerReq)} µs`),
        (c) => (c.cpuUsPerReq ?? Infinity) <= MAX_CPU_US,
        'no non-streaming chat cell was run',
      ),
      check(
        name,
        `req/s at c=64 ≥ ${MIN_RPS_VS_NGINX}× nginx`,
        mine.filter((r) => r.concurrency === 64),
        (c) => (c.vsNginx ? `${fmt(c.vsNginx.rps, 3)}×` : undefined),
        (c) => (c.vsNginx?.rps ?? 0) >= MIN_RPS_VS_NGINX,
        'needs c=64 cells with nginx',
      ),
      check(
        name,
        `stream with 5 ms gaps adds ≤ ${MAX_ADDED_TTFT_P50} ms TTFT at p50 and ≤ ${MAX_ADDED_TTFT_P99} ms at p99`,
        mine.filter((r) => r.scenario === 'stream-5ms'),
        (c) => (c.addedMs?.ttftP50 === undefined ? undefined : `p50 ${fmt(c.addedMs.ttftP50)} ms, p99 ${fmt(c.addedMs.ttftP99 ?? NaN)} ms`),
        (c) => (c.addedMs?.ttftP50 ?? Infinity) <= MAX_ADDED_TTFT_P50 && (c.addedMs?.ttftP99 ?? Infinity) <= MAX_ADDED_TTFT_P99,
        'needs stream-5ms cells with direct',
      ),
    );
  }
  return checks;
}
