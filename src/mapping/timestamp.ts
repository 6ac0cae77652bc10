/** `toISOString()` form, which every SDK except some custom builds already sends. */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const DIGIT_ZERO = 0x30;
const COLON = 0x3a;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number written by `length` decimal digits at `start` (NaN when one is not a digit). */
function digitsAt(value: string, start: number, length: number): number {
  let number = 0;
  for (let i = start; i < start + length; i += 1) {
    const digit = value.charCodeAt(i) - DIGIT_ZERO;
    if (!(digit >= 0 && digit <= 9)) return Number.NaN;
    number = number * 10 + digit;
  }
  return number;
}

/** Days in a month of the proleptic Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/**
 * True when the date and time a timestamp writes (`YYYY-MM-DDTHH:MM[:SS]…`) exist: `Date.parse`
 * rolls `2026-02-30` over into March and reads `24:00` as the next day, which would store a date
 * the device never sent. Digits are read in place: this runs for every timestamp of every request.
 */
function namesRealTime(value: string): boolean {
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  const hour = digitsAt(value, 11, 2);
  const minute = digitsAt(value, 14, 2);
  const second = value.charCodeAt(16) === COLON ? digitsAt(value, 17, 2) : 0;
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
