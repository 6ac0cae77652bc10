import type Database from 'better-sqlite3';
import type { EventEnvelope } from '../mapping/event-envelope';
import { envelopesRow } from './spool-payload';

/** One sink's backlog as the CLI and operators see it. */
export interface SinkBacklog {
  sink: string;
  /** Events still to deliver to this sink (fresh + waiting for a retry). */
  depth: number;
  retries: number;
  /** Age of the oldest undelivered event, in ms. */
  oldestAgeMs: number | null;
  deadLetters: number;
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

/** Reads the spool's state for operators; works on a live spool (WAL allows it). */
export function spoolStats(db: Database.Database, configuredSinks: readonly string[], now: number): SpoolStats {
  const known = db
    .prepare('SELECT sink FROM cursors UNION SELECT sink FROM retries UNION SELECT sink FROM dead_letters')
    .pluck()
    .all() as string[];
  const sinks = [...new Set([...configuredSinks, ...known])];
  return {
    storedEvents: db.prepare('SELECT COALESCE(SUM(event_count), 0) FROM batches').pluck().get() as number,
    sinks: sinks.map((sink) => {
      const cursor = (db.prepare('SELECT seq FROM cursors WHERE sink = ?').pluck().get(sink) as number | undefined) ?? 0;
      const fresh = db
        .prepare('SELECT COALESCE(SUM(event_count), 0) AS n, MIN(received_at) AS oldest FROM batches WHERE seq > ? AND only_sink IS NULL')
        .get(cursor) as { n: number; oldest: number | null };
      const retry = db
        .prepare(
          'SELECT COALESCE(SUM(json_array_length(r.event_ids)), 0) AS n, MIN(b.received_at) AS oldest FROM retries r JOIN batches b ON b.seq = r.seq WHERE r.sink = ?',
        )
        .get(sink) as { n: number; oldest: number | null };
      const oldest = [fresh.oldest, retry.oldest].filter((v): v is number => v !== null);
      return {
        sink,
        depth: fresh.n + retry.n,
        retries: retry.n,
        oldestAgeMs: oldest.length > 0 ? now - Math.min(...oldest) : null,
        deadLetters: db.prepare('SELECT COUNT(*) FROM dead_letters WHERE sink = ?').pluck().get(sink) as number,
        cursor,
      };
    }),
  };
}

/** The envelope of a dead letter, or undefined for a whole undecodable spool row (kept as its payload). */
function parseDeadLetter(text: string): EventEnvelope | undefined {
  const parsed = JSON.parse(text) as EventEnvelope | { undecodablePayload: string };
  return 'undecodablePayload' in parsed ? undefined : parsed;
}

/** Lists dead letters, oldest first. */
export function listDeadLetters(db: Database.Database, options: { sink?: string; limit: number }): DeadLetter[] {
  const rows = db
    .prepare('SELECT id, sink, event_id, message, failed_at, envelope FROM dead_letters WHERE (? IS NULL OR sink = ?) ORDER BY id LIMIT ?')
    .all(options.sink ?? null, options.sink ?? null, options.limit) as Array<{
    id: number;
    sink: string;
    event_id: string;
    message: string;
    failed_at: number;
    envelope: string;
  }>;
  return rows.map((row) => {
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

/**
 * Puts dead letters back in the queue of the sink that refused them (and only that sink):
 * the event is stored again, marked for that sink, with a retry due now. A running service
 * picks it up on its next look at the retries. Undecodable spool rows stay where they are: they
 * cannot be delivered, only inspected. Returns how many were requeued.
 */
export function requeueDeadLetters(db: Database.Database, selection: 'all' | readonly number[]): number {
  const select = db.prepare('SELECT id, sink, event_id, envelope FROM dead_letters WHERE id = ?');
  const all = db.prepare('SELECT id FROM dead_letters ORDER BY id').pluck();
  const insertBatch = db.prepare('INSERT INTO batches (received_at, event_count, only_sink, payload) VALUES (?, 1, ?, ?)');
  const insertRetry = db.prepare('INSERT INTO retries (sink, seq, event_ids, attempts, next_attempt_at, last_error) VALUES (?, ?, ?, 0, 0, NULL)');
  const remove = db.prepare('DELETE FROM dead_letters WHERE id = ?');
  return db.transaction(() => {
    const ids = selection === 'all' ? (all.all() as number[]) : selection;
    let count = 0;
    for (const id of ids) {
      const row = select.get(id) as { id: number; sink: string; event_id: string; envelope: string } | undefined;
      if (!row) continue;
      const envelope = parseDeadLetter(row.envelope);
      if (!envelope) continue;
      const stored = envelopesRow([envelope]);
      const seq = Number(insertBatch.run(stored.receivedAt, row.sink, stored.payload).lastInsertRowid);
      insertRetry.run(row.sink, seq, JSON.stringify([envelope.eventId]));
      remove.run(row.id);
      count += 1;
    }
    return count;
  })();
}
