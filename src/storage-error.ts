import path from 'node:path';
import { errorFields } from './error-fields';

/** Which database file a message is about, as operators know it. */
export type StorageKind = 'spool' | 'local store' | 'endpoint store';

/** The `code` of an error, when it has a string one (errno codes, SQLite result codes). */
export function errorCode(err: unknown): string | undefined {
  return errorFields(err).code;
}

/** An error's message with its code, e.g. `file is not a database (SQLITE_NOTADB)`. */
export function describeError(err: unknown): string {
  const { message } = errorFields(err);
  const code = errorCode(err);
  return code !== undefined ? `${message} (${code})` : message;
}

/**
 * SQLite result codes that mean the file's content is damaged, or was never a database:
 * `SQLITE_NOTADB` and `SQLITE_CORRUPT` with its extended codes (`SQLITE_CORRUPT_INDEX`, ...).
 */
export function isDamagedDatabaseError(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'SQLITE_NOTADB' || (code?.startsWith('SQLITE_CORRUPT') ?? false);
}

/**
 * What an operator can do about a damaged database file. The service never moves or deletes
 * one by itself: a damaged spool may still hold acknowledged events worth recovering.
 */
export function damagedFileAdvice(file: string, kind: StorageKind): string {
  const name = path.basename(file);
  return (
    `To go on with an empty ${kind}: stop the service, move ${name} and its ${name}-wal and ${name}-shm files out of ${path.dirname(file)}, ` +
    'and start it again; recover what the moved file holds with sqlite3 (.recover or .dump; README "Durability: the spool"). ' +
    'The service never moves or deletes it by itself.'
  );
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOTDIR: 'a component of the path is not a directory',
  EEXIST: 'it exists and is not a directory',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  ENOENT: 'no such file or directory',
};

/** A file system error as one phrase with its code, e.g. `read-only file system (EROFS)`. */
export function describeErrno(err: NodeJS.ErrnoException): string {
  const code = err.code ?? 'error';
  return `${ERRNO_TEXT[code] ?? err.message} (${code})`;
}

/** A database file of `DATA_DIR` that cannot be used: which file, why, and whether it is damaged. */
export abstract class StorageError extends Error {
  constructor(
    message: string,
    /** The database file. */
    readonly path: string,
    readonly kind: StorageKind,
    /** The cause's code: an errno code (`ENOTDIR`) or a SQLite result code (`SQLITE_NOTADB`). */
    readonly code: string,
    /** The file's content is damaged (or not a database), as opposed to the file being unreachable. */
    readonly damaged: boolean,
    options?: { cause?: unknown },
  ) {
    super(damaged ? `${message}. ${damagedFileAdvice(path, kind)}` : message, options);
    this.name = new.target.name;
  }
}

/**
 * A database file could not be opened or created. The message is one line naming the file and
 * the cause, and for a damaged file what to do; `main.ts` logs it as `cannot start`.
 */
export class StorageOpenError extends StorageError {
  constructor(file: string, kind: StorageKind, code: string, problem: string, damaged: boolean, options?: { cause?: unknown }) {
    super(`cannot open the ${kind} ${file}: ${problem}`, file, kind, code, damaged, options);
  }
}

/**
 * A database file is damaged: `PRAGMA quick_check` reported `problem`, or reading it failed with
 * `SQLITE_CORRUPT` or `SQLITE_NOTADB` (`code`).
 */
export class StorageDamagedError extends StorageError {
  constructor(file: string, kind: StorageKind, problem: string, code = 'SQLITE_CORRUPT', options?: { cause?: unknown }) {
    super(`the ${kind} ${file} is damaged: ${problem}`, file, kind, code, true, options);
  }
}

/**
 * The one line a command prints for a database file it could not use: a StorageError's own
 * message, or a damaged file (met past the open's checks) named with its remedy; undefined for
 * any other error, which the command handles itself.
 */
export function storageFailureMessage(err: unknown, file: string, kind: StorageKind): string | undefined {
  if (err instanceof StorageError) return err.message;
  if (isDamagedDatabaseError(err)) return new StorageDamagedError(file, kind, describeError(err), errorCode(err), { cause: err }).message;
  return undefined;
}
