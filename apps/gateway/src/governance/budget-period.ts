import type { BudgetPeriod } from '@switchyard/kernel';

const DAY_MS = 86_400_000;

export interface PeriodSpan {
  /** `day:2026-12-07`, `week:2026-W50`, `month:2026-12`: the key counters of this period are stored under. */
  id: string;
  startMs: number;
  /** When the next period starts (the budget resets), ms since epoch. */
  endMs: number;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The calendar period in UTC that `nowMs` falls in; weeks are ISO weeks (Monday to Sunday, numbered by their Thursday's year). */
export function budgetPeriodAt(period: BudgetPeriod, nowMs: number): PeriodSpan {
  const d = new Date(nowMs);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const dayStart = Date.UTC(y, m, d.getUTCDate());
  if (period === 'day') return { id: `day:${y}-${pad(m + 1)}-${pad(d.getUTCDate())}`, startMs: dayStart, endMs: dayStart + DAY_MS };
  if (period === 'month') return { id: `month:${y}-${pad(m + 1)}`, startMs: Date.UTC(y, m, 1), endMs: Date.UTC(y, m + 1, 1) };
  const monday = dayStart - ((d.getUTCDay() + 6) % 7) * DAY_MS;
  const thursday = new Date(monday + 3 * DAY_MS);
  const isoYear = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(isoYear, 0, 1)) / (7 * DAY_MS));
  return { id: `week:${isoYear}-W${pad(week)}`, startMs: monday, endMs: monday + 7 * DAY_MS };
}
