import path from 'node:path';
import Database from 'better-sqlite3';
import { ensureDatabaseFile } from '../sqlite-file';

/** How hard a commit is pushed to disk. See README "Spool durability". */
export type SpoolSync = 'normal' | 'full';

/**
 * The spool's tables:
 * - `batches`: accepted events in arrival order, one row per request (`payload`: see
 *   `spool-payload.ts`); `seq` is never reused (AUTOINCREMENT); `only_sink` marks a row
 *   requeued from one sink's dead letters, so other sinks skip it;
 * - `cursors`: per sink, every row up to `seq` has been handled (delivered, dead-lettered or
 *   moved to `retries`);
 * - `retries`: per sink and row, the events still to deliver and when to try again;
 * - `dead_letters`: events a sink refused for good, with its message.
 * A row is deleted once every cursor has passed it and no retry refers to it.
 * One row per request (not per event) keeps the commit cost per request, not per event.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS batches (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  received_at INTEGER NOT NULL,
  event_count INTEGER NOT NULL,
  only_sink TEXT,
  payload TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cursors (
  sink TEXT PRIMARY KEY,
  seq INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS retries (
  sink TEXT NOT NULL,
  seq INTEGER NOT NULL,
  event_ids TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  PRIMARY KEY (sink, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS retries_due ON retries (sink, next_attempt_at);
CREATE INDEX IF NOT EXISTS retries_seq ON retries (seq);
CREATE TABLE IF NOT EXISTS dead_letters (
  id INTEGER PRIMARY KEY,
  sink TEXT NOT NULL,
  event_id TEXT NOT NULL,
  message TEXT NOT NULL,
  failed_at INTEGER NOT NULL,
  envelope TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS dead_letters_sink ON dead_letters (sink, id);
`;

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
 */
export function openSpoolDatabase(
  file: string,
  sync: SpoolSync,
  options: { readonly?: boolean; checkpoints?: boolean } = {},
): Database.Database {
  if (!options.readonly) ensureDatabaseFile(file, SCHEMA);
  const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  // The spool is appended at one end and read and deleted at the other: a small page cache holds
  // both ends (better-sqlite3's default is 16 MB per connection, and the service opens two).
  db.pragma(`cache_size = -${SPOOL_CACHE_KIB}`);
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
    // With a delivery thread, the HTTP thread's connection leaves WAL checkpoints (copying the
    // log into the database, with an fsync) to the delivery thread's connection.
    if (options.checkpoints === false) db.pragma('wal_autocheckpoint = 0');
    db.exec(SCHEMA);
  }
  return db;
}
