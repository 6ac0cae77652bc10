import { accessSync, constants, existsSync, linkSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import Database from 'better-sqlite3';
import {
  describeErrno,
  describeError,
  errorCode,
  isDamagedDatabaseError,
  StorageDamagedError,
  StorageOpenError,
  StorageError,
  type StorageKind,
} from './storage-error';

/**
 * Creates a WAL database file with its schema under a temporary name and links it into place,
 * so a reader (the CLI, a test) that sees the file also sees its tables. A file that exists,
 * or that another thread or process created first, is left as it is.
 */
export function ensureDatabaseFile(file: string, schema: string): void {
  if (existsSync(file)) return;
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}-${threadId}.creating`;
  try {
    const db = new Database(temp);
    db.pragma('journal_mode = WAL');
    db.exec(schema);
    db.close();
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

/** How `openDatabaseFile` opens a file. */
export interface DatabaseFileOptions {
  /** Names the file in error messages. */
  kind: StorageKind;
  /** The schema a new file is created with (not used when `readonly`). */
  schema: string;
  readonly: boolean;
  /** Prepares the open connection (pragmas, schema); what it throws is reported as the file's problem. */
  setUp(db: Database.Database): void;
}

/**
 * Opens a database file of `DATA_DIR` (creating it, and its directory, unless `readonly`) and
 * sets the connection up. Whatever fails on the way (the directory, the file, SQLite reading its
 * header) is thrown as one `StorageOpenError` naming the file and the cause.
 */
export function openDatabaseFile(file: string, options: DatabaseFileOptions): Database.Database {
  let db: Database.Database | undefined;
  try {
    if (!options.readonly) ensureDatabaseFile(file, options.schema);
    db = new Database(file, { readonly: options.readonly, fileMustExist: true });
    // Read the header now, so that a file that is not a database fails here, named, and not at a
    // later first query (a read-only open does nothing else before one).
    db.pragma('schema_version', { simple: true });
    options.setUp(db);
    return db;
  } catch (err: unknown) {
    try {
      db?.close();
    } catch {
      // The open already failed; that is the error to report.
    }
    throw storageOpenError(err, file, options);
  }
}

function storageOpenError(err: unknown, file: string, options: DatabaseFileOptions): StorageOpenError {
  const code = errorCode(err) ?? 'UNKNOWN';
  if (isDamagedDatabaseError(err)) return new StorageOpenError(file, options.kind, code, describeError(err), true, { cause: err });
  const fsError = err as NodeJS.ErrnoException;
  if (typeof fsError.syscall === 'string') {
    // From creating the file: mkdir of its directory, or linking it into place.
    const target = fsError.path ?? path.dirname(file);
    const problem = fsError.syscall === 'mkdir' ? `cannot create the directory ${target}: ${describeErrno(fsError)}` : `${fsError.syscall} ${target}: ${describeErrno(fsError)}`;
    return new StorageOpenError(file, options.kind, code, problem, false, { cause: err });
  }
  // SQLite says only "unable to open database file" or "attempt to write a readonly database": ask the file system why.
  const why = fileSystemCause(file, options.readonly);
  return new StorageOpenError(file, options.kind, code, why ? `${describeError(err)}: ${why}` : describeError(err), false, { cause: err });
}

/** Why the file system would not let SQLite open `file`, if it says. */
function fileSystemCause(file: string, readonly: boolean): string | undefined {
  const dir = path.dirname(file);
  try {
    if (statSync(file).isDirectory()) return 'it is a directory';
  } catch (err: unknown) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return describeErrno(err as NodeJS.ErrnoException);
  }
  const probes: Array<[string, string, number]> = readonly
    ? [[file, 'the file is not readable', constants.R_OK]]
    : [
        [dir, `the directory ${dir} is not writable`, constants.W_OK],
        [file, 'the file is not writable', constants.R_OK | constants.W_OK],
      ];
  for (const [target, what, mode] of probes) {
    try {
      if (target === dir || existsSync(target)) accessSync(target, mode);
    } catch (err: unknown) {
      return `${what}: ${describeErrno(err as NodeJS.ErrnoException)}`;
    }
  }
  return undefined;
}

/**
 * `PRAGMA quick_check` on an open connection: up to `maxProblems` problems SQLite finds in the
 * file, none when it is sound. It reads the whole file (one read transaction: writers on other
 * connections go on meanwhile); a page too damaged to check is thrown as SQLite's error.
 */
export function quickCheck(db: Database.Database, maxProblems = 1): string[] {
  // A problem can span lines ("*** in database main ***\nTree 7 page 7: ..."): one line each.
  const problems = (db.pragma(`quick_check(${maxProblems})`) as Array<{ quick_check: string }>).map((row) => row.quick_check.replace(/\s+/g, ' ').trim());
  return problems.length === 1 && problems[0] === 'ok' ? [] : problems;
}

/**
 * After a SQLite error that says "damaged" without saying which file: checks each existing file
 * (read-only, `quick_check`) and names the first damaged one. Costs a read of each file, so it
 * runs only once something has failed.
 */
export function findDamagedFile(files: ReadonlyArray<{ file: string; kind: StorageKind }>): StorageError | undefined {
  for (const { file, kind } of files) {
    if (!existsSync(file)) continue;
    let db: Database.Database | undefined;
    try {
      db = new Database(file, { readonly: true, fileMustExist: true });
      const [problem] = quickCheck(db, 1);
      if (problem !== undefined) return new StorageDamagedError(file, kind, problem);
    } catch (err: unknown) {
      if (isDamagedDatabaseError(err)) return new StorageDamagedError(file, kind, describeError(err), errorCode(err), { cause: err });
    } finally {
      db?.close();
    }
  }
  return undefined;
}

/**
 * The error to report for `err`: when it says a database is damaged without naming the file (a
 * bare `SQLITE_CORRUPT` from a query), the damaged one among `files` (see `findDamagedFile`);
 * otherwise `err` itself. Checking is a courtesy: if it fails, `err` is reported as it came.
 */
export function nameDamagedFile(err: unknown, files: ReadonlyArray<{ file: string; kind: StorageKind }>): unknown {
  if (!isDamagedDatabaseError(err) || err instanceof StorageError) return err;
  try {
    return findDamagedFile(files) ?? err;
  } catch {
    return err;
  }
}
