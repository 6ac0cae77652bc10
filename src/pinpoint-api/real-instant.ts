import { parseLegacyTimestamp } from '../mapping/timestamp';

/**
 * The schemas' timestamp pattern admits `2026-02-30T25:61:00Z` and offsets such as `+24:00`;
 * Pinpoint parses timestamps as ISO 8601 instants, so a timestamp must name one (a leap second,
 * :60, is not accepted by either). Read with the mapping's own parser, the one `toIsoTimestamp`
 * uses at delivery: a timestamp that passes here is one the mapping can read, so an accepted
 * event can never be set aside as unreadable after its 202.
 */
export function namesARealInstant(timestamp: string): boolean {
  return !Number.isNaN(parseLegacyTimestamp(timestamp));
}
