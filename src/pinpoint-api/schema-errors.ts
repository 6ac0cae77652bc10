import type { ErrorObject } from 'ajv';

/**
 * The first problem ajv found, where it is and what rule it broke, in words a caller can act on
 * (the request checks put it in a 400's message).
 */
export function describeSchemaErrors(errors: ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) return 'invalid';
  const where = first.instancePath || '/';
  const message = first.message ?? 'is invalid';
  if (first.propertyName !== undefined) return `${where} property name "${first.propertyName}" ${message}`;
  if (first.keyword === 'additionalProperties') return `${where} ${message} (${String(first.params['additionalProperty'])})`;
  return `${where} ${message}`;
}
