/** `toISOString()` form, which every SDK except some custom builds already sends. */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Unix ms of a legacy ISO 8601 timestamp (already shape-checked by the schema), or NaN when it
 * names no real date (month 13, day 32). Offsets without a colon (`+0100`), which `Date.parse`
 * does not read, are given one first.
 */
export function parseLegacyTimestamp(value: string): number {
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
