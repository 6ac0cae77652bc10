import type Database from 'better-sqlite3';
import { RetryLaterError } from '../errors';
import type { EventEnvelope } from '../mapping/event-envelope';
import { createGroupCommit } from './group-commit';
import type { PayloadDecoder, SpoolRow } from './spool-payload';

/** An event handed to the forwarder, with its place in the spool. */
export interface LeasedEvent {
  /** The spool row (one request, or one requeued event) the event belongs to. */
  seq: number;
  /** Attempts already made for this sink (0 for a first delivery). */
  attempts: number;
  /** Leased from the sink's retries (rather than fresh from the stream). */
  fromRetry: boolean;
  envelope: EventEnvelope;
}

/** A set of events leased to one sink; settle it with `complete`. */
export interface Lease {
  sink: string;
  events: LeasedEvent[];
  /** Highest stream seq this lease covers, when it took fresh rows. */
  streamTo: number | undefined;
  /** Rows that could not be decoded; they are already in the dead letters (see `deadLetterRow`). */
  undecodableRows: number[];
}

/**
 * What the forwarder reports about a lease, by event id. A device that resent a request has
 * several copies of one event id in the spool; each entry settles one copy, so a copy the sink
 * took is not sent again because another copy failed.
 */
export interface LeaseOutcome {
  rejected: Array<{ eventId: string; message: string }>;
  failed: Array<{ eventId: string; error: string }>;
  /** When failed events may be tried again (Unix ms). */
  retryAt: number;
}

/** Verdicts queued per event id, one per reported entry. */
function byEventId(entries: ReadonlyArray<readonly [string, string]>): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [eventId, verdict] of entries) {
    const list = map.get(eventId);
    if (list) list.push(verdict);
    else map.set(eventId, [verdict]);
  }
  return map;
}

/** The spool refuses appends beyond `SPOOL_MAX_EVENTS`; clients are told to retry later. */
export class SpoolFullError extends RetryLaterError {
  constructor(max: number) {
    super(`The spool is full (${max} events); retry later.`);
  }
}

interface StreamState {
  cursor: number;
  leasedUpTo: number;
  open: Array<{ to: number; done: boolean }>;
  retriesInFlight: Set<number>;
}

/** What the spool needs. */
export interface SpoolOptions {
  db: Database.Database;
  sinks: readonly string[];
  maxEvents: number;
  now: () => number;
  /** Turns stored payloads back into envelopes when they are leased. */
  decode: PayloadDecoder;
}

interface RowRef {
  seq: number;
  attempts: number;
  fromRetry: boolean;
}

/**
 * The durable queue between the HTTP side and the sinks. `append` commits before it resolves,
 * so a 202 is only sent for stored events. Each sink has its own cursor and retries, so a failing
 * sink neither blocks nor duplicates the others. Leases live in memory: after a crash every
 * unsettled lease is delivered again (at least once; event ids are deterministic).
 */
export class Spool {
  private readonly db: Database.Database;
  private readonly sinks: readonly string[];
  readonly maxEvents: number;
  private readonly now: () => number;
  private readonly decode: PayloadDecoder;
  private readonly streams = new Map<string, StreamState>();
  private readonly groupAppend: (row: SpoolRow) => Promise<void>;
  private stored = 0;
  private queued = 0;
  private lastSeq = 0;
  private minCursor: number;
  private readonly statements;

  constructor(options: SpoolOptions) {
    this.db = options.db;
    this.sinks = options.sinks;
    this.maxEvents = options.maxEvents;
    this.now = options.now;
    this.decode = options.decode;
    const db = this.db;
    const sinkList = this.sinks.map(() => '?').join(',');
    // Rows requeued from dead letters (only_sink) are extras an operator added: not counted
    // against SPOOL_MAX_EVENTS, and deleted as soon as their one sink has them.
    const counted = 'CASE WHEN only_sink IS NULL THEN event_count ELSE 0 END';
    const notRetried = `NOT EXISTS (SELECT 1 FROM retries r WHERE r.seq = batches.seq AND r.sink IN (${sinkList}))`;
    this.statements = {
      insert: db.prepare('INSERT INTO batches (received_at, event_count, payload) VALUES (?, ?, ?)'),
      ping: db.prepare('SELECT 1'),
      totals: db.prepare(
        'SELECT COALESCE(SUM(CASE WHEN only_sink IS NULL THEN event_count ELSE 0 END), 0) AS events, COALESCE(MAX(seq), 0) AS lastSeq FROM batches',
      ),
      cursor: db.prepare('SELECT seq FROM cursors WHERE sink = ?').pluck(),
      saveCursor: db.prepare('INSERT INTO cursors (sink, seq) VALUES (?, ?) ON CONFLICT (sink) DO UPDATE SET seq = excluded.seq'),
      fresh: db.prepare('SELECT seq, event_count, payload FROM batches WHERE seq > ? AND only_sink IS NULL ORDER BY seq LIMIT ?'),
      freshBacklog: db.prepare(
        'SELECT COALESCE(SUM(event_count), 0) AS events, MIN(received_at) AS oldest FROM ' +
          '(SELECT event_count, received_at FROM batches WHERE seq > ? AND only_sink IS NULL ORDER BY seq LIMIT ?)',
      ),
      dueRetries: db.prepare(
        'SELECT r.seq AS seq, r.attempts AS attempts, r.event_ids AS eventIds, b.payload AS payload FROM retries r JOIN batches b ON b.seq = r.seq ' +
          'WHERE r.sink = ? AND r.next_attempt_at <= ? ORDER BY r.next_attempt_at, r.seq LIMIT ?',
      ),
      nextRetry: db.prepare('SELECT MIN(next_attempt_at) FROM retries WHERE sink = ?').pluck(),
      upsertRetry: db.prepare(
        'INSERT INTO retries (sink, seq, event_ids, attempts, next_attempt_at, last_error) VALUES (?, ?, ?, ?, ?, ?) ' +
          'ON CONFLICT (sink, seq) DO UPDATE SET event_ids = excluded.event_ids, attempts = excluded.attempts, ' +
          'next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error',
      ),
      deleteRetry: db.prepare('DELETE FROM retries WHERE sink = ? AND seq = ?'),
      deadLetter: db.prepare('INSERT INTO dead_letters (sink, event_id, message, failed_at, envelope) VALUES (?, ?, ?, ?, ?)'),
      deleteRow: db.prepare(
        `DELETE FROM batches WHERE seq = ? AND (seq <= ? OR only_sink IS NOT NULL) AND ${notRetried} RETURNING ${counted}`,
      ).pluck(),
      deleteRange: db.prepare(`DELETE FROM batches WHERE seq > ? AND seq <= ? AND ${notRetried} RETURNING ${counted}`).pluck(),
    };
    this.refreshCount();
    for (const sink of this.sinks) {
      const cursor = (this.statements.cursor.get(sink) as number | undefined) ?? 0;
      this.streams.set(sink, { cursor, leasedUpTo: cursor, open: [], retriesInFlight: new Set() });
    }
    this.minCursor = this.computeMinCursor();
    const insertAll = this.db.transaction((rows: SpoolRow[]) => {
      for (const row of rows) {
        const info = this.statements.insert.run(row.receivedAt, row.eventCount, row.payload);
        this.lastSeq = Number(info.lastInsertRowid);
      }
    });
    this.groupAppend = createGroupCommit((rows: SpoolRow[]) => {
      const count = rows.reduce((n, r) => n + r.eventCount, 0);
      this.queued -= count;
      insertAll(rows);
      this.stored += count;
    });
  }

  /** Stores a row durably; resolves after the commit. Throws SpoolFullError when full. */
  append(row: SpoolRow): Promise<void> {
    if (this.stored + this.queued + row.eventCount > this.maxEvents) return Promise.reject(new SpoolFullError(this.maxEvents));
    this.queued += row.eventCount;
    return this.groupAppend(row);
  }

  /** True when no more events can be accepted (readiness turns 503). */
  isFull(): boolean {
    return this.stored + this.queued >= this.maxEvents;
  }

  /** Events currently stored (for any sink), requeued dead letters aside. */
  storedEvents(): number {
    return this.stored;
  }

  /** Fresh (never leased) events waiting for a sink, counted up to `upTo`, and when the oldest arrived. */
  freshBacklog(sink: string, upTo: number): { count: number; oldestReceivedAt: number | undefined } {
    const stream = this.stream(sink);
    if (this.lastSeq <= stream.leasedUpTo) return { count: 0, oldestReceivedAt: undefined };
    const row = this.statements.freshBacklog.get(stream.leasedUpTo, upTo) as { events: number; oldest: number | null };
    return { count: row.events, oldestReceivedAt: row.oldest ?? undefined };
  }

  /** When the next retry of a sink falls due (Unix ms), if it has any. */
  nextRetryAt(sink: string): number | undefined {
    return (this.statements.nextRetry.get(sink) as number | null) ?? undefined;
  }

  /**
   * Leases due retries first, then fresh rows (when `fresh`), until `max` events are reached.
   * A lease holds whole rows, so one large request can exceed `max`; the forwarder splits it.
   */
  lease(sink: string, max: number, fresh: boolean): Lease | undefined {
    const stream = this.stream(sink);
    const events: LeasedEvent[] = [];
    const due = this.statements.dueRetries.all(sink, this.now(), max + stream.retriesInFlight.size) as Array<{
      seq: number;
      attempts: number;
      eventIds: string;
      payload: string;
    }>;
    for (const row of due) {
      if (events.length >= max) break;
      if (stream.retriesInFlight.has(row.seq)) continue;
      stream.retriesInFlight.add(row.seq);
      const only = new Set(JSON.parse(row.eventIds) as string[]);
      for (const envelope of this.decode(row.payload, only)) {
        events.push({ seq: row.seq, attempts: row.attempts, fromRetry: true, envelope });
      }
    }
    let streamTo: number | undefined;
    const undecodable: Array<{ seq: number; payload: string; reason: string }> = [];
    if (fresh && events.length < max) {
      for (const row of this.statements.fresh.iterate(stream.leasedUpTo, max) as IterableIterator<{ seq: number; payload: string }>) {
        streamTo = row.seq;
        let envelopes: EventEnvelope[];
        try {
          envelopes = this.decode(row.payload);
        } catch (err: unknown) {
          undecodable.push({ seq: row.seq, payload: row.payload, reason: (err as Error).message });
          continue;
        }
        for (const envelope of envelopes) events.push({ seq: row.seq, attempts: 0, fromRetry: false, envelope });
        if (events.length >= max) break;
      }
      if (streamTo !== undefined) {
        stream.leasedUpTo = streamTo;
        stream.open.push({ to: streamTo, done: false });
      }
    }
    for (const row of undecodable) this.deadLetterRow(sink, row);
    // A lease of only undecodable rows still moves the cursor past them when completed.
    const undecodableRows = undecodable.map((row) => row.seq);
    return events.length > 0 || undecodableRows.length > 0 ? { sink, events, streamTo, undecodableRows } : undefined;
  }

  /**
   * A row that cannot be turned back into events (corrupted, or written by a version whose
   * payload this one cannot read) would fail every lease and hold back the sink: it goes to the
   * dead letters whole, with its payload, and the cursor moves past it.
   */
  private deadLetterRow(sink: string, row: { seq: number; payload: string; reason: string }): void {
    const message = `Undecodable spool row ${row.seq}: ${row.reason}`.slice(0, 2000);
    this.statements.deadLetter.run(sink, `spool-row-${row.seq}`, message, this.now(), JSON.stringify({ undecodablePayload: row.payload }));
  }

  /**
   * Settles a lease in one transaction: dead letters, retries, cursor, and clean-up. Returns
   * how many stored events were deleted (all their sinks are done with them).
   */
  complete(lease: Lease, outcome: LeaseOutcome): number {
    const stream = this.stream(lease.sink);
    const rejected = byEventId(outcome.rejected.map((r) => [r.eventId, r.message]));
    const failed = byEventId(outcome.failed.map((f) => [f.eventId, f.error]));
    const now = this.now();
    const rows = new Map<number, RowRef & { failedIds: string[]; lastError?: string }>();
    const deadLetters: Array<[EventEnvelope, string]> = [];
    for (const { seq, attempts, fromRetry, envelope } of lease.events) {
      const row = rows.get(seq) ?? { seq, attempts, fromRetry, failedIds: [] };
      rows.set(seq, row);
      const error = failed.get(envelope.eventId)?.shift();
      const message = error === undefined ? rejected.get(envelope.eventId)?.shift() : undefined;
      if (error !== undefined) {
        row.failedIds.push(envelope.eventId);
        row.lastError = error;
      } else if (message !== undefined) {
        deadLetters.push([envelope, message]);
      }
    }
    const deleted = this.db.transaction((): number => {
      for (const [envelope, message] of deadLetters) {
        this.statements.deadLetter.run(lease.sink, envelope.eventId, message.slice(0, 2000), now, JSON.stringify(envelope));
      }
      for (const row of rows.values()) {
        if (row.failedIds.length > 0) {
          this.statements.upsertRetry.run(
            lease.sink,
            row.seq,
            JSON.stringify(row.failedIds),
            row.attempts + 1,
            outcome.retryAt,
            (row.lastError ?? '').slice(0, 1000),
          );
        } else if (row.fromRetry) {
          this.statements.deleteRetry.run(lease.sink, row.seq);
        }
      }
      this.advanceCursor(stream, lease);
      const previousMin = this.minCursor;
      this.minCursor = this.computeMinCursor();
      let deleted = 0;
      if (this.minCursor > previousMin) {
        for (const count of this.statements.deleteRange.all(previousMin, this.minCursor, ...this.sinks) as number[]) deleted += count;
      }
      for (const row of rows.values()) {
        if (!row.fromRetry && row.seq > previousMin) continue;
        for (const count of this.statements.deleteRow.all(row.seq, this.minCursor, ...this.sinks) as number[]) deleted += count;
      }
      return deleted;
    })();
    this.stored -= deleted;
    for (const row of rows.values()) if (row.fromRetry) stream.retriesInFlight.delete(row.seq);
    return deleted;
  }

  /** The newest row committed by this connection (for a delivery thread reading the same file). */
  lastAppendedSeq(): number {
    return this.lastSeq;
  }

  /** Another connection (the appending thread) committed rows up to `seq`. */
  noteAppended(seq: number): void {
    this.lastSeq = Math.max(this.lastSeq, seq);
  }

  /** Another connection (the delivery thread) deleted `events` stored events. */
  noteDeleted(events: number): void {
    this.stored = Math.max(0, this.stored - events);
  }

  /** Re-reads the stored count (the CLI may requeue dead letters from another process). */
  refreshCount(): void {
    const totals = this.statements.totals.get() as { events: number; lastSeq: number };
    this.stored = totals.events;
    this.lastSeq = Math.max(this.lastSeq, totals.lastSeq);
  }

  /** True when the database answers a trivial query. */
  isUsable(): boolean {
    try {
      this.statements.ping.get();
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    this.db.close();
  }

  private stream(sink: string): StreamState {
    const stream = this.streams.get(sink);
    if (!stream) throw new Error(`Unknown sink '${sink}'`);
    return stream;
  }

  private advanceCursor(stream: StreamState, lease: Lease): void {
    if (lease.streamTo === undefined) return;
    const entry = stream.open.find((o) => o.to === lease.streamTo);
    if (entry) entry.done = true;
    const before = stream.cursor;
    while (stream.open[0]?.done) stream.cursor = (stream.open.shift() as { to: number }).to;
    if (stream.cursor !== before) this.statements.saveCursor.run(lease.sink, stream.cursor);
  }

  private computeMinCursor(): number {
    let min = Number.POSITIVE_INFINITY;
    for (const stream of this.streams.values()) min = Math.min(min, stream.cursor);
    return Number.isFinite(min) ? min : 0;
  }
}
