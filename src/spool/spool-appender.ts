import type Database from 'better-sqlite3';
import { errorFields, type ErrorFields } from '../error-fields';
import { createGroupCommit } from './group-commit';
import type { SpoolRow } from './spool-payload';
import { appenderStatements } from './spool-statements';

/** What an append did: the row is committed, or the spool had no room for it (nothing stored). */
export type AppendResult = 'stored' | 'full';

/** Why the spool takes no request now; undefined when it does. */
export type SpoolRefusal = 'full' | 'unwritable';

/** The spool's bounds. */
export interface SpoolLimits {
  /** `SPOOL_MAX_EVENTS`: events stored and not yet handled by every sink. */
  maxEvents: number;
  /** `SPOOL_MAX_BYTES`: the database's used pages (free pages left by deletions are reused first). */
  maxBytes: number;
}

/** The appender's view of the spool, for readiness and logs. */
export interface SpoolState {
  storedEvents: number;
  usedBytes: number;
  refusal: SpoolRefusal | undefined;
  /** The error of the last failed commit or write probe, while the spool is unwritable. */
  lastWriteError: ErrorFields | undefined;
}

/**
 * The HTTP thread's side of the spool: durable appends with group commit, bounded by
 * `SPOOL_MAX_EVENTS` and `SPOOL_MAX_BYTES`. It keeps the count of stored events in memory (read
 * once from the file, then moved by its own appends and by what the delivery side reports
 * deleted) and reads the used size from the file's page counts after each commit and deletion,
 * so the capacity check costs no query per request. After a failed commit (a full disk, an I/O
 * error) it refuses appends and, at most once per `PROBE_INTERVAL_MS`, tries one tiny write to
 * learn whether the file can be written again.
 */
export interface SpoolAppender {
  readonly limits: SpoolLimits;
  /** Commits a row; resolves once it is on disk, or with 'full' (and stores nothing) when it would not fit. Rejects with the database's error when the commit fails. */
  append(row: SpoolRow): Promise<AppendResult>;
  /** Why no request can be taken now (probing the file again when it was unwritable), or undefined. */
  refusal(): SpoolRefusal | undefined;
  state(): SpoolState;
  /** Events stored and not yet handled by every sink (requeued dead letters aside). */
  storedEvents(): number;
  /** The newest row this connection committed, for the delivery side reading the same file. */
  lastAppendedSeq(): number;
  /** The delivery side deleted rows holding `events` stored events. */
  noteDeleted(events: number): void;
  close(): void;
}

/** How often an unwritable spool tries a write again, ms. */
const PROBE_INTERVAL_MS = 1000;


/** The appender over an open spool database (see `openSpoolDatabase`). */
export function createSpoolAppender(db: Database.Database, limits: SpoolLimits, now: () => number = Date.now): SpoolAppender {
  const statements = appenderStatements(db);
  const pageSize = statements.pageSize.get() ?? 4096;
  const usedBytesOnDisk = (): number => ((statements.pageCount.get() ?? 0) - (statements.freePages.get() ?? 0)) * pageSize;
  const totals = statements.totals.get() ?? { stored_events: 0, last_seq: 0 };
  let stored = totals.stored_events;
  let lastSeq = totals.last_seq;
  let usedBytes = usedBytesOnDisk();
  // Appends waiting for the next group commit count against the bounds already.
  let queuedEvents = 0;
  let queuedBytes = 0;
  let writeError: SpoolState['lastWriteError'];
  // A request did not fit: the spool counts as full (readiness 503, requests refused before any
  // work) until the delivery side deletes something, rather than flapping while space is short.
  let refusedSinceDeletion = false;
  let lastProbe = Number.NEGATIVE_INFINITY;

  const insertAll = db.transaction((rows: SpoolRow[]) => {
    for (const row of rows) lastSeq = Number(statements.insert.run(row.receivedAt, row.eventCount, row.payload).lastInsertRowid);
  });
  const groupAppend = createGroupCommit((rows: SpoolRow[]) => {
    const events = rows.reduce((n, r) => n + r.eventCount, 0);
    queuedEvents -= events;
    queuedBytes -= rows.reduce((n, r) => n + r.payload.length, 0);
    try {
      insertAll(rows);
    } catch (err: unknown) {
      writeError = errorFields(err);
      lastProbe = now();
      throw err;
    }
    writeError = undefined;
    stored += events;
    usedBytes = usedBytesOnDisk();
  });

  const full = (events: number, bytes: number): boolean =>
    stored + queuedEvents + events > limits.maxEvents || usedBytes + queuedBytes + bytes > limits.maxBytes;

  /** One small committed write; clears the unwritable state when it works. */
  const probe = (): void => {
    lastProbe = now();
    try {
      statements.probe.run(lastProbe);
      writeError = undefined;
    } catch (err: unknown) {
      writeError = errorFields(err);
    }
  };

  const refusal = (): SpoolRefusal | undefined => {
    if (writeError && now() - lastProbe >= PROBE_INTERVAL_MS) probe();
    if (writeError) return 'unwritable';
    return refusedSinceDeletion || full(1, 0) ? 'full' : undefined;
  };

  return {
    limits,
    async append(row) {
      if (full(row.eventCount, row.payload.length)) {
        refusedSinceDeletion = true;
        return 'full';
      }
      queuedEvents += row.eventCount;
      queuedBytes += row.payload.length;
      await groupAppend(row);
      return 'stored';
    },
    refusal,
    state: () => ({ storedEvents: stored, usedBytes, refusal: refusal(), lastWriteError: writeError }),
    storedEvents: () => stored,
    lastAppendedSeq: () => lastSeq,
    noteDeleted(events) {
      stored = Math.max(0, stored - events);
      usedBytes = usedBytesOnDisk();
      refusedSinceDeletion = false;
    },
    close: () => {
      db.close();
    },
  };
}
