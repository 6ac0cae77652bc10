/**
 * JSON text of a value with every object's keys sorted, so values that JSON cannot tell apart
 * compare equal whatever their key order (a record read back, a profile merged in another order);
 * -0 is written as 0, as JSON writes it. Keys are defined as own properties, so `__proto__` stays a key.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sorted(value));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, inner]) => [key, sorted(inner)]),
  );
}
