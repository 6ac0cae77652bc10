import { BadRequestError } from '../errors';

/** `toISOString()` form, which every SDK except some custom builds already sends. */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Normalizes a legacy ISO 8601 timestamp (already shape-checked by the schema) to
 * `toISOString()` form. Offsets without a colon (`+0100`), which `Date.parse` does not read,
 * are given one first.
 */
export function toIsoTimestamp(value: string, field: string): string {
  let ms = Date.parse(value);
  if (Number.isNaN(ms)) ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (Number.isNaN(ms)) throw new BadRequestError(`The event payload is invalid: ${field} '${value}' is not a valid date.`);
  return CANONICAL.test(value) ? value : new Date(ms).toISOString();
}
