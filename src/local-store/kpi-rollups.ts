import type Database from 'better-sqlite3';
import { ITEM_PRICE, kpiEventFromRecord, NO_CURRENCY, PURCHASE, SESSION_START, SESSION_STOP, type KpiEvent } from '../kpis/kpi-event';
import type { EventStreamRecord } from '../mapping/event-stream-record';
import { ClientCache, type ClientState } from './client-cache';
import { createMultiRowInsert } from './multi-row-insert';

/** The counters of `kpi_daily`, in column order. */
export const DAILY_COLUMNS = [
  'dau',
  'mau',
  'pdau',
  'pmau',
  'new_users',
  'sessions',
  'session_stops',
  'session_length_ms',
  'retained_day_1',
  'retained_day_3',
  'retained_day_5',
  'retained_day_7',
  'retained_week_1',
  'retained_week_2',
  'retained_week_3',
] as const;

/** A column of `kpi_daily`. */
export type DailyColumn = (typeof DAILY_COLUMNS)[number];

/** Index of each column in a `kpi_daily` row and in a day's deltas. */
export const COLUMN = Object.fromEntries(DAILY_COLUMNS.map((column, i) => [column, i])) as Record<DailyColumn, number>;


/**
 * The KPI roll-ups of the local store, kept in the same transaction as the events they count, so
 * every KPI is read from a few small rows instead of a scan of raw events:
 *
 * - `kpi_clients`: per app and client, the first day seen (any event), of its first
 *   `_session.start` and of its first purchase;
 * - `kpi_active_days`: per app and client, the days it had a `_session.start`;
 * - `kpi_daily`: per app and day, every day-by-day KPI as a ready number (DAU, MAU, PDAU, PMAU,
 *   new users, sessions, session lengths, and the retention of that day's cohort);
 * - `kpi_event_types` and `kpi_event_metrics`: per app, event type and day, the count and each
 *   metric's sum, min and max;
 * - `kpi_revenue`: per app, day and currency, the sum of `_item_price` and the purchases.
 *
 * Days are UTC day numbers. Only events the store did not hold yet are counted (a redelivered
 * event id changes nothing), and the counts do not depend on the order events arrive in: adding a
 * day to a client's active days, or moving its first purchase earlier, updates exactly the daily
 * numbers that change, from the client's neighbouring active days (see `addActiveDay` and
 * `moveFirstPurchase`). The property test checks this against the definitions computed plainly.
 */
export const ROLLUP_SCHEMA = `
CREATE TABLE IF NOT EXISTS kpi_clients (
  app_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  first_session INTEGER,
  first_purchase INTEGER,
  PRIMARY KEY (app_id, client_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kpi_active_days (
  app_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  day INTEGER NOT NULL,
  PRIMARY KEY (app_id, client_id, day)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kpi_daily (
  app_id TEXT NOT NULL,
  day INTEGER NOT NULL,
  ${DAILY_COLUMNS.map((column) => `${column} INTEGER NOT NULL DEFAULT 0`).join(',\n  ')},
  PRIMARY KEY (app_id, day)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kpi_event_types (
  app_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  day INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (app_id, event_type, day)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kpi_event_metrics (
  app_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  day INTEGER NOT NULL,
  metric TEXT NOT NULL,
  sum REAL NOT NULL,
  min REAL NOT NULL,
  max REAL NOT NULL,
  PRIMARY KEY (app_id, event_type, day, metric)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kpi_revenue (
  app_id TEXT NOT NULL,
  day INTEGER NOT NULL,
  currency TEXT NOT NULL,
  amount REAL NOT NULL,
  purchases INTEGER NOT NULL,
  PRIMARY KEY (app_id, day, currency)
) WITHOUT ROWID;
`;

/** The tables `rebuild` empties before counting every stored event again. */
const ROLLUP_TABLES = ['kpi_clients', 'kpi_active_days', 'kpi_daily', 'kpi_event_types', 'kpi_event_metrics', 'kpi_revenue'];

/** MAU's window: the day itself and the 29 before it. */
const MAU_DAYS = 30;
const RETENTION_DAYS = [1, 3, 5, 7] as const;
const RETENTION_WEEKS = [1, 2, 3] as const;
/**
 * Active days the client cache may hold: about 20 MB (~40 bytes a day with its client), enough for
 * some 20 000 clients active today with a month or two of history each.
 */
const CACHED_DAYS = 500_000;
/** How far around a new active day the neighbours that decide its effects can be. */
const NEIGHBOURHOOD = MAU_DAYS - 1;

/** Week N after cohort day c: days c+7N−6 … c+7N. */
function weekWindow(cohort: number, week: number): [number, number] {
  return [cohort + 7 * week - 6, cohort + 7 * week];
}

/** Sum, min and max of one metric. */
interface MetricTotals {
  sum: number;
  min: number;
  max: number;
}

/** Events of one type on one day. */
interface EventTypeTotals {
  count: number;
  readonly metrics: Map<string, MetricTotals>;
}

/**
 * The changes one batch makes, added up before they are written. Nested maps rather than joined
 * string keys: these run for every event, and ~30 times per new active day.
 */
class BatchTotals {
  /** Clients whose first days changed, to be written. */
  readonly changedClients = new Set<ClientState>();
  /** New rows of `kpi_active_days`: app, client, day. */
  readonly newActiveDays: Array<[string, string, number]> = [];
  /** app → day → a delta per `DAILY_COLUMNS` entry. */
  readonly daily = new Map<string, Map<number, number[]>>();
  /** app → event type → day → totals. */
  readonly eventTypes = new Map<string, Map<string, Map<number, EventTypeTotals>>>();
  /** app → day → currency → revenue. */
  readonly revenue = new Map<string, Map<number, Map<string, { amount: number; purchases: number }>>>();

  /** The day deltas of one app (pass to `at`). */
  dailyOf(appId: string): Map<number, number[]> {
    return getOrAdd(this.daily, appId, () => new Map<number, number[]>());
  }

  /** Adds `delta` to a column (`COLUMN`) of a day of an app's deltas (`dailyOf`). */
  bump(days: Map<number, number[]>, day: number, column: number, delta: number): void {
    const row = getOrAdd(days, day, () => DAILY_COLUMNS.map(() => 0));
    row[column] = (row[column] ?? 0) + delta;
  }

  addEvent(event: KpiEvent): void {
    const types = getOrAdd(this.eventTypes, event.appId, () => new Map<string, Map<number, EventTypeTotals>>());
    const days = getOrAdd(types, event.eventType, () => new Map<number, EventTypeTotals>());
    const totals = getOrAdd(days, event.day, (): EventTypeTotals => ({ count: 0, metrics: new Map() }));
    totals.count += 1;
    for (const metric in event.metrics) {
      const value = event.metrics[metric] as number;
      const m = totals.metrics.get(metric);
      if (m) {
        m.sum += value;
        m.min = Math.min(m.min, value);
        m.max = Math.max(m.max, value);
      } else {
        totals.metrics.set(metric, { sum: value, min: value, max: value });
      }
    }
  }

  addPurchase(event: KpiEvent): void {
    const days = getOrAdd(this.revenue, event.appId, () => new Map<number, Map<string, { amount: number; purchases: number }>>());
    const currencies = getOrAdd(days, event.day, () => new Map<string, { amount: number; purchases: number }>());
    const totals = getOrAdd(currencies, event.currency ?? NO_CURRENCY, () => ({ amount: 0, purchases: 0 }));
    totals.amount += event.metrics[ITEM_PRICE] ?? 0;
    totals.purchases += 1;
  }
}

function getOrAdd<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/** A client's active days within `NEIGHBOURHOOD` of `x`, ascending. */
function nearbyDays(active: Set<number>, x: number): number[] {
  const nearby: number[] = [];
  if (active.size <= 2 * NEIGHBOURHOOD) {
    for (const day of active) if (day >= x - NEIGHBOURHOOD && day <= x + NEIGHBOURHOOD) nearby.push(day);
    return nearby.sort((a, b) => a - b);
  }
  for (let day = x - NEIGHBOURHOOD; day <= x + NEIGHBOURHOOD; day += 1) if (active.has(day)) nearby.push(day);
  return nearby;
}

/** Keeps the roll-ups of one connection; call inside the transaction that inserts the events. */
export interface KpiRollups {
  /** Counts events the store has just inserted (each once: callers pass only new event ids). */
  add(events: readonly KpiEvent[]): void;
  /** Empties the roll-ups and counts every stored event again (a store written before them). */
  rebuild(): void;
  /** Forgets what it remembers of clients: call when the transaction that added events failed. */
  forget(): void;
}

/** The roll-ups over a local store connection whose schema includes `ROLLUP_SCHEMA`. */
export function createKpiRollups(db: Database.Database): KpiRollups {
  const loadClient = db.prepare('SELECT first_seen, first_session, first_purchase FROM kpi_clients WHERE app_id = ? AND client_id = ?').raw();
  const loadActiveDays = db.prepare('SELECT day FROM kpi_active_days WHERE app_id = ? AND client_id = ?').pluck();
  // Changes when another connection commits: then what the cache holds may be out of date.
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const cache = new ClientCache(CACHED_DAYS);
  let cachedVersion: number | undefined;
  const insertActiveDays = createMultiRowInsert(db, { insert: 'INSERT INTO kpi_active_days (app_id, client_id, day)', columns: 3 });
  const saveClient = db.prepare(
    `INSERT INTO kpi_clients (app_id, client_id, first_seen, first_session, first_purchase) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (app_id, client_id) DO UPDATE SET first_seen = excluded.first_seen, first_session = excluded.first_session, first_purchase = excluded.first_purchase`,
  );
  const addDaily = db.prepare(
    `INSERT INTO kpi_daily (app_id, day, ${DAILY_COLUMNS.join(', ')}) VALUES (?, ?, ${DAILY_COLUMNS.map(() => '?').join(', ')})
     ON CONFLICT (app_id, day) DO UPDATE SET ${DAILY_COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`,
  );
  const addEventType = db.prepare(
    `INSERT INTO kpi_event_types (app_id, event_type, day, count) VALUES (?, ?, ?, ?)
     ON CONFLICT (app_id, event_type, day) DO UPDATE SET count = count + excluded.count`,
  );
  const addMetric = db.prepare(
    `INSERT INTO kpi_event_metrics (app_id, event_type, day, metric, sum, min, max) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (app_id, event_type, day, metric) DO UPDATE SET sum = sum + excluded.sum, min = MIN(min, excluded.min), max = MAX(max, excluded.max)`,
  );
  const addRevenue = db.prepare(
    `INSERT INTO kpi_revenue (app_id, day, currency, amount, purchases) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (app_id, day, currency) DO UPDATE SET amount = amount + excluded.amount, purchases = purchases + excluded.purchases`,
  );
  const storedRecords = db.prepare('SELECT id, record FROM events WHERE id > ? ORDER BY id LIMIT ?').raw();

  function client(totals: BatchTotals, event: KpiEvent, previous: ClientState | undefined): ClientState {
    // A request's events come together: most events have the client of the one before.
    let state = previous?.clientId === event.clientId && previous.appId === event.appId ? previous : undefined;
    if (state) return seen(totals, state, event.day);
    const key = `${event.appId}\u0000${event.clientId}`;
    state = cache.get(key);
    if (!state) {
      const row = loadClient.get(event.appId, event.clientId) as [number, number | null, number | null] | undefined;
      const activeDays = new Set(row ? (loadActiveDays.all(event.appId, event.clientId) as number[]) : []);
      state = row
        ? { appId: event.appId, clientId: event.clientId, firstSeen: row[0], firstSession: row[1], firstPurchase: row[2], activeDays }
        : { appId: event.appId, clientId: event.clientId, firstSeen: event.day, firstSession: null, firstPurchase: null, activeDays };
      if (!row) totals.changedClients.add(state);
      cache.add(key, state);
    }
    return seen(totals, state, event.day);
  }

  function seen(totals: BatchTotals, state: ClientState, day: number): ClientState {
    if (day < state.firstSeen) {
      state.firstSeen = day;
      totals.changedClients.add(state);
    }
    return state;
  }

  /**
   * Day `x` becomes an active day of the client. What changes follows from its other active days
   * within 29 days either side (`nearby`): MAU of each day of the 30 starting at `x` that no other
   * active day covered, the retention of `x`'s cohort and of the cohorts that `x` is a return to.
   */
  function addActiveDay(totals: BatchTotals, state: ClientState, x: number): void {
    const { appId, clientId, activeDays: active, firstPurchase } = state;
    if (active.has(x)) return;
    const nearby = nearbyDays(active, x);
    totals.newActiveDays.push([appId, clientId, x]);
    active.add(x);
    cache.grew();
    const activeIn = (from: number, to: number) => nearby.some((day) => day >= from && day <= to);
    const days = totals.dailyOf(appId);
    const bump = (day: number, column: number, delta: number) => {
      totals.bump(days, day, column, delta);
    };

    bump(x, COLUMN.dau, 1);
    if (firstPurchase !== null && firstPurchase <= x) bump(x, COLUMN.pdau, 1);
    // MAU of day d in x…x+29 gains the client unless an earlier active day still covers d (the
    // latest one before x covers up to it + 29) or a later one already did (from it on).
    let previous = -Infinity;
    let next = Infinity;
    for (const day of nearby) {
      if (day < x) previous = day;
      else if (next === Infinity) next = day;
    }
    const mauTo = Math.min(x + MAU_DAYS - 1, next - 1);
    for (let day = Math.max(x, previous + MAU_DAYS); day <= mauTo; day += 1) {
      bump(day, COLUMN.mau, 1);
      if (firstPurchase !== null && firstPurchase <= day) bump(day, COLUMN.pmau, 1);
    }
    if (state.firstSession === null || x < state.firstSession) {
      if (state.firstSession !== null) bump(state.firstSession, COLUMN.new_users, -1);
      bump(x, COLUMN.new_users, 1);
      state.firstSession = x;
      totals.changedClients.add(state);
    }
    for (const n of RETENTION_DAYS) {
      const column = COLUMN[`retained_day_${n}`];
      if (active.has(x - n)) bump(x - n, column, 1);
      if (active.has(x + n)) bump(x, column, 1);
    }
    for (const n of RETENTION_WEEKS) {
      const column = COLUMN[`retained_week_${n}`];
      if (activeIn(...weekWindow(x, n))) bump(x, column, 1);
      // Earlier cohorts whose week n holds x, and that had no return in that week before it.
      const [earliest, latest] = [x - 7 * n, x - 7 * n + 6];
      for (const cohort of nearby) {
        if (cohort >= earliest && cohort <= latest && !activeIn(...weekWindow(cohort, n))) bump(cohort, column, 1);
      }
    }
  }

  /**
   * The client's first purchase moves to day `y`, earlier than before: it now counts as paying on
   * the days from `y` up to the old first purchase, in PDAU where it was active, in PMAU where an
   * active day lies within the 30-day window.
   */
  function moveFirstPurchase(totals: BatchTotals, state: ClientState, y: number): void {
    if (state.firstPurchase !== null && state.firstPurchase <= y) return;
    const until = state.firstPurchase ?? Number.MAX_SAFE_INTEGER;
    state.firstPurchase = y;
    totals.changedClients.add(state);
    const { appId } = state;
    const days = totals.dailyOf(appId);
    const covered = new Set<number>();
    for (const day of state.activeDays) {
      if (day < y - MAU_DAYS + 1 || day >= until) continue;
      if (day >= y) totals.bump(days, day, COLUMN.pdau, 1);
      for (let d = Math.max(day, y); d < Math.min(day + MAU_DAYS, until); d += 1) covered.add(d);
    }
    for (const day of covered) totals.bump(days, day, COLUMN.pmau, 1);
  }

  function write(totals: BatchTotals): void {
    insertActiveDays(totals.newActiveDays);
    for (const s of totals.changedClients) saveClient.run(s.appId, s.clientId, s.firstSeen, s.firstSession, s.firstPurchase);
    for (const [appId, days] of totals.daily) for (const [day, deltas] of days) addDaily.run(appId, day, ...deltas);
    for (const [appId, types] of totals.eventTypes) {
      for (const [eventType, days] of types) {
        for (const [day, { count, metrics }] of days) {
          addEventType.run(appId, eventType, day, count);
          for (const [metric, m] of metrics) addMetric.run(appId, eventType, day, metric, m.sum, m.min, m.max);
        }
      }
    }
    for (const [appId, days] of totals.revenue) {
      for (const [day, currencies] of days) for (const [currency, r] of currencies) addRevenue.run(appId, day, currency, r.amount, r.purchases);
    }
  }

  function add(events: readonly KpiEvent[]): void {
    const version = dataVersion.get() as number;
    if (version !== cachedVersion) cache.clear();
    cachedVersion = version;
    cache.startBatch();
    const totals = new BatchTotals();
    let state: ClientState | undefined;
    for (const event of events) {
      state = client(totals, event, state);
      totals.addEvent(event);
      switch (event.eventType) {
        case SESSION_START:
          totals.bump(totals.dailyOf(event.appId), event.day, COLUMN.sessions, 1);
          addActiveDay(totals, state, event.day);
          break;
        case SESSION_STOP:
          if (event.sessionLengthMs !== undefined) {
            const days = totals.dailyOf(event.appId);
            totals.bump(days, event.day, COLUMN.session_stops, 1);
            totals.bump(days, event.day, COLUMN.session_length_ms, event.sessionLengthMs);
          }
          break;
        case PURCHASE:
          totals.addPurchase(event);
          moveFirstPurchase(totals, state, event.day);
          break;
        default:
          break;
      }
    }
    write(totals);
    cache.trim();
  }

  return {
    add,
    forget: () => {
      cache.clear();
    },
    rebuild() {
      cache.clear();
      for (const table of ROLLUP_TABLES) db.prepare(`DELETE FROM ${table}`).run();
      const page = 5000;
      for (let after = 0; ; ) {
        const rows = storedRecords.all(after, page) as Array<[number, string]>;
        if (rows.length === 0) return;
        add(rows.map(([, record]) => kpiEventOfStoredRecord(record)));
        after = (rows[rows.length - 1] as [number, string])[0];
      }
    },
  };
}

/** The KPI facts of a record the store already holds (written by the local sink or an import, so well-formed). */
function kpiEventOfStoredRecord(json: string): KpiEvent {
  return kpiEventFromRecord(JSON.parse(json) as EventStreamRecord);
}
