/** `toISOString()` form, which every SDK except some custom builds already sends. */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The calendar and clock fields of a legacy timestamp (its shape is already checked by the schema). */
const FIELDS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/;

/** Days in a month of the proleptic Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * True when the date and time a timestamp writes exist: `Date.parse` rolls `2026-02-30` over
 * into March and reads `24:00` as the next day, which would store a date the device never sent.
 */
function namesRealTime(value: string): boolean {
  const match = FIELDS.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute] = match.slice(1, 6).map(Number) as [number, number, number, number, number];
  // Seconds are optional in the legacy format.
  const second = match[6] === undefined ? 0 : Number(match[6]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 59;
}

/**
 * Unix ms of a legacy ISO 8601 timestamp (already shape-checked by the schema), or NaN when it
 * names no real date or time (month 13, February 30, 24:00). Offsets without a colon (`+0100`),
 * which `Date.parse` does not read, are given one first.
 */
export function parseLegacyTimestamp(value: string): number {
  if (!namesRealTime(value)) return Number.NaN;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : ms;
}

/**
 * Normalizes a validated legacy timestamp to `toISOString()` form. The validator's
 * `legacy-timestamp` format has already refused the ones `parseLegacyTimestamp` cannot read.
 */
export function toIsoTimestamp(value: string): string {
  if (CANONICAL.test(value)) return value;
  const ms = parseLegacyTimestamp(value);
  if (Number.isNaN(ms)) throw new Error(`unvalidated legacy timestamp '${value}'`);
  return new Date(ms).toISOString();
}
