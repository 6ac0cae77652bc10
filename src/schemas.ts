import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type Options } from 'ajv';

/** The folder with the JSON Schemas; the same relative place from `src/` (tests) and `dist/`. */
const SCHEMAS_DIR = path.resolve(__dirname, '..', 'schemas');

/** Reads a JSON Schema from `schemas/`, e.g. `loadSchema('legacy/events-body.schema.json')`. */
export function loadSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(SCHEMAS_DIR, name), 'utf8')) as Record<string, unknown>;
}

/**
 * An ajv instance for validating inbound data faithfully: strict schemas, every error reported,
 * no coercion and no removal of unknown fields.
 */
export function createStrictAjv(options: Options = {}): Ajv {
  return new Ajv({ strict: true, strictRequired: false, allErrors: false, ...options });
}
