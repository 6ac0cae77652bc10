import { BadRequestError } from '../errors';

/** Normalizes a legacy ISO 8601 timestamp (already shape-checked by the schema) to `toISOString()` form. */
export function toIsoTimestamp(value: string, field: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new BadRequestError(`The event payload is invalid: ${field} '${value}' is not a valid date.`);
  return new Date(ms).toISOString();
}
