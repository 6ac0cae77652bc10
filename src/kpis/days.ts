/**
 * KPI days: UTC calendar days as whole numbers (days since 1970-01-01), so windows and offsets
 * are plain arithmetic; `YYYY-MM-DD` only at the edges (API, CLI, dashboard).
 */

const DAY_MS = 86_400_000;

/** The UTC day number of a Unix-ms time. */
export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** `YYYY-MM-DD` of a day number. */
export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The day number of a `YYYY-MM-DD` text, or undefined when it is not a real calendar date. */
export function parseDay(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const ms = Date.parse(`${text}T00:00:00Z`);
  if (Number.isNaN(ms) || formatDay(dayOf(ms)) !== text) return undefined;
  return dayOf(ms);
}

/** An inclusive range of day numbers. */
export interface DayRange {
  readonly from: number;
  readonly to: number;
}

/** Every day number of a range, in order. */
export function daysOf(range: DayRange): number[] {
  return Array.from({ length: range.to - range.from + 1 }, (_, i) => range.from + i);
}
