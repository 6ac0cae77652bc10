import { readFileSync } from 'node:fs';
import type { ErrorObject } from 'ajv';
import { ConfigError } from '../config';
import { createStrictAjv, loadSchema } from '../schemas';

/** One access key devices may sign with: its secret and the app ids it may send events for. */
export interface AccessKey {
  readonly secret: string;
  readonly appIds: ReadonlySet<string>;
}

/** Access key id → its key. */
export type AccessKeys = ReadonlyMap<string, AccessKey>;

/** The file as `schemas/auth-credentials.schema.json` describes it. */
type CredentialsFile = Record<string, { secret: string; appIds: string[]; description?: string }>;

const validateFile = createStrictAjv({ allErrors: true }).compile<CredentialsFile>(loadSchema('auth-credentials.schema.json'));

/** The refusal of a file, in the shape of the other configuration errors. */
function invalid(file: string, problems: readonly string[]): ConfigError {
  return new ConfigError(`Invalid configuration:\n  AUTH_CREDENTIALS_FILE=${file}: ${problems.join('\n  AUTH_CREDENTIALS_FILE: ')}`);
}

const KEY_ID = /^\w{16,128}$/;

/**
 * One line per schema problem, naming where it is and never a value: ajv does not quote data
 * unless asked to, and a value may be a secret. A key is named by its id when the id is valid,
 * else by its place in the file (a secret pasted where the id belongs must not be printed).
 */
function problems(errors: readonly ErrorObject[], ids: readonly string[]): string[] {
  const keyName = (id: string): string => (KEY_ID.test(id) ? `key ${id}` : `key #${ids.indexOf(id) + 1}`);
  const lines = errors.map((e) => {
    if (e.keyword === 'propertyNames' || e.propertyName !== undefined) {
      const id = String(e.propertyName ?? e.params['propertyName']);
      return `${keyName(id)}: an access key id must be 16 to 128 letters, digits or underscores`;
    }
    const [id, ...rest] = e.instancePath.split('/').slice(1).map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
    const where = id === undefined ? 'the file' : [keyName(id), ...rest].join(' → ');
    return `${where} ${e.message ?? 'is invalid'}`;
  });
  return [...new Set(lines)];
}

/**
 * Parses the text of `AUTH_CREDENTIALS_FILE` (`file` names it in messages): a JSON object of
 * access key id → `{ "secret", "appIds": [...], "description"? }`. Throws a ConfigError listing
 * every problem. V8's JSON syntax messages quote the text around the error, so only the
 * position is reported: the text holds secrets.
 */
export function parseAccessKeys(text: string, file: string): AccessKeys {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err: unknown) {
    const position = /position (\d+)/.exec(err instanceof Error ? err.message : '')?.[1];
    throw invalid(file, [`is not valid JSON${position === undefined ? '' : ` (at character ${position})`}`]);
  }
  if (!validateFile(parsed)) throw invalid(file, problems(validateFile.errors ?? [], parsed !== null && typeof parsed === 'object' ? Object.keys(parsed) : []));
  return new Map(Object.entries(parsed).map(([id, key]) => [id, { secret: key.secret, appIds: new Set(key.appIds) }]));
}

/** Reads and validates `AUTH_CREDENTIALS_FILE` once, at start (see `parseAccessKeys`). */
export function loadAccessKeys(file: string): AccessKeys {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err: unknown) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw invalid(file, [`cannot be read (${code})`]);
  }
  return parseAccessKeys(text, file);
}
