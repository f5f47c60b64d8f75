import type { BudgetPeriod } from '@switchyard/kernel';

export interface PeriodBounds {
  /** `day-2026-12-07`, `week-2026-12-07` (its Monday), `month-2026-12`. */
  id: string;
  startMs: number;
  /** The first millisecond of the next period. */
  endMs: number;
}

const DAY_MS = 86_400_000;

/** The UTC calendar period holding `nowMs`: a day, an ISO week (from Monday) or a month. */
export function computeBudgetPeriod(period: BudgetPeriod, nowMs: number): PeriodBounds {
  const dayStart = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const date = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  if (period === 'day') return { id: `day-${date(dayStart)}`, startMs: dayStart, endMs: dayStart + DAY_MS };
  if (period === 'week') {
    const weekStart = dayStart - ((new Date(dayStart).getUTCDay() + 6) % 7) * DAY_MS;
    return { id: `week-${date(weekStart)}`, startMs: weekStart, endMs: weekStart + 7 * DAY_MS };
  }
  const d = new Date(nowMs);
  const startMs = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return { id: `month-${date(startMs).slice(0, 7)}`, startMs, endMs: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
}
