import type Database from 'better-sqlite3';
import { ITEM_PRICE, kpiEventFromRecord, NO_CURRENCY, PURCHASE, SESSION_START, SESSION_STOP, type KpiEvent } from '../kpis/kpi-event';
import type { EventStreamRecord } from '../mapping/event-stream-record';

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

type DailyColumn = (typeof DAILY_COLUMNS)[number];


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
/** How far around a new active day the neighbours that decide its effects can be. */
const NEIGHBOURHOOD = MAU_DAYS - 1;

/** Week N after cohort day c: days c+7N−6 … c+7N. */
function weekWindow(cohort: number, week: number): [number, number] {
  return [cohort + 7 * week - 6, cohort + 7 * week];
}

/** A client's first days, as loaded and as changed by the batch. */
interface ClientState {
  readonly appId: string;
  readonly clientId: string;
  firstSeen: number;
  firstSession: number | null;
  firstPurchase: number | null;
}

/** The changes one batch makes, added up before they are written. */
class BatchTotals {
  readonly clients = new Map<string, ClientState>();
  readonly daily = new Map<string, { appId: string; day: number; deltas: Map<DailyColumn, number> }>();
  readonly eventTypes = new Map<string, { appId: string; eventType: string; day: number; count: number }>();
  readonly metrics = new Map<string, { appId: string; eventType: string; day: number; metric: string; sum: number; min: number; max: number }>();
  readonly revenue = new Map<string, { appId: string; day: number; currency: string; amount: number; purchases: number }>();

  addDaily(appId: string, day: number, column: DailyColumn, delta: number): void {
    const key = `${appId}\u0000${day}`;
    let entry = this.daily.get(key);
    if (!entry) {
      entry = { appId, day, deltas: new Map() };
      this.daily.set(key, entry);
    }
    entry.deltas.set(column, (entry.deltas.get(column) ?? 0) + delta);
  }

  addEvent(event: KpiEvent): void {
    const key = `${event.appId}\u0000${event.eventType}\u0000${event.day}`;
    const counted = this.eventTypes.get(key);
    if (counted) counted.count += 1;
    else this.eventTypes.set(key, { appId: event.appId, eventType: event.eventType, day: event.day, count: 1 });
    for (const [metric, value] of Object.entries(event.metrics)) {
      const metricKey = `${key}\u0000${metric}`;
      const m = this.metrics.get(metricKey);
      if (m) {
        m.sum += value;
        m.min = Math.min(m.min, value);
        m.max = Math.max(m.max, value);
      } else {
        this.metrics.set(metricKey, { appId: event.appId, eventType: event.eventType, day: event.day, metric, sum: value, min: value, max: value });
      }
    }
  }

  addPurchase(event: KpiEvent): void {
    const currency = event.currency ?? NO_CURRENCY;
    const key = `${event.appId}\u0000${event.day}\u0000${currency}`;
    const amount = event.metrics[ITEM_PRICE] ?? 0;
    const known = this.revenue.get(key);
    if (known) {
      known.amount += amount;
      known.purchases += 1;
    } else {
      this.revenue.set(key, { appId: event.appId, day: event.day, currency, amount, purchases: 1 });
    }
  }
}

/** Keeps the roll-ups of one connection; call inside the transaction that inserts the events. */
export interface KpiRollups {
  /** Counts events the store has just inserted (each once: callers pass only new event ids). */
  add(events: readonly KpiEvent[]): void;
  /** Empties the roll-ups and counts every stored event again (a store written before them). */
  rebuild(): void;
}

/** The roll-ups over a local store connection whose schema includes `ROLLUP_SCHEMA`. */
export function createKpiRollups(db: Database.Database): KpiRollups {
  const loadClient = db.prepare('SELECT first_seen, first_session, first_purchase FROM kpi_clients WHERE app_id = ? AND client_id = ?').raw();
  const activeBetween = db.prepare('SELECT day FROM kpi_active_days WHERE app_id = ? AND client_id = ? AND day BETWEEN ? AND ? ORDER BY day').pluck();
  const insertActive = db.prepare('INSERT INTO kpi_active_days (app_id, client_id, day) VALUES (?, ?, ?)');
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

  function client(totals: BatchTotals, event: KpiEvent): ClientState {
    const key = `${event.appId}\u0000${event.clientId}`;
    let state = totals.clients.get(key);
    if (!state) {
      const row = loadClient.get(event.appId, event.clientId) as [number, number | null, number | null] | undefined;
      state = row
        ? { appId: event.appId, clientId: event.clientId, firstSeen: row[0], firstSession: row[1], firstPurchase: row[2] }
        : { appId: event.appId, clientId: event.clientId, firstSeen: event.day, firstSession: null, firstPurchase: null };
      totals.clients.set(key, state);
    }
    state.firstSeen = Math.min(state.firstSeen, event.day);
    return state;
  }

  /**
   * Day `x` becomes an active day of the client. What changes follows from its other active days
   * within 29 days either side (`nearby`): MAU of each day of the 30 starting at `x` that no other
   * active day covered, the retention of `x`'s cohort and of the cohorts that `x` is a return to.
   */
  function addActiveDay(totals: BatchTotals, state: ClientState, x: number): void {
    const { appId, clientId } = state;
    const nearby = activeBetween.all(appId, clientId, x - NEIGHBOURHOOD, x + NEIGHBOURHOOD) as number[];
    if (nearby.includes(x)) return;
    insertActive.run(appId, clientId, x);
    const active = new Set(nearby);
    const activeIn = (from: number, to: number) => nearby.some((day) => day >= from && day <= to);
    const paidBy = (day: number) => state.firstPurchase !== null && state.firstPurchase <= day;

    totals.addDaily(appId, x, 'dau', 1);
    if (paidBy(x)) totals.addDaily(appId, x, 'pdau', 1);
    for (let day = x; day < x + MAU_DAYS; day += 1) {
      if (activeIn(day - MAU_DAYS + 1, day)) continue;
      totals.addDaily(appId, day, 'mau', 1);
      if (paidBy(day)) totals.addDaily(appId, day, 'pmau', 1);
    }
    if (state.firstSession === null || x < state.firstSession) {
      if (state.firstSession !== null) totals.addDaily(appId, state.firstSession, 'new_users', -1);
      totals.addDaily(appId, x, 'new_users', 1);
      state.firstSession = x;
    }
    for (const n of RETENTION_DAYS) {
      const column = `retained_day_${n}` as const;
      if (active.has(x - n)) totals.addDaily(appId, x - n, column, 1);
      if (active.has(x + n)) totals.addDaily(appId, x, column, 1);
    }
    for (const n of RETENTION_WEEKS) {
      const column = `retained_week_${n}` as const;
      if (activeIn(...weekWindow(x, n))) totals.addDaily(appId, x, column, 1);
      // Earlier cohorts whose week n holds x, and that had no return in that week before it.
      const [earliest, latest] = [x - 7 * n, x - 7 * n + 6];
      for (const cohort of nearby) {
        if (cohort >= earliest && cohort <= latest && !activeIn(...weekWindow(cohort, n))) totals.addDaily(appId, cohort, column, 1);
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
    const { appId, clientId } = state;
    const active = activeBetween.all(appId, clientId, y - MAU_DAYS + 1, until - 1) as number[];
    const covered = new Set<number>();
    for (const day of active) {
      if (day >= y) totals.addDaily(appId, day, 'pdau', 1);
      for (let d = Math.max(day, y); d < Math.min(day + MAU_DAYS, until); d += 1) covered.add(d);
    }
    for (const day of covered) totals.addDaily(appId, day, 'pmau', 1);
  }

  function write(totals: BatchTotals): void {
    for (const s of totals.clients.values()) saveClient.run(s.appId, s.clientId, s.firstSeen, s.firstSession, s.firstPurchase);
    for (const { appId, day, deltas } of totals.daily.values()) {
      addDaily.run(appId, day, ...DAILY_COLUMNS.map((column) => deltas.get(column) ?? 0));
    }
    for (const e of totals.eventTypes.values()) addEventType.run(e.appId, e.eventType, e.day, e.count);
    for (const m of totals.metrics.values()) addMetric.run(m.appId, m.eventType, m.day, m.metric, m.sum, m.min, m.max);
    for (const r of totals.revenue.values()) addRevenue.run(r.appId, r.day, r.currency, r.amount, r.purchases);
  }

  function add(events: readonly KpiEvent[]): void {
    const totals = new BatchTotals();
    for (const event of events) {
      const state = client(totals, event);
      totals.addEvent(event);
      switch (event.eventType) {
        case SESSION_START:
          totals.addDaily(event.appId, event.day, 'sessions', 1);
          addActiveDay(totals, state, event.day);
          break;
        case SESSION_STOP:
          if (event.sessionLengthMs !== undefined) {
            totals.addDaily(event.appId, event.day, 'session_stops', 1);
            totals.addDaily(event.appId, event.day, 'session_length_ms', event.sessionLengthMs);
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
  }

  return {
    add,
    rebuild() {
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
