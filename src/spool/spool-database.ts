import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** How hard a commit is pushed to disk. See README "Spool durability". */
export type SpoolSync = 'normal' | 'full';

/**
 * The spool's tables:
 * - `events`: every accepted event, in arrival order (`seq` never reused, hence AUTOINCREMENT);
 *   `only_sink` marks an event requeued from one sink's dead letters, so other sinks skip it;
 * - `cursors`: per sink, every event up to `seq` has been handled (delivered, dead-lettered or
 *   moved to `retries`);
 * - `retries`: per sink, events waiting for another attempt;
 * - `dead_letters`: events a sink refused for good, with its message.
 * An event row is deleted once every cursor has passed it and no retry refers to it; a requeued
 * (`only_sink`) row once that sink is done with it.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  only_sink TEXT,
  envelope TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cursors (
  sink TEXT PRIMARY KEY,
  seq INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS retries (
  sink TEXT NOT NULL,
  seq INTEGER NOT NULL,
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

/**
 * Opens (creating if needed) the spool database in WAL mode. WAL with synchronous=NORMAL keeps
 * every committed transaction across a killed process; `full` also fsyncs each commit, for
 * power-loss durability at the cost of one fsync per group commit.
 */
export function openSpoolDatabase(file: string, sync: SpoolSync, options: { readonly?: boolean } = {}): Database.Database {
  if (!options.readonly) mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  db.pragma('busy_timeout = 5000');
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
    db.exec(SCHEMA);
  }
  return db;
}
