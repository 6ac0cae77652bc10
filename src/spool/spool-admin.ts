import type Database from 'better-sqlite3';
import type { EventEnvelope } from '../mapping/event-envelope';
import { quickCheck } from '../sqlite-file';
import { StorageDamagedError } from '../storage-error';
import { mappedEventPayload } from './spool-payload';
import { adminStatements } from './spool-statements';

/** One sink's backlog as the CLI and operators see it. */
export interface SinkBacklog {
  sink: string;
  /** Events still to deliver to this sink (fresh + waiting for a retry). */
  depth: number;
  retries: number;
  /** Age of the oldest undelivered event, in ms. */
  oldestAgeMs: number | null;
  deadLetters: number;
  /** Rows this sink could not decode (kept in `undecodable_rows`). */
  undecodableRows: number;
  cursor: number;
}

/** The whole spool at a glance (`ma2pinpoint spool stats`). */
export interface SpoolStats {
  storedEvents: number;
  sinks: SinkBacklog[];
}

/** A dead letter as listed by `ma2pinpoint spool dead-letters`. */
export interface DeadLetter {
  id: number;
  sink: string;
  eventId: string;
  applicationId: string;
  eventType: string;
  message: string;
  failedAt: string;
}

/** A row the delivery side could not decode, as listed by `ma2pinpoint spool undecodable`. */
export interface UndecodableRow {
  sink: string;
  seq: number;
  reason: string;
  foundAt: string;
  /** The stored payload as it was, for an operator to inspect or repair. */
  payload: string;
}

/**
 * Checks the spool file (`PRAGMA quick_check`, first problem only) before anything is read from
 * it for operators: a damaged page can hold any number. Reads the whole file; on a live spool it
 * is one read transaction, and the service goes on appending and delivering meanwhile.
 */
export function checkSpool(db: Database.Database, file: string): StorageDamagedError | undefined {
  const [problem] = quickCheck(db, 1);
  return problem === undefined ? undefined : new StorageDamagedError(file, 'spool', problem);
}

/** Reads the spool's state for operators; works on a live spool (WAL allows it). */
export function spoolStats(db: Database.Database, configuredSinks: readonly string[], now: number): SpoolStats {
  const statements = adminStatements(db);
  const sinks = [...new Set([...configuredSinks, ...statements.knownSinks.all()])];
  return {
    storedEvents: statements.storedEvents.get() ?? 0,
    sinks: sinks.map((sink) => {
      const cursor = statements.cursor.get(sink) ?? 0;
      const fresh = statements.freshDepth.get(cursor) ?? { n: 0, oldest: null };
      const retry = statements.retryDepth.get(sink) ?? { n: 0, oldest: null };
      const oldest = [fresh.oldest, retry.oldest].filter((v): v is number => v !== null);
      return {
        sink,
        depth: fresh.n + retry.n,
        retries: retry.n,
        oldestAgeMs: oldest.length > 0 ? now - Math.min(...oldest) : null,
        deadLetters: statements.deadLetterCount.get(sink) ?? 0,
        undecodableRows: statements.undecodableCount.get(sink) ?? 0,
        cursor,
      };
    }),
  };
}

/**
 * The mapped event of a dead letter. Version 0.1 also kept whole undecodable rows among the dead
 * letters (as `{"undecodablePayload":…}`): those have no event, are listed without one, and are
 * never requeued.
 */
function parseDeadLetter(text: string): EventEnvelope | undefined {
  const parsed = JSON.parse(text) as Partial<EventEnvelope>;
  return parsed.event && parsed.eventId ? (parsed as EventEnvelope) : undefined;
}

/** Lists dead letters, oldest first. */
export function listDeadLetters(db: Database.Database, options: { sink?: string; limit: number }): DeadLetter[] {
  const sink = options.sink ?? null;
  return adminStatements(db)
    .deadLetters.all(sink, sink, options.limit)
    .map((row) => {
      const envelope = parseDeadLetter(row.envelope);
      return {
        id: row.id,
        sink: row.sink,
        eventId: row.event_id,
        applicationId: envelope?.applicationId ?? '',
        eventType: envelope?.event.EventType ?? '',
        message: row.message,
        failedAt: new Date(row.failed_at).toISOString(),
      };
    });
}

/** Lists the rows sinks could not decode, oldest first. */
export function listUndecodableRows(db: Database.Database, options: { sink?: string; limit: number }): UndecodableRow[] {
  const sink = options.sink ?? null;
  return adminStatements(db)
    .undecodableRows.all(sink, sink, options.limit)
    .map((row) => ({ sink: row.sink, seq: row.seq, reason: row.reason, foundAt: new Date(row.found_at).toISOString(), payload: row.payload }));
}

/**
 * Puts dead letters back in the queue of the sink that refused them (and only that sink): the
 * mapped event is stored again, marked for that sink, with a retry due now. A running service
 * picks it up on its next look at the retries. Returns how many were requeued.
 */
export function requeueDeadLetters(db: Database.Database, selection: 'all' | readonly number[]): number {
  const statements = adminStatements(db);
  return db.transaction(() => {
    const ids = selection === 'all' ? statements.deadLetterIds.all() : selection;
    let count = 0;
    for (const id of ids) {
      const row = statements.deadLetter.get(id);
      if (!row) continue;
      const envelope = parseDeadLetter(row.envelope);
      if (!envelope) continue;
      const seq = Number(statements.requeueRow.run(envelope.receivedAt, row.sink, mappedEventPayload(row.envelope)).lastInsertRowid);
      statements.requeueRetry.run(row.sink, seq, JSON.stringify([row.event_id]));
      statements.deleteDeadLetter.run(row.id);
      count += 1;
    }
    return count;
  })();
}
