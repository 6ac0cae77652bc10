import type Database from 'better-sqlite3';
import { gaugeStatements } from './spool-statements';

/** What one sink still owes, as the metrics show it. */
export interface SinkBacklogGauge {
  sink: string;
  /** Events not yet delivered to this sink (fresh, and waiting for a retry). */
  events: number;
  /** Age of the oldest of them, ms; null when there is none. */
  oldestAgeMs: number | null;
}

/** Reads every sink's backlog for the metrics; see `createSpoolGauges`. */
export interface SpoolGauges {
  /**
   * `storedEvents`: the appender's exact count of stored events (kept in memory on the HTTP
   * thread), which spares a scan of the whole spool.
   */
  read(storedEvents: number, now: number): SinkBacklogGauge[];
  close(): void;
}

/**
 * The spool's per-sink gauges over a read-only connection, cheap enough for every scrape. A
 * sink's fresh events are the rows after its cursor; counting them walks that side of the table,
 * which is the whole backlog when the sink is behind. Rows at or before the cursor are only those
 * another sink or a retry still holds, so when that side is the shorter one (by seq range), its
 * events are counted instead and taken from the stored total. The oldest fresh event is the first
 * row after the cursor; retries are read from their own small table.
 *
 * The stored total and this connection's snapshot may differ by a lease the delivery side just
 * deleted and has not reported yet (milliseconds): the count is clamped at zero.
 */
export function createSpoolGauges(db: Database.Database, sinks: readonly string[]): SpoolGauges {
  const statements = gaugeStatements(db);
  const read = db.transaction((storedEvents: number, now: number): SinkBacklogGauge[] => {
    const { first, last } = statements.seqRange.get() ?? { first: null, last: null };
    return sinks.map((sink) => {
      const cursor = statements.cursor.get(sink) ?? 0;
      const retry = statements.retryBacklog.get(sink) ?? { n: 0, oldest: null };
      let fresh = 0;
      if (first !== null && last !== null && last > cursor) {
        const behindIsShorter = cursor - first < last - cursor;
        fresh = behindIsShorter ? Math.max(0, storedEvents - (statements.eventsUpTo.get(cursor) ?? 0)) : (statements.eventsAfter.get(cursor) ?? 0);
      }
      const oldest = [fresh > 0 ? statements.firstFreshAt.get(cursor) : undefined, retry.oldest].filter(
        (at): at is number => typeof at === 'number',
      );
      return { sink, events: fresh + retry.n, oldestAgeMs: oldest.length > 0 ? Math.max(0, now - Math.min(...oldest)) : null };
    });
  });
  return {
    read: (storedEvents, now) => read(storedEvents, now),
    close: () => {
      db.close();
    },
  };
}
