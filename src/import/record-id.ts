import { hash } from 'node:crypto';

/** JSON text of a parsed value with every object's keys sorted, so equal records give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The id of an imported record that has no `event_id` (Pinpoint's own records have none): the
 * SHA-256 (base64url) of its canonical JSON as read, keys sorted. The same record imported again,
 * from the same export or a copy with its keys in another order, gets the same id, so the store
 * keeps it once; two records that differ in any field are two events.
 */
export function stableRecordId(record: unknown): string {
  return hash('sha256', canonicalJson(record), 'base64url');
}
