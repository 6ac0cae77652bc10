const TIMESTAMP_PARTS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/;

/**
 * The schemas' timestamp pattern admits `2026-02-30T25:61:00Z`; Pinpoint parses timestamps as
 * ISO 8601 instants, so a timestamp must name one (a leap second, :60, is not accepted by either).
 */
export function namesARealInstant(timestamp: string): boolean {
  const parts = TIMESTAMP_PARTS.exec(timestamp);
  if (!parts) return false;
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}
