import path from 'node:path';
import Database from 'better-sqlite3';
import { ensureDatabaseFile } from '../sqlite-file';
import { SPOOL_SCHEMA } from './spool-statements';

/** How hard a commit is pushed to disk. See README "Spool durability". */
export type SpoolSync = 'normal' | 'full';

/** The spool database file inside `DATA_DIR`. */
export function spoolPath(dataDir: string): string {
  return path.join(dataDir, 'spool.db');
}

/** Page cache per spool connection, KiB. */
const SPOOL_CACHE_KIB = 4096;

/**
 * Opens (creating if needed) the spool database in WAL mode. WAL with synchronous=NORMAL keeps
 * every committed transaction across a killed process; `full` also fsyncs each commit, for
 * power-loss durability at the cost of one fsync per group commit.
 *
 * The service opens two connections: the HTTP thread's appender, and the delivery side's queue.
 * `checkpoints: false` (the appender) leaves WAL checkpoints, which copy the log into the
 * database with an fsync, to the queue's connection, off the request path.
 */
export function openSpoolDatabase(
  file: string,
  sync: SpoolSync,
  options: { readonly?: boolean; checkpoints?: boolean } = {},
): Database.Database {
  if (!options.readonly) ensureDatabaseFile(file, SPOOL_SCHEMA);
  const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  // The spool is appended at one end and read and deleted at the other: a small page cache holds
  // both ends (better-sqlite3's default is 16 MB per connection, and the service opens two).
  db.pragma(`cache_size = -${SPOOL_CACHE_KIB}`);
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
    if (options.checkpoints === false) db.pragma('wal_autocheckpoint = 0');
    db.exec(SPOOL_SCHEMA);
  }
  return db;
}
