/**
 * The performance targets of issue #19, checked against one run's cells: Switchyard relative to
 * the Node floor (a bare node:http + undici proxy on the same Node, `--targets …,floor`) and to
 * nginx measured in the same run, its translated lanes relative to its passthrough lane, and the
 * stream tail under 500 open streams. A check is INVALID when it passes on its valid cells but one
 * of its cells is invalid (the load core was ≥ 90 % busy); it never fails the test suite.
 */
import type { CellResult } from './cell-result.js';

export interface TargetCheck {
  target: string;
  description: string;
  status: 'PASS' | 'FAIL' | 'SKIP' | 'INVALID' | 'INFO';
  /** The measured values behind the verdict (one per cell). */
  detail: string;
}

/** Non-streaming chat CPU per request ≤ this × the floor's (c=1, 16, 64). */
export const MAX_CPU_VS_FLOOR = 1.25;
/** req/s at c=64 ≥ this × nginx's. */
export const MIN_RPS_VS_NGINX = 0.5;
/** Added p50 latency at c=1 ≤ the floor's + this (ms). */
export const MAX_P50_OVER_FLOOR_MS = 0.1;
/** stream-5ms: added TTFT p50 ≤ the floor's + this (ms) at c=1 and 16. */
export const MAX_TTFT_P50_OVER_FLOOR_MS = 0.15;
/** stream-5ms: added TTFT p99 ≤ the floor's + this (ms) at c=16 and 64. */
export const MAX_TTFT_P99_OVER_FLOOR_MS = 1;
/** A translated lane's CPU per request ≤ this × the passthrough lane's. */
export const MAX_TRANSLATED_VS_PASSTHROUGH = 1.3;
/** (translated − passthrough CPU per stream) ÷ events per stream ≤ this (µs). */
export const MAX_US_PER_TRANSLATED_EVENT = 5;
/** An 88 KB Claude-Code-sized request ≤ this × a small one (same lane, same c). */
export const MAX_LARGE_VS_SMALL = 2;
/** 500 open streams: event-loop delay p99 ≤ this (ms). */
export const MAX_LOOP_DELAY_P99_MS = 20;
/** 500 open streams: /healthz on a new connection answered within this at p99 (ms). */
export const MAX_HEALTHZ_P99_MS = 50;

const fmt = (n: number, digits = 2) => n.toFixed(digits);
const signed = (n: number) => (n >= 0 ? '+' : '') + fmt(n);

/** One measured comparison: its text, whether it holds, whether any cell behind it is invalid. */
interface Item {
  text: string;
  ok: boolean;
  invalid: boolean;
}

function verdict(target: string, description: string, items: Item[], skipWhy: string): TargetCheck {
  if (items.length === 0) return { target, description, status: 'SKIP', detail: skipWhy };
  const failed = items.some((i) => !i.ok && !i.invalid);
  const status = failed ? 'FAIL' : items.some((i) => i.invalid) ? 'INVALID' : 'PASS';
  const detail = items.map((i) => `${i.text}${i.ok ? '' : ' ✗'}${i.invalid ? ' (invalid: load core ≥ 90 %)' : ''}`).join('; ');
  return { target, description, status, detail };
}

const cellName = (c: CellResult) => `${c.scenario} c=${c.concurrency}`;

/** `mine` against the same cell of another kind of target, for every cell of `scenario` at `concurrency`. */
function against(
  mine: CellResult[],
  scenario: string,
  concurrency: number[],
  peer: (c: CellResult) => CellResult | undefined,
  measure: (me: CellResult, peer: CellResult) => { text: string; ok: boolean } | undefined,
): Item[] {
  const items: Item[] = [];
  for (const me of mine.filter((r) => r.scenario === scenario && concurrency.includes(r.concurrency))) {
    const other = peer(me);
    if (!other) continue;
    const m = measure(me, other);
    if (m) items.push({ text: `${cellName(me)}: ${m.text}`, ok: m.ok, invalid: !!(me.invalid || other.invalid) });
  }
  return items;
}

/** CPU per request at most `max` × the other cell's (`label` names the other cell in the text). */
function cpuRatio(max: number, label = ''): (me: CellResult, other: CellResult) => { text: string; ok: boolean } | undefined {
  return (me, other) =>
    me.cpuUsPerReq === undefined || !other.cpuUsPerReq
      ? undefined
      : {
          text: `${Math.round(me.cpuUsPerReq)} vs ${label}${Math.round(other.cpuUsPerReq)} µs = ${fmt(me.cpuUsPerReq / other.cpuUsPerReq)}×`,
          ok: me.cpuUsPerReq <= max * other.cpuUsPerReq,
        };
}

/** `what` (a latency percentile) at most `margin` ms above the floor's in the same cell. */
function overFloor(
  name: string,
  mine: CellResult[],
  floorOf: (me: CellResult) => CellResult | undefined,
  what: string,
  scenario: string,
  concurrency: number[],
  value: (c: CellResult) => number | undefined,
  margin: number,
): TargetCheck {
  const items = against(mine, scenario, concurrency, floorOf, (me, floor) => {
    const [a, b] = [value(me), value(floor)];
    if (a === undefined || b === undefined) return undefined;
    return { text: `${signed(a - b)} ms over the floor`, ok: a - b <= margin };
  });
  const at = concurrency.join(', ');
  return verdict(name, `${what} at c=${at} ≤ the floor's + ${margin} ms`, items, `needs ${scenario} c=${at} cells with the floor`);
}

export function checkIssueTargets(results: CellResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const sameCell = (kind: CellResult['kind'], scenario?: string) => (me: CellResult) =>
    results.find((r) => r.kind === kind && r.scenario === (scenario ?? me.scenario) && r.concurrency === me.concurrency);
  const names = [...new Set(results.filter((r) => r.kind === 'switchyard').map((r) => r.target))];
  for (const name of names) {
    const mine = results.filter((r) => r.target === name);
    const own = (scenario: string) => (me: CellResult) => mine.find((r) => r.scenario === scenario && r.concurrency === me.concurrency);
    checks.push(
      verdict(
        name,
        `non-streaming chat CPU per request ≤ ${MAX_CPU_VS_FLOOR}× the floor's at c=1, 16, 64`,
        against(mine, 'chat', [1, 16, 64], sameCell('floor'), cpuRatio(MAX_CPU_VS_FLOOR)),
        'needs chat cells with the floor (--targets …,floor)',
      ),
      verdict(
        name,
        `req/s at c=64 ≥ ${MIN_RPS_VS_NGINX}× nginx`,
        against(mine, 'chat', [64], sameCell('nginx'), (me, nginx) => ({
          text: `${fmt(me.rps / nginx.rps, 3)}×`,
          ok: me.rps >= MIN_RPS_VS_NGINX * nginx.rps,
        })),
        'needs chat c=64 cells with nginx',
      ),
      overFloor(name, mine, sameCell('floor'), 'added p50 latency', 'chat', [1], (c) => c.latencyMs.p50, MAX_P50_OVER_FLOOR_MS),
      overFloor(
        name,
        mine,
        sameCell('floor'),
        'streams with 5 ms gaps: added TTFT p50',
        'stream-5ms',
        [1, 16],
        (c) => c.ttftMs?.p50,
        MAX_TTFT_P50_OVER_FLOOR_MS,
      ),
      overFloor(
        name,
        mine,
        sameCell('floor'),
        'streams with 5 ms gaps: added TTFT p99',
        'stream-5ms',
        [16, 64],
        (c) => c.ttftMs?.p99,
        MAX_TTFT_P99_OVER_FLOOR_MS,
      ),
    );
    const translated = [...new Set(mine.filter((r) => r.scenario !== 'anthropic-88k' && r.passthrough).map((r) => r.scenario))];
    const laneItems = translated.flatMap((scenario) => {
      const passthrough = mine.find((r) => r.scenario === scenario)!.passthrough!;
      return against(mine, scenario, allC(mine), own(passthrough), cpuRatio(MAX_TRANSLATED_VS_PASSTHROUGH, `${passthrough} `));
    });
    checks.push(
      verdict(
        name,
        `translated lanes ≤ ${MAX_TRANSLATED_VS_PASSTHROUGH}× the passthrough lane's CPU per request, streamed and not`,
        laneItems,
        'needs the lane scenarios (anthropic, to-anthropic, responses and their -stream twins) with chat and stream-0ms at the same c',
      ),
    );
    const eventItems = translated
      .filter((scenario) => mine.find((r) => r.scenario === scenario)?.stream)
      .flatMap((scenario) =>
        against(mine, scenario, allC(mine), own('stream-0ms'), (me, base) => {
          if (me.cpuUsPerReq === undefined || base.cpuUsPerReq === undefined || !base.eventsPerStream) return undefined;
          const perEvent = (me.cpuUsPerReq - base.cpuUsPerReq) / base.eventsPerStream;
          return {
            text: `(${Math.round(me.cpuUsPerReq)} − ${Math.round(base.cpuUsPerReq)} µs) ÷ ${fmt(base.eventsPerStream, 1)} events = ${fmt(perEvent)} µs`,
            ok: perEvent <= MAX_US_PER_TRANSLATED_EVENT,
          };
        }),
      );
    checks.push(
      verdict(
        name,
        `≤ ${MAX_US_PER_TRANSLATED_EVENT} µs per translated event ((translated − passthrough CPU per stream) ÷ events per stream)`,
        eventItems,
        'needs the -stream lane scenarios with stream-0ms at the same c',
      ),
      verdict(
        name,
        `an 88 KB Claude-Code-sized request ≤ ${MAX_LARGE_VS_SMALL}× a small one's CPU (Anthropic lane)`,
        against(mine, 'anthropic-88k', allC(mine), own('anthropic'), cpuRatio(MAX_LARGE_VS_SMALL)),
        'needs anthropic-88k and anthropic cells',
      ),
      verdict(
        name,
        `open streams: event-loop delay p99 ≤ ${MAX_LOOP_DELAY_P99_MS} ms and /healthz (new connection every 100 ms) p99 ≤ ${MAX_HEALTHZ_P99_MS} ms`,
        mine
          .filter((r) => r.loopDelayMs || r.healthzMs)
          .map((r) => {
            const loop = r.loopDelayMs?.p99 ?? Infinity;
            const probe = r.healthzMs?.p99 ?? Infinity;
            return {
              text: `${cellName(r)}: loop delay p99 ${fmt(loop)} ms (max ${fmt(r.loopDelayMs?.max ?? NaN)}), /healthz p99 ${fmt(probe)} ms (max ${fmt(r.healthzMs?.max ?? NaN)}, ${r.healthzMs?.count ?? 0} probes)`,
              ok: loop <= MAX_LOOP_DELAY_P99_MS && probe <= MAX_HEALTHZ_P99_MS,
              invalid: !!r.invalid,
            };
          }),
        'needs the burst scenarios',
      ),
    );
  }
  return checks;
}

function allC(cells: CellResult[]): number[] {
  return [...new Set(cells.map((c) => c.concurrency))];
}

/**
 * The Fastify floor (`--targets …,fastify`: the gateway's HTTP framework and one JSON pass, no
 * gateway logic) against the Node floor, per non-streaming chat cell: reported, no target. It
 * says how much of the chat CPU target the framework alone takes.
 */
export function fastifyFloorLines(results: CellResult[]): TargetCheck[] {
  return peerLine(
    results.filter((r) => r.kind === 'fastify' && r.scenario === 'chat'),
    (me) => results.find((r) => r.kind === 'floor' && r.scenario === 'chat' && r.concurrency === me.concurrency),
    (me, floor) => cpuRatio(Number.POSITIVE_INFINITY, 'the floor ')(me, floor)?.text,
    'non-streaming chat CPU per request against the Node floor',
  );
}

/**
 * claude-code-router (`--targets …,ccr`) on the Anthropic-client lane against Switchyard's same
 * cell, CPU per request: reported, no target (#19 names it as the peer of that lane).
 */
export function ccrLines(results: CellResult[]): TargetCheck[] {
  return peerLine(
    results.filter((r) => r.kind === 'ccr'),
    (me) => results.find((r) => r.kind === 'switchyard' && r.scenario === me.scenario && r.concurrency === me.concurrency),
    (me, sy) => {
      const text = cpuRatio(Number.POSITIVE_INFINITY, 'claude-code-router ')(sy, me)?.text;
      return text && `Switchyard ${text}`;
    },
    'CPU per request against Switchyard on the Anthropic-client lane',
  );
}

/** One INFO line for a peer's cells, each compared with its counterpart cell (skipped when there is none). */
function peerLine(
  mine: CellResult[],
  counterpart: (me: CellResult) => CellResult | undefined,
  compare: (me: CellResult, other: CellResult) => string | undefined,
  description: string,
): TargetCheck[] {
  const items = mine.flatMap((me) => {
    const other = counterpart(me);
    const text = other && compare(me, other);
    return text ? [`${cellName(me)}: ${text}${me.invalid || other.invalid ? ' (invalid cell)' : ''}`] : [];
  });
  return items.length ? [{ target: mine[0]!.target, description, status: 'INFO' as const, detail: items.join('; ') }] : [];
}

/** RSS per idle process (after the preflight) and per 1,000 open streams (the probe cells), reported, no target. */
export function memoryLines(results: CellResult[], idleRssMiB: Record<string, number>): TargetCheck[] {
  return Object.entries(idleRssMiB).map(([target, idle]) => {
    const open = results
      .filter((r) => r.target === target && r.rssOpenMiB !== undefined)
      .map((r) => {
        const per1000 = ((r.rssOpenMiB! - idle) / r.concurrency) * 1000;
        return `; ${cellName(r)}: ${fmt(r.rssOpenMiB!, 1)} MiB with ${r.concurrency} streams open = +${fmt(per1000, 1)} MiB per 1,000 streams`;
      });
    return {
      target,
      description: 'RSS idle and per 1,000 open streams',
      status: 'INFO' as const,
      detail: `idle ${fmt(idle, 1)} MiB${open.join('')}`,
    };
  });
}
