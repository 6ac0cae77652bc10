import type { ErrorObject, ValidateFunction } from 'ajv';
import { BadRequestError } from '../errors';
import { parseLegacyTimestamp } from '../mapping/timestamp';
import { createStrictAjv, loadSchema } from '../schemas';
import { createPruner, type Pruner } from './prune';
import type { LegacyClientContext, LegacyEventsBody } from './types';

/** A validated document, and how many unknown properties were dropped from it. */
export interface Validated<T> {
  value: T;
  droppedProperties: number;
}

/** Validates decoded legacy input; compiled once at start-up. */
export interface LegacyValidator {
  /** Returns the body typed, unknown properties dropped, or throws BadRequestError naming the first problem. */
  body(value: unknown): Validated<LegacyEventsBody>;
  /** Returns the client context typed, unknown properties dropped, or throws BadRequestError naming the first problem. */
  clientContext(value: unknown): Validated<LegacyClientContext>;
}

/** ajv's message, except where a reader needs the rule rather than the keyword's name. */
function messageOf(error: ErrorObject): string {
  if (error.keyword === 'format' && error.params['format'] === 'legacy-timestamp') {
    return 'must be an ISO 8601 timestamp naming a real date and time';
  }
  return error.message ?? 'is invalid';
}

function describe(what: string, errors: ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) return `${what} is invalid.`;
  return `${what} is invalid: ${first.instancePath || '/'} ${messageOf(first)}.`;
}

function asserting<T>(validate: ValidateFunction<T>, prune: Pruner, what: string): (value: unknown) => Validated<T> {
  return (value) => {
    if (!validate(value)) throw new BadRequestError(describe(what, validate.errors));
    return { value, droppedProperties: prune(value) };
  };
}

/**
 * Compiles the legacy schemas in `schemas/legacy/`. What passes here maps, serializes and stores
 * without error, which durable mode relies on, since it maps only at delivery:
 * - the `legacy-timestamp` format refuses timestamps of the right shape that name no real date
 *   or time (month 13, February 30, 24:00);
 * - unknown properties are dropped in place (`prune.ts`, from the properties the schema names):
 *   they are never mapped, and dropping them keeps what is stored bounded by the known fields
 *   (ajv's `removeAdditional` did the same at twice the validation cost);
 * - nesting depth was bounded before parsing, and lone surrogates refused after it
 *   (`json-shape.ts`: hashing or encoding such a string would change it).
 */
export function createLegacyValidator(): LegacyValidator {
  const ajv = createStrictAjv({ allowUnionTypes: true });
  ajv.addFormat('legacy-timestamp', { type: 'string', validate: (value) => !Number.isNaN(parseLegacyTimestamp(value)) });
  const bodySchema = loadSchema('legacy/events-body.schema.json');
  const contextSchema = loadSchema('legacy/client-context.schema.json');
  return {
    // The schemas in schemas/legacy/ are the trust boundary: they describe LegacyEventsBody and LegacyClientContext.
    body: asserting(ajv.compile<LegacyEventsBody>(bodySchema), createPruner(bodySchema), 'The event payload'),
    clientContext: asserting(ajv.compile<LegacyClientContext>(contextSchema), createPruner(contextSchema), 'The client context'),
  };
}
