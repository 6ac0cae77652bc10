import type { ErrorObject, ValidateFunction } from 'ajv';
import { BadRequestError } from '../errors';
import { parseLegacyTimestamp } from '../mapping/timestamp';
import { createStrictAjv, loadSchema } from '../schemas';
import type { LegacyClientContext, LegacyEventsBody } from './types';

/** Validates decoded legacy input; compiled once at start-up. */
export interface LegacyValidator {
  /** Returns the body typed, or throws BadRequestError naming the first problem. */
  body(value: unknown): LegacyEventsBody;
  /** Returns the client context typed, or throws BadRequestError naming the first problem. */
  clientContext(value: unknown): LegacyClientContext;
}

function describe(what: string, errors: ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) return `${what} is invalid.`;
  return `${what} is invalid: ${first.instancePath || '/'} ${first.message ?? 'is invalid'}.`;
}

function asserting<T>(validate: ValidateFunction<T>, what: string): (value: unknown) => T {
  return (value) => {
    if (!validate(value)) throw new BadRequestError(describe(what, validate.errors));
    return value;
  };
}

/**
 * Compiles the legacy schemas in `schemas/legacy/`. What passes here maps, serializes and stores
 * without error, which durable mode relies on, since it maps only at delivery:
 * - the `legacy-timestamp` format refuses timestamps of the right shape that name no real date
 *   or time (month 13, February 30, 24:00);
 * - unknown properties are dropped in place (`removeAdditional` where a schema says
 *   `additionalProperties: false`): they are never mapped, and dropping them keeps what is stored
 *   bounded by the known fields;
 * - nesting depth was bounded before parsing, and lone surrogates refused after it
 *   (`json-shape.ts`: hashing or encoding such a string would change it).
 */
export function createLegacyValidator(): LegacyValidator {
  const ajv = createStrictAjv({ allowUnionTypes: true, removeAdditional: true });
  ajv.addFormat('legacy-timestamp', { type: 'string', validate: (value) => !Number.isNaN(parseLegacyTimestamp(value)) });
  return {
    // The schemas in schemas/legacy/ are the trust boundary: they describe LegacyEventsBody and LegacyClientContext.
    body: asserting(ajv.compile<LegacyEventsBody>(loadSchema('legacy/events-body.schema.json')), 'The event payload'),
    clientContext: asserting(ajv.compile<LegacyClientContext>(loadSchema('legacy/client-context.schema.json')), 'The client context'),
  };
}
