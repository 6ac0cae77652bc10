import path from 'node:path';
import type Database from 'better-sqlite3';
import { formatDay } from '../kpis/days';
import type { KpiEvent } from '../kpis/kpi-event';
import type { EventStreamRecord } from '../mapping/event-stream-record';
import { openDatabaseFile } from '../sqlite-file';
import { createKpiRollups, ROLLUP_SCHEMA } from './kpi-rollups';
import { createMultiRowInsert } from './multi-row-insert';

/**
 * The embedded local store: one row per event, the Pinpoint event-stream record as JSON plus
 * the columns `events tail` and tools filter on (app, event type, UTC day, client id, session),
 * and the KPI roll-ups (`kpi-rollups.ts`) kept in the same transactions. Rows are appended in
 * arrival order (rowid); `event_id` is unique, so a redelivered event is stored, and counted, once.
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
${ROLLUP_SCHEMA}`;

/**
 * `PRAGMA user_version` of a store whose roll-ups count every stored event. Stores written before
 * the roll-ups existed (version 0) get them built from their events when first opened for
 * writing; the indexes they had for scanning events per KPI query are dropped, as the roll-ups
 * replaced those scans.
 */
const ROLLUPS_VERSION = 1;
const MIGRATE_TO_ROLLUPS = `
DROP INDEX IF EXISTS events_app_type_day;
DROP INDEX IF EXISTS events_app_day_client;
`;

const INSERT =
  'INSERT OR IGNORE INTO events (event_id, app_id, event_type, client_id, session_id, event_timestamp, event_day, arrival_timestamp, record)';
const COLUMNS = 9;
/** Inserted rows name themselves, so only events new to the store are counted in the roll-ups. */
const RETURNING = 'RETURNING event_id';

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

/**
 * The `event_day` text of a KPI day number (`StoredEvent.day`, already worked out for the
 * roll-ups); consecutive events mostly share a day, so it remembers the last.
 */
function createDayText(): (day: number) => string {
  let last = { day: Number.NaN, text: '' };
  return (day) => {
    if (day !== last.day) last = { day, text: formatDay(day) };
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

/** How `openEventStore` opens the store. */
export interface EventStoreOptions {
  readonly?: boolean;
  /**
   * Keep the KPI roll-ups (default true). Only the benchmark turns them off, to measure what they
   * cost the local sink; a store written without them has KPIs that miss those events.
   */
  kpiRollups?: boolean;
}

/**
 * Opens (creating if needed) the local store. A file that cannot be opened or created, or is not
 * a database, is thrown as a `StorageOpenError` naming the file and the cause.
 */
export function openEventStore(file: string, options: EventStoreOptions = {}): EventStore {
  const readonly = options.readonly ?? false;
  const db = openEventStoreDatabase(file, { readonly });
  const rollups = readonly || options.kpiRollups === false ? undefined : createKpiRollups(db);
  const dayText = createDayText();
  /** The column values of one event, in INSERT order. */
  const toRow = (e: StoredEvent): Array<string | number | null> => [
    e.eventId,
    e.appId,
    e.eventType,
    e.clientId,
    e.sessionId,
    e.eventTimestamp,
    dayText(e.day),
    e.arrivalTimestamp,
    e.recordJson,
  ];
  const insertEvents = readonly ? undefined : createMultiRowInsert(db, { insert: INSERT, columns: COLUMNS, tail: RETURNING });
  const insertAll = db.transaction((events: readonly StoredEvent[]) => {
    const inserted = new Set((insertEvents as NonNullable<typeof insertEvents>)(events.map(toRow)) as string[]);
    // An id inserted once may appear twice in one batch: the first copy is the stored one.
    const added = events.filter((event) => inserted.delete(event.eventId));
    rollups?.add(added);
    return added.length;
  });
  const newest = db.prepare(
    'SELECT id, record FROM events WHERE id > ? AND (? IS NULL OR app_id = ?) ORDER BY id DESC LIMIT ?',
  );
  const countAll = db.prepare('SELECT COUNT(*) FROM events').pluck();
  return {
    // IMMEDIATE: the roll-ups read before they write, and another writer (an import next to the
    // service) must not change what they read in between.
    insert(events) {
      if (events.length === 0) return 0;
      try {
        return insertAll.immediate(events);
      } catch (err: unknown) {
        rollups?.forget();
        throw err;
      }
    },
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

/**
 * Opens the local store file (creating it, with its schema, and building the roll-ups of a store
 * written before them, unless `readonly`). Errors are `StorageOpenError`s naming the file.
 */
export function openEventStoreDatabase(file: string, options: { readonly?: boolean } = {}): Database.Database {
  const readonly = options.readonly ?? false;
  return openDatabaseFile(file, {
    kind: 'local store',
    // A new file has its roll-ups from the start (they are in SCHEMA): it is born at their version, so nothing is migrated.
    schema: `${SCHEMA}PRAGMA user_version = ${ROLLUPS_VERSION};`,
    readonly,
    setUp: (connection) => {
      connection.pragma('busy_timeout = 5000');
      if (!readonly) {
        connection.pragma('journal_mode = WAL');
        connection.pragma('synchronous = NORMAL');
        connection.exec(SCHEMA);
        migrateToRollups(connection);
      }
    },
  });
}

/** Builds the roll-ups of a store written before they existed (see `ROLLUPS_VERSION`), once. */
function migrateToRollups(db: Database.Database): void {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  if (version() >= ROLLUPS_VERSION) return;
  db.transaction(() => {
    if (version() >= ROLLUPS_VERSION) return;
    db.exec(MIGRATE_TO_ROLLUPS);
    createKpiRollups(db).rebuild();
    db.pragma(`user_version = ${ROLLUPS_VERSION}`);
  }).immediate();
}
