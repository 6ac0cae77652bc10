import type Database from 'better-sqlite3';

/**
 * Every SQL statement of the spool, so that what "stored events" means, which rows a sink still
 * owes, and when a row may go are defined once.
 *
 * Tables:
 * - `batches`: accepted events in arrival order, one row per request (`payload`: see
 *   `spool-payload.ts`); `seq` is never reused (AUTOINCREMENT); `only_sink` marks a row
 *   requeued from one sink's dead letters, so other sinks skip it;
 * - `cursors`: per sink, every row up to `seq` has been handled (delivered, dead-lettered or
 *   moved to `retries`);
 * - `retries`: per sink and row, the events still to deliver and when to try again;
 * - `dead_letters`: events a sink refused for good, with its message and the mapped event;
 * - `undecodable_rows`: rows the delivery side could not turn into events (corrupted, or written
 *   by a version whose payload this one cannot read), kept with their payload for inspection;
 * - `write_probe`: one row the appender rewrites to learn whether the file can be written again
 *   after a failed commit (a full disk), while no request is trying.
 * A row is deleted once every cursor has passed it and no retry refers to it.
 * One row per request (not per event) keeps the commit cost per request, not per event.
 *
 * The view `spool_totals` is the one definition of "stored events" (events accepted and not yet
 * handled by every sink; requeued dead letters are extras an operator added and are not counted
 * against `SPOOL_MAX_EVENTS`). The appender, `spool stats` and the benchmark all read it.
 */
export const SPOOL_SCHEMA = `
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
CREATE TABLE IF NOT EXISTS undecodable_rows (
  sink TEXT NOT NULL,
  seq INTEGER NOT NULL,
  reason TEXT NOT NULL,
  found_at INTEGER NOT NULL,
  payload TEXT NOT NULL,
  PRIMARY KEY (sink, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS write_probe (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL
);
CREATE VIEW IF NOT EXISTS spool_totals AS
  SELECT COALESCE(SUM(CASE WHEN only_sink IS NULL THEN event_count ELSE 0 END), 0) AS stored_events,
         COALESCE(MAX(seq), 0) AS last_seq
  FROM batches;
`;

/** The statements the HTTP thread's appender uses. */
export function appenderStatements(db: Database.Database) {
  return {
    insert: db.prepare<[receivedAt: number, eventCount: number, payload: string]>(
      'INSERT INTO batches (received_at, event_count, payload) VALUES (?, ?, ?)',
    ),
    totals: db.prepare<[], { stored_events: number; last_seq: number }>('SELECT stored_events, last_seq FROM spool_totals'),
    ping: db.prepare('SELECT 1'),
    /** Pages in the file and pages free for reuse: their difference is what the spool holds on disk. */
    pageCount: db.prepare<[], number>('PRAGMA page_count').pluck(),
    freePages: db.prepare<[], number>('PRAGMA freelist_count').pluck(),
    pageSize: db.prepare<[], number>('PRAGMA page_size').pluck(),
    probe: db.prepare<[at: number]>('INSERT INTO write_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at'),
  };
}

/** A fresh or retried row as the delivery queue reads it. */
export interface RowRecord {
  seq: number;
  event_count: number;
  payload: string;
}

/** A due retry: its row, and the events of that row still owed to the sink. */
export interface RetryRecord extends RowRecord {
  attempts: number;
  event_ids: string;
}

/** A sink's cursor: the last seq it is done with (the queue, the gauges and the admin read it). */
const CURSOR = 'SELECT seq FROM cursors WHERE sink = ?';

/**
 * The statements the delivery thread's queue uses. `sinks` are the configured sinks: a row is
 * deleted only when none of them still has a retry on it.
 */
export function queueStatements(db: Database.Database, sinks: readonly string[]) {
  const sinkList = sinks.map(() => '?').join(',');
  const counted = 'CASE WHEN only_sink IS NULL THEN event_count ELSE 0 END';
  const notRetried = `NOT EXISTS (SELECT 1 FROM retries r WHERE r.seq = batches.seq AND r.sink IN (${sinkList}))`;
  return {
    lastSeq: db.prepare<[], number>('SELECT last_seq FROM spool_totals').pluck(),
    cursor: db.prepare<[sink: string], number>(CURSOR).pluck(),
    saveCursor: db.prepare<[sink: string, seq: number]>(
      'INSERT INTO cursors (sink, seq) VALUES (?, ?) ON CONFLICT (sink) DO UPDATE SET seq = excluded.seq',
    ),
    fresh: db.prepare<[after: number, limit: number], RowRecord>(
      'SELECT seq, event_count, payload FROM batches WHERE seq > ? AND only_sink IS NULL ORDER BY seq LIMIT ?',
    ),
    freshBacklog: db.prepare<[after: number, limit: number], { events: number; oldest: number | null }>(
      'SELECT COALESCE(SUM(event_count), 0) AS events, MIN(received_at) AS oldest FROM ' +
        '(SELECT event_count, received_at FROM batches WHERE seq > ? AND only_sink IS NULL ORDER BY seq LIMIT ?)',
    ),
    dueRetries: db.prepare<[sink: string, now: number, limit: number], RetryRecord>(
      'SELECT r.seq AS seq, b.event_count AS event_count, b.payload AS payload, r.attempts AS attempts, r.event_ids AS event_ids ' +
        'FROM retries r JOIN batches b ON b.seq = r.seq WHERE r.sink = ? AND r.next_attempt_at <= ? ORDER BY r.next_attempt_at, r.seq LIMIT ?',
    ),
    nextRetry: db.prepare<[sink: string], number | null>('SELECT MIN(next_attempt_at) FROM retries WHERE sink = ?').pluck(),
    upsertRetry: db.prepare<[sink: string, seq: number, eventIds: string, attempts: number, nextAttemptAt: number, lastError: string]>(
      'INSERT INTO retries (sink, seq, event_ids, attempts, next_attempt_at, last_error) VALUES (?, ?, ?, ?, ?, ?) ' +
        'ON CONFLICT (sink, seq) DO UPDATE SET event_ids = excluded.event_ids, attempts = excluded.attempts, ' +
        'next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error',
    ),
    deleteRetry: db.prepare<[sink: string, seq: number]>('DELETE FROM retries WHERE sink = ? AND seq = ?'),
    deadLetter: db.prepare<[sink: string, eventId: string, message: string, failedAt: number, envelope: string]>(
      'INSERT INTO dead_letters (sink, event_id, message, failed_at, envelope) VALUES (?, ?, ?, ?, ?)',
    ),
    undecodable: db.prepare<[sink: string, seq: number, reason: string, foundAt: number, payload: string]>(
      'INSERT OR IGNORE INTO undecodable_rows (sink, seq, reason, found_at, payload) VALUES (?, ?, ?, ?, ?)',
    ),
    /** Deletes one row if its sinks are done with it; returns the stored events it held. */
    deleteRow: db
      .prepare<[seq: number, minCursor: number, ...sinks: string[]], number>(
        `DELETE FROM batches WHERE seq = ? AND (seq <= ? OR only_sink IS NOT NULL) AND ${notRetried} RETURNING ${counted}`,
      )
      .pluck(),
    /** Deletes the rows every cursor has passed and no retry holds; returns the stored events of each. */
    deleteRange: db
      .prepare<[from: number, to: number, ...sinks: string[]], number>(
        `DELETE FROM batches WHERE seq > ? AND seq <= ? AND ${notRetried} RETURNING ${counted}`,
      )
      .pluck(),
  };
}

/** A sink's events waiting for a retry, and the arrival time of the oldest. */
const RETRY_BACKLOG =
  'SELECT COALESCE(SUM(json_array_length(r.event_ids)), 0) AS n, MIN(b.received_at) AS oldest FROM retries r JOIN batches b ON b.seq = r.seq WHERE r.sink = ?';

/**
 * The reads behind the spool's metrics, taken at every scrape on a read-only connection: each
 * walks an index edge or the smaller side of a sink's cursor (`spool-gauges.ts`), never the
 * whole spool as `spool_totals` does.
 */
export function gaugeStatements(db: Database.Database) {
  return {
    cursor: db.prepare<[sink: string], number>(CURSOR).pluck(),
    /** The lowest and highest seq stored (each one step down the rowid tree). */
    seqRange: db.prepare<[], { first: number | null; last: number | null }>(
      'SELECT (SELECT MIN(seq) FROM batches) AS first, (SELECT MAX(seq) FROM batches) AS last',
    ),
    eventsAfter: db
      .prepare<[after: number], number>('SELECT COALESCE(SUM(event_count), 0) FROM batches WHERE seq > ? AND only_sink IS NULL')
      .pluck(),
    eventsUpTo: db
      .prepare<[upTo: number], number>('SELECT COALESCE(SUM(event_count), 0) FROM batches WHERE seq <= ? AND only_sink IS NULL')
      .pluck(),
    /** The arrival time of the first row after a cursor: rows are appended in arrival order. */
    firstFreshAt: db
      .prepare<[after: number], number>('SELECT received_at FROM batches WHERE seq > ? AND only_sink IS NULL ORDER BY seq LIMIT 1')
      .pluck(),
    retryBacklog: db.prepare<[sink: string], { n: number; oldest: number | null }>(RETRY_BACKLOG),
  };
}

/** The statements `ma2pinpoint spool` uses to inspect and repair a spool. */
export function adminStatements(db: Database.Database) {
  return {
    storedEvents: db.prepare<[], number>('SELECT stored_events FROM spool_totals').pluck(),
    knownSinks: db
      .prepare<[], string>('SELECT sink FROM cursors UNION SELECT sink FROM retries UNION SELECT sink FROM dead_letters UNION SELECT sink FROM undecodable_rows')
      .pluck(),
    cursor: db.prepare<[sink: string], number>(CURSOR).pluck(),
    freshDepth: db.prepare<[after: number], { n: number; oldest: number | null }>(
      'SELECT COALESCE(SUM(event_count), 0) AS n, MIN(received_at) AS oldest FROM batches WHERE seq > ? AND only_sink IS NULL',
    ),
    retryDepth: db.prepare<[sink: string], { n: number; oldest: number | null }>(RETRY_BACKLOG),
    deadLetterCount: db.prepare<[sink: string], number>('SELECT COUNT(*) FROM dead_letters WHERE sink = ?').pluck(),
    undecodableCount: db.prepare<[sink: string], number>('SELECT COUNT(*) FROM undecodable_rows WHERE sink = ?').pluck(),
    deadLetters: db.prepare<
      [sink: string | null, sinkAgain: string | null, limit: number],
      { id: number; sink: string; event_id: string; message: string; failed_at: number; envelope: string }
    >('SELECT id, sink, event_id, message, failed_at, envelope FROM dead_letters WHERE (? IS NULL OR sink = ?) ORDER BY id LIMIT ?'),
    deadLetter: db.prepare<[id: number], { id: number; sink: string; event_id: string; envelope: string }>(
      'SELECT id, sink, event_id, envelope FROM dead_letters WHERE id = ?',
    ),
    deadLetterIds: db.prepare<[], number>('SELECT id FROM dead_letters ORDER BY id').pluck(),
    deleteDeadLetter: db.prepare<[id: number]>('DELETE FROM dead_letters WHERE id = ?'),
    requeueRow: db.prepare<[receivedAt: number, sink: string, payload: string]>(
      'INSERT INTO batches (received_at, event_count, only_sink, payload) VALUES (?, 1, ?, ?)',
    ),
    requeueRetry: db.prepare<[sink: string, seq: number, eventIds: string]>(
      'INSERT INTO retries (sink, seq, event_ids, attempts, next_attempt_at, last_error) VALUES (?, ?, ?, 0, 0, NULL)',
    ),
    undecodableRows: db.prepare<
      [sink: string | null, sinkAgain: string | null, limit: number],
      { sink: string; seq: number; reason: string; found_at: number; payload: string }
    >('SELECT sink, seq, reason, found_at, payload FROM undecodable_rows WHERE (? IS NULL OR sink = ?) ORDER BY found_at, seq LIMIT ?'),
  };
}
