import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type Options } from 'ajv';
import { PACKAGE_ROOT } from './package-root';

/** The folder with the JSON Schemas. */
const SCHEMAS_DIR = path.join(PACKAGE_ROOT, 'schemas');

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
