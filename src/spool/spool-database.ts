import path from 'node:path';
import type Database from 'better-sqlite3';
import { openDatabaseFile } from '../sqlite-file';
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
 *
 * A directory that cannot be created, a file that cannot be opened, or one that is not a
 * database is thrown as a `StorageOpenError` naming the file and the cause.
 */
export function openSpoolDatabase(
  file: string,
  sync: SpoolSync,
  options: { readonly?: boolean; checkpoints?: boolean } = {},
): Database.Database {
  const readonly = options.readonly ?? false;
  return openDatabaseFile(file, {
    kind: 'spool',
    schema: SPOOL_SCHEMA,
    readonly,
    setUp: (db) => {
      db.pragma('busy_timeout = 5000');
      // The spool is appended at one end and read and deleted at the other: a small page cache holds
      // both ends (better-sqlite3's default is 16 MB per connection, and the service opens two).
      db.pragma(`cache_size = -${SPOOL_CACHE_KIB}`);
      if (!readonly) {
        db.pragma('journal_mode = WAL');
        db.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
        if (options.checkpoints === false) db.pragma('wal_autocheckpoint = 0');
        db.exec(SPOOL_SCHEMA);
      }
    },
  });
}
