import path from 'node:path';
import type Database from 'better-sqlite3';
import type { KpiEvent } from '../kpis/kpi-event';
import type { EventStreamRecord } from '../mapping/event-stream-record';
import { openDatabaseFile } from '../sqlite-file';

/**
 * The embedded local store: one row per event, the Pinpoint event-stream record as JSON plus
 * the columns KPI queries filter and group on (app, event type, UTC day, client id, session).
 * Rows are appended in arrival order (rowid); `event_id` is unique, so a redelivered event is
 * stored once.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  app_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  client_id TEXT NOT NULL,
  session_id TEXT,
  event_timestamp INTEGER NOT NULL,
  event_day TEXT NOT NULL,
  arrival_timestamp INTEGER NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_app_type_day ON events (app_id, event_type, event_day);
CREATE INDEX IF NOT EXISTS events_app_day_client ON events (app_id, event_day, client_id);
`;

const INSERT =
  'INSERT OR IGNORE INTO events (event_id, app_id, event_type, client_id, session_id, event_timestamp, event_day, arrival_timestamp, record)';

/** Rows per multi-row INSERT: one statement call per 50 events instead of 50. */
const ROWS_PER_STATEMENT = 50;

/**
 * One event for the local store: the event-stream record as JSON, the columns queries filter on,
 * and the KPI facts the roll-ups count.
 */
export interface StoredEvent extends KpiEvent {
  readonly eventId: string;
  readonly sessionId: string | null;
  readonly eventTimestamp: number;
  readonly arrivalTimestamp: number;
  /** The event-stream record (event_version 3.0) as JSON text. */
  readonly recordJson: string;
}

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` (UTC) of Unix ms times; consecutive events mostly share a day, so it remembers the last. */
function createUtcDay(): (ms: number) => string {
  let last = { number: Number.NaN, text: '' };
  return (ms) => {
    const number = Math.floor(ms / DAY_MS);
    if (number !== last.number) last = { number, text: new Date(number * DAY_MS).toISOString().slice(0, 10) };
    return last.text;
  };
}

/** The local store file inside `DATA_DIR`. */
export function eventStorePath(dataDir: string): string {
  return path.join(dataDir, 'events.db');
}

/** Records read back in arrival order, and where to continue from. */
export interface TailPage {
  records: EventStreamRecord[];
  /** Pass as `afterId` to get only newer records. */
  lastId: number;
}

/** Reads and writes the local store. */
export interface EventStore {
  /** Inserts events, ignoring event ids already stored; returns how many were new. */
  insert(events: readonly StoredEvent[]): number;
  /** The newest `limit` records (after `afterId`), oldest first; optionally for one app. */
  tail(options: { appId?: string; limit: number; afterId?: number }): TailPage;
  count(): number;
  close(): void;
}

/**
 * Opens (creating if needed) the local store. A file that cannot be opened or created, or is not
 * a database, is thrown as a `StorageOpenError` naming the file and the cause.
 */
export function openEventStore(file: string, options: { readonly?: boolean } = {}): EventStore {
  const readonly = options.readonly ?? false;
  const db = openDatabaseFile(file, {
    kind: 'local store',
    schema: SCHEMA,
    readonly,
    setUp: (connection) => {
      connection.pragma('busy_timeout = 5000');
      if (!readonly) {
        connection.pragma('journal_mode = WAL');
        connection.pragma('synchronous = NORMAL');
        connection.exec(SCHEMA);
      }
    },
  });
  const utcDay = createUtcDay();
  /** The column values of one event, in INSERT order. */
  const toRow = (e: StoredEvent): Array<string | number | null> => [
    e.eventId,
    e.appId,
    e.eventType,
    e.clientId,
    e.sessionId,
    e.eventTimestamp,
    utcDay(e.eventTimestamp),
    e.arrivalTimestamp,
    e.recordJson,
  ];
  const insertRows = (rows: number): Database.Statement =>
    db.prepare(`${INSERT} VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`);
  const insertOne = readonly ? undefined : insertRows(1);
  const insertMany = readonly ? undefined : insertRows(ROWS_PER_STATEMENT);
  const insertAll = db.transaction((records: readonly StoredEvent[]) => {
    let added = 0;
    let start = 0;
    for (; start + ROWS_PER_STATEMENT <= records.length; start += ROWS_PER_STATEMENT) {
      added += (insertMany as Database.Statement).run(records.slice(start, start + ROWS_PER_STATEMENT).flatMap(toRow)).changes;
    }
    for (const record of records.slice(start)) added += (insertOne as Database.Statement).run(toRow(record)).changes;
    return added;
  });
  const newest = db.prepare(
    'SELECT id, record FROM events WHERE id > ? AND (? IS NULL OR app_id = ?) ORDER BY id DESC LIMIT ?',
  );
  const countAll = db.prepare('SELECT COUNT(*) FROM events').pluck();
  return {
    insert: (records) => (records.length === 0 ? 0 : insertAll(records)),
    tail: ({ appId, limit, afterId }) => {
      const rows = (newest.all(afterId ?? 0, appId ?? null, appId ?? null, limit) as Array<{ id: number; record: string }>).reverse();
      return {
        records: rows.map((row) => JSON.parse(row.record) as EventStreamRecord),
        lastId: rows[rows.length - 1]?.id ?? afterId ?? 0,
      };
    },
    count: () => countAll.get() as number,
    close: () => db.close(),
  };
}
