import type Database from 'better-sqlite3';
import { RetryLaterError } from '../errors';
import type { EventEnvelope } from '../mapping/event-envelope';
import { createGroupCommit } from './group-commit';

/** An event handed to the forwarder, with its place in the spool. */
export interface LeasedEvent {
  seq: number;
  /** Attempts already made for this sink (0 for a first delivery). */
  attempts: number;
  /** Leased from the sink's retries (rather than fresh from the stream). */
  fromRetry: boolean;
  /** Put back by `spool requeue`, perhaps from another process: settling it re-reads the stored count. */
  requeued: boolean;
  envelope: EventEnvelope;
}

/** A set of events leased to one sink; settle it with `complete`. */
export interface Lease {
  sink: string;
  events: LeasedEvent[];
  /** Highest stream seq this lease covers, when it took fresh events. */
  streamTo: number | undefined;
}

/** What the forwarder reports about a lease, by event id. */
export interface LeaseOutcome {
  rejected: Array<{ eventId: string; message: string }>;
  failed: Array<{ eventId: string; error: string }>;
  /** When failed events may be tried again (Unix ms). */
  retryAt: number;
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
  private readonly maxEvents: number;
  private readonly now: () => number;
  private readonly streams = new Map<string, StreamState>();
  private readonly groupAppend: (envelopes: readonly EventEnvelope[]) => Promise<void>;
  private stored: number;
  private queued = 0;
  private lastSeq: number;
  private minCursor: number;
  private readonly statements;

  constructor(options: SpoolOptions) {
    this.db = options.db;
    this.sinks = options.sinks;
    this.maxEvents = options.maxEvents;
    this.now = options.now;
    const db = this.db;
    const sinkList = this.sinks.map(() => '?').join(',');
    this.statements = {
      insert: db.prepare('INSERT INTO events (event_id, received_at, envelope) VALUES (?, ?, ?)'),
      count: db.prepare('SELECT COUNT(*) AS n FROM events').pluck(),
      maxFreshSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) FROM events WHERE only_sink IS NULL').pluck(),
      cursor: db.prepare('SELECT seq FROM cursors WHERE sink = ?').pluck(),
      saveCursor: db.prepare('INSERT INTO cursors (sink, seq) VALUES (?, ?) ON CONFLICT (sink) DO UPDATE SET seq = excluded.seq'),
      fresh: db.prepare('SELECT seq, envelope FROM events WHERE seq > ? AND only_sink IS NULL ORDER BY seq LIMIT ?'),
      oldestFresh: db.prepare('SELECT received_at FROM events WHERE seq > ? AND only_sink IS NULL ORDER BY seq LIMIT 1').pluck(),
      dueRetries: db.prepare(
        'SELECT r.seq AS seq, r.attempts AS attempts, e.only_sink IS NOT NULL AS requeued, e.envelope AS envelope FROM retries r JOIN events e ON e.seq = r.seq ' +
          'WHERE r.sink = ? AND r.next_attempt_at <= ? ORDER BY r.next_attempt_at, r.seq LIMIT ?',
      ),
      nextRetry: db.prepare('SELECT MIN(next_attempt_at) FROM retries WHERE sink = ?').pluck(),
      upsertRetry: db.prepare(
        'INSERT INTO retries (sink, seq, attempts, next_attempt_at, last_error) VALUES (?, ?, ?, ?, ?) ' +
          'ON CONFLICT (sink, seq) DO UPDATE SET attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error',
      ),
      deleteRetry: db.prepare('DELETE FROM retries WHERE sink = ? AND seq = ?'),
      deadLetter: db.prepare('INSERT INTO dead_letters (sink, event_id, message, failed_at, envelope) VALUES (?, ?, ?, ?, ?)'),
      deleteEvent: db.prepare(
        `DELETE FROM events WHERE seq = ? AND (seq <= ? OR only_sink IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM retries r WHERE r.seq = events.seq AND r.sink IN (${sinkList}))`,
      ),
      deleteRange: db.prepare(
        `DELETE FROM events WHERE seq > ? AND seq <= ? AND NOT EXISTS (SELECT 1 FROM retries r WHERE r.seq = events.seq AND r.sink IN (${sinkList}))`,
      ),
    };
    this.stored = this.statements.count.get() as number;
    // Requeued events (only_sink) are never fresh: counting them as a fresh backlog would make
    // the forwarder lease forever and find nothing.
    this.lastSeq = this.statements.maxFreshSeq.get() as number;
    for (const sink of this.sinks) {
      const cursor = (this.statements.cursor.get(sink) as number | undefined) ?? 0;
      this.streams.set(sink, { cursor, leasedUpTo: cursor, open: [], retriesInFlight: new Set() });
    }
    this.minCursor = this.computeMinCursor();
    const insertAll = this.db.transaction((batches: Array<readonly EventEnvelope[]>) => {
      for (const envelopes of batches) {
        for (const e of envelopes) {
          const info = this.statements.insert.run(e.eventId, e.receivedAt, JSON.stringify(e));
          this.lastSeq = Number(info.lastInsertRowid);
        }
      }
    });
    this.groupAppend = createGroupCommit((batches: Array<readonly EventEnvelope[]>) => {
      const count = batches.reduce((n, b) => n + b.length, 0);
      this.queued -= count;
      insertAll(batches);
      this.stored += count;
    });
  }

  /** Stores events durably; resolves after the commit. Throws SpoolFullError when full. */
  append(envelopes: readonly EventEnvelope[]): Promise<void> {
    if (this.stored + this.queued + envelopes.length > this.maxEvents) return Promise.reject(new SpoolFullError(this.maxEvents));
    this.queued += envelopes.length;
    return this.groupAppend(envelopes);
  }

  /** True when no more events can be accepted (readiness turns 503). */
  isFull(): boolean {
    return this.stored + this.queued >= this.maxEvents;
  }

  /** Events currently stored (for any sink). */
  storedEvents(): number {
    return this.stored;
  }

  /** Fresh (never leased) events waiting for a sink, and when the oldest arrived. */
  freshBacklog(sink: string): { count: number; oldestReceivedAt: number | undefined } {
    const stream = this.stream(sink);
    const count = Math.max(0, this.lastSeq - stream.leasedUpTo);
    if (count === 0) return { count, oldestReceivedAt: undefined };
    return { count, oldestReceivedAt: this.statements.oldestFresh.get(stream.leasedUpTo) as number | undefined };
  }

  /** When the next retry of a sink falls due (Unix ms), if it has any. */
  nextRetryAt(sink: string): number | undefined {
    return (this.statements.nextRetry.get(sink) as number | null) ?? undefined;
  }

  /** Leases due retries first, then fresh events (when `fresh`), up to `max` events. */
  lease(sink: string, max: number, fresh: boolean): Lease | undefined {
    const stream = this.stream(sink);
    const events: LeasedEvent[] = [];
    const due = this.statements.dueRetries.all(sink, this.now(), max + stream.retriesInFlight.size) as Array<{
      seq: number;
      attempts: number;
      requeued: number;
      envelope: string;
    }>;
    for (const row of due) {
      if (events.length >= max) break;
      if (stream.retriesInFlight.has(row.seq)) continue;
      stream.retriesInFlight.add(row.seq);
      events.push({ seq: row.seq, attempts: row.attempts, fromRetry: true, requeued: row.requeued === 1, envelope: JSON.parse(row.envelope) as EventEnvelope });
    }
    let streamTo: number | undefined;
    if (fresh && events.length < max) {
      const rows = this.statements.fresh.all(stream.leasedUpTo, max - events.length) as Array<{ seq: number; envelope: string }>;
      for (const row of rows) events.push({ seq: row.seq, attempts: 0, fromRetry: false, requeued: false, envelope: JSON.parse(row.envelope) as EventEnvelope });
      const last = rows[rows.length - 1];
      if (last) {
        streamTo = last.seq;
        stream.leasedUpTo = last.seq;
        stream.open.push({ to: last.seq, done: false });
      }
    }
    return events.length > 0 ? { sink, events, streamTo } : undefined;
  }

  /** Settles a lease in one transaction: dead letters, retries, cursor, and clean-up. */
  complete(lease: Lease, outcome: LeaseOutcome): void {
    const stream = this.stream(lease.sink);
    const rejected = new Map(outcome.rejected.map((r) => [r.eventId, r.message]));
    const failed = new Map(outcome.failed.map((f) => [f.eventId, f.error]));
    const now = this.now();
    this.db.transaction(() => {
      for (const { seq, attempts, fromRetry, envelope } of lease.events) {
        const message = rejected.get(envelope.eventId);
        const error = failed.get(envelope.eventId);
        if (error !== undefined) {
          this.statements.upsertRetry.run(lease.sink, seq, attempts + 1, outcome.retryAt, error.slice(0, 1000));
          continue;
        }
        if (message !== undefined) {
          this.statements.deadLetter.run(lease.sink, envelope.eventId, message.slice(0, 2000), now, JSON.stringify(envelope));
        }
        if (fromRetry) this.statements.deleteRetry.run(lease.sink, seq);
      }
      this.advanceCursor(stream, lease);
      const previousMin = this.minCursor;
      this.minCursor = this.computeMinCursor();
      let deleted = 0;
      if (this.minCursor > previousMin) {
        deleted += this.statements.deleteRange.run(previousMin, this.minCursor, ...this.sinks).changes;
      }
      for (const { seq, fromRetry } of lease.events) {
        if (fromRetry || seq <= previousMin) deleted += this.statements.deleteEvent.run(seq, this.minCursor, ...this.sinks).changes;
      }
      this.stored -= deleted;
    })();
    for (const { seq, fromRetry } of lease.events) if (fromRetry) stream.retriesInFlight.delete(seq);
    // A requeued event leaves the spool once its one sink is done with it; if another process
    // requeued it, it was never counted here, so count again (rare: only after a requeue).
    if (lease.events.some((e) => e.requeued)) this.refreshCount();
  }

  /** Re-reads the stored count (the CLI may requeue dead letters from another process). */
  refreshCount(): void {
    this.stored = this.statements.count.get() as number;
    this.lastSeq = Math.max(this.lastSeq, this.statements.maxFreshSeq.get() as number);
  }

  /** True when the database answers a trivial query. */
  isUsable(): boolean {
    try {
      this.db.prepare('SELECT 1').get();
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
