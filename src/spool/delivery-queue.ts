import type Database from 'better-sqlite3';
import type { EventEnvelope } from '../mapping/event-envelope';
import { queueStatements } from './spool-statements';
import { StreamCursor } from './stream-cursor';

/** A spool row handed to the delivery side, with its stored payload (the delivery side maps it). */
export interface LeasedRow {
  seq: number;
  /** Attempts already made for this sink (0 for a first delivery). */
  attempts: number;
  /** Leased from the sink's retries (rather than fresh from the stream). */
  fromRetry: boolean;
  /** The stored payload text (see `spool-payload.ts`). */
  payload: string;
  /** For a retry, the events of the row still owed to this sink; undefined means all of them. */
  onlyEventIds: ReadonlySet<string> | undefined;
}

/** Rows leased to one sink; settle them with `complete`. */
export interface Lease {
  sink: string;
  rows: LeasedRow[];
  /** Highest stream seq this lease covers, when it took fresh rows. */
  streamTo: number | undefined;
}

/**
 * How a lease ended. Events not named here were delivered. An event id may be named once per
 * copy: a device that resent a request has several copies of one event in the spool, and each
 * entry settles the copy in its row.
 */
export interface Settlement {
  /** Events to try again at `retryAt`, by row, with the error that kept them. */
  failed: Array<{ seq: number; eventId: string; error: string }>;
  /** When failed events may be tried again (Unix ms). */
  retryAt: number;
  /** Events the sink refused for good, with its message. */
  deadLetters: Array<{ eventId: string; message: string; envelope: EventEnvelope }>;
  /** Rows the delivery side could not turn into events; kept aside with their payload. */
  undecodable: Array<{ seq: number; reason: string }>;
}

/** Fresh events waiting for a sink, and when the oldest of them arrived. */
export interface FreshBacklog {
  count: number;
  oldestReceivedAt: number | undefined;
}

/**
 * The delivery side of the spool: per-sink leases, settlement, retries, dead letters and
 * clean-up. Each sink has its own cursor and retries, so a failing sink neither blocks nor
 * duplicates the others. Leases live in memory: after a crash every unsettled lease is delivered
 * again (at least once; event ids are deterministic).
 */
export interface DeliveryQueue {
  /** Fresh (never leased) events for a sink, counted over at most `upToRows` rows. */
  freshBacklog(sink: string, upToRows: number): FreshBacklog;
  /** When the next retry of a sink falls due (Unix ms), if it has any. */
  nextRetryAt(sink: string): number | undefined;
  /**
   * Leases due retries first, then fresh rows (when `fresh`), until `maxEvents` are reached. A
   * lease holds whole rows, so one large request can exceed `maxEvents`; the forwarder chunks.
   */
  lease(sink: string, maxEvents: number, fresh: boolean): Lease | undefined;
  /** Settles a lease in one transaction; returns how many stored events were deleted. */
  complete(lease: Lease, settlement: Settlement): number;
  /** The appender committed rows up to `seq` (another connection, maybe another thread). */
  noteAppended(seq: number): void;
  close(): void;
}

/** Longest text kept of a message or error in the spool. */
const MESSAGE_CHARS = 2000;

/** What the queue needs. */
export interface DeliveryQueueOptions {
  db: Database.Database;
  sinks: readonly string[];
  now: () => number;
}

/** The queue over an open spool database (see `openSpoolDatabase`). */
export function createDeliveryQueue(options: DeliveryQueueOptions): DeliveryQueue {
  const { db, sinks, now } = options;
  const statements = queueStatements(db, sinks);
  const streams = new Map(sinks.map((sink) => [sink, new StreamCursor(statements.cursor.get(sink) ?? 0)]));
  let lastSeq = statements.lastSeq.get() ?? 0;
  const minCursor = (): number => Math.min(...[...streams.values()].map((s) => s.cursor));
  let handledByAll = minCursor();

  const stream = (sink: string): StreamCursor => {
    const found = streams.get(sink);
    if (!found) throw new Error(`Unknown sink '${sink}'`);
    return found;
  };

  const leaseRetries = (sink: string, cursor: StreamCursor, maxEvents: number, rows: LeasedRow[]): number => {
    let events = 0;
    for (const row of statements.dueRetries.all(sink, now(), maxEvents + cursor.retriesLeased)) {
      if (events >= maxEvents) break;
      if (!cursor.claimRetry(row.seq)) continue;
      const onlyEventIds = new Set(JSON.parse(row.event_ids) as string[]);
      rows.push({ seq: row.seq, attempts: row.attempts, fromRetry: true, payload: row.payload, onlyEventIds });
      events += onlyEventIds.size;
    }
    return events;
  };

  const leaseFresh = (cursor: StreamCursor, maxEvents: number, rows: LeasedRow[], events: number): number | undefined => {
    let streamTo: number | undefined;
    for (const row of statements.fresh.iterate(cursor.leasedUpTo, maxEvents)) {
      streamTo = row.seq;
      rows.push({ seq: row.seq, attempts: 0, fromRetry: false, payload: row.payload, onlyEventIds: undefined });
      events += row.event_count;
      if (events >= maxEvents) break;
    }
    if (streamTo !== undefined) cursor.leaseFresh(streamTo);
    return streamTo;
  };

  /** Deletes the rows every sink is done with: the range the slowest cursor passed, and settled retries. */
  const deleteHandled = (lease: Lease): number => {
    const previous = handledByAll;
    handledByAll = minCursor();
    let deleted = 0;
    if (handledByAll > previous) {
      for (const count of statements.deleteRange.all(previous, handledByAll, ...sinks)) deleted += count;
    }
    for (const row of lease.rows) {
      if (!row.fromRetry && row.seq > previous) continue;
      for (const count of statements.deleteRow.all(row.seq, handledByAll, ...sinks)) deleted += count;
    }
    return deleted;
  };

  const settle = db.transaction((lease: Lease, settlement: Settlement): number => {
    const { sink } = lease;
    const at = now();
    for (const letter of settlement.deadLetters) {
      statements.deadLetter.run(sink, letter.eventId, letter.message.slice(0, MESSAGE_CHARS), at, JSON.stringify(letter.envelope));
    }
    const payloads = new Map(lease.rows.map((row) => [row.seq, row.payload]));
    for (const { seq, reason } of settlement.undecodable) {
      statements.undecodable.run(sink, seq, reason.slice(0, MESSAGE_CHARS), at, payloads.get(seq) ?? '');
    }
    const failedBySeq = new Map<number, { eventIds: string[]; error: string }>();
    for (const { seq, eventId, error } of settlement.failed) {
      const entry = failedBySeq.get(seq) ?? { eventIds: [], error };
      entry.eventIds.push(eventId);
      entry.error = error;
      failedBySeq.set(seq, entry);
    }
    for (const row of lease.rows) {
      const failed = failedBySeq.get(row.seq);
      if (failed) {
        const error = failed.error.slice(0, MESSAGE_CHARS);
        statements.upsertRetry.run(sink, row.seq, JSON.stringify(failed.eventIds), row.attempts + 1, settlement.retryAt, error);
      } else if (row.fromRetry) {
        statements.deleteRetry.run(sink, row.seq);
      }
    }
    if (lease.streamTo !== undefined) {
      const moved = stream(sink).settleFresh(lease.streamTo);
      if (moved !== undefined) statements.saveCursor.run(sink, moved);
    }
    return deleteHandled(lease);
  });

  return {
    freshBacklog(sink, upToRows) {
      const cursor = stream(sink);
      if (lastSeq <= cursor.leasedUpTo) return { count: 0, oldestReceivedAt: undefined };
      const row = statements.freshBacklog.get(cursor.leasedUpTo, upToRows) ?? { events: 0, oldest: null };
      return { count: row.events, oldestReceivedAt: row.oldest ?? undefined };
    },
    nextRetryAt: (sink) => statements.nextRetry.get(sink) ?? undefined,
    lease(sink, maxEvents, fresh) {
      const cursor = stream(sink);
      const rows: LeasedRow[] = [];
      const events = leaseRetries(sink, cursor, maxEvents, rows);
      const streamTo = fresh && events < maxEvents ? leaseFresh(cursor, maxEvents, rows, events) : undefined;
      return rows.length > 0 ? { sink, rows, streamTo } : undefined;
    },
    complete(lease, settlement) {
      try {
        return settle(lease, settlement);
      } finally {
        const cursor = stream(lease.sink);
        for (const row of lease.rows) if (row.fromRetry) cursor.releaseRetry(row.seq);
      }
    },
    noteAppended(seq) {
      lastSeq = Math.max(lastSeq, seq);
    },
    close: () => db.close(),
  };
}
