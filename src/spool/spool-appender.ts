import type Database from 'better-sqlite3';
import { createGroupCommit } from './group-commit';
import type { SpoolRow } from './spool-payload';
import { appenderStatements } from './spool-statements';

/** What an append did: the row is committed, or the spool had no room for it (nothing stored). */
export type AppendResult = 'stored' | 'full';

/**
 * The HTTP thread's side of the spool: durable appends with group commit, bounded by
 * `SPOOL_MAX_EVENTS`. It keeps the count of stored events in memory (read once from the file,
 * then moved by its own appends and by what the delivery side reports deleted), so the capacity
 * check costs no query per request.
 */
export interface SpoolAppender {
  readonly maxEvents: number;
  /** Commits a row; resolves once it is on disk, or with 'full' (and stores nothing) when it would not fit. */
  append(row: SpoolRow): Promise<AppendResult>;
  /** True when no more events fit; readiness turns 503. */
  isFull(): boolean;
  /** Events stored and not yet handled by every sink (requeued dead letters aside). */
  storedEvents(): number;
  /** The newest row this connection committed, for the delivery side reading the same file. */
  lastAppendedSeq(): number;
  /** The delivery side deleted rows holding `events` stored events. */
  noteDeleted(events: number): void;
  /** True when the database answers a trivial query. */
  isUsable(): boolean;
  close(): void;
}

/** The appender over an open spool database (see `openSpoolDatabase`). */
export function createSpoolAppender(db: Database.Database, maxEvents: number): SpoolAppender {
  const statements = appenderStatements(db);
  const totals = statements.totals.get() ?? { stored_events: 0, last_seq: 0 };
  let stored = totals.stored_events;
  let lastSeq = totals.last_seq;
  // Events of appends waiting for the next group commit: they count against the bound already.
  let queued = 0;
  const insertAll = db.transaction((rows: SpoolRow[]) => {
    for (const row of rows) lastSeq = Number(statements.insert.run(row.receivedAt, row.eventCount, row.payload).lastInsertRowid);
  });
  const groupAppend = createGroupCommit((rows: SpoolRow[]) => {
    const count = rows.reduce((n, r) => n + r.eventCount, 0);
    queued -= count;
    insertAll(rows);
    stored += count;
  });
  return {
    maxEvents,
    async append(row) {
      if (stored + queued + row.eventCount > maxEvents) return 'full';
      queued += row.eventCount;
      await groupAppend(row);
      return 'stored';
    },
    isFull: () => stored + queued >= maxEvents,
    storedEvents: () => stored,
    lastAppendedSeq: () => lastSeq,
    noteDeleted(events) {
      stored = Math.max(0, stored - events);
    },
    isUsable() {
      try {
        statements.ping.get();
        return true;
      } catch {
        return false;
      }
    },
    close: () => db.close(),
  };
}
