import { daysOf, type DayRange } from '../kpis/days';
import type { DailyKpis, EventTypeDay, KpiQueries, MetricAggregate } from '../kpis/kpi-queries';
import { openEventStoreDatabase } from './event-store';
import { COLUMN, DAILY_COLUMNS, type DailyColumn } from './kpi-rollups';

type DailyRow = [number, ...number[]];

const ZERO_ROW = DAILY_COLUMNS.map(() => 0);

/** A `kpi_daily` row (day, then `DAILY_COLUMNS`) as `DailyKpis`. */
function toDailyKpis(day: number, values: readonly number[]): DailyKpis {
  const v = (column: DailyColumn) => values[COLUMN[column]] ?? 0;
  return {
    day,
    dau: v('dau'),
    mau: v('mau'),
    pdau: v('pdau'),
    pmau: v('pmau'),
    newUsers: v('new_users'),
    sessions: v('sessions'),
    sessionStops: v('session_stops'),
    sessionLengthMs: v('session_length_ms'),
    retention: {
      day1: v('retained_day_1'),
      day3: v('retained_day_3'),
      day5: v('retained_day_5'),
      day7: v('retained_day_7'),
      week1: v('retained_week_1'),
      week2: v('retained_week_2'),
      week3: v('retained_week_3'),
    },
  };
}

/**
 * `KpiQueries` over the roll-ups of the local store (`kpi-rollups.ts`): every answer reads at
 * most a row per day (per currency, per metric), whatever the number of stored events, but one:
 * the lifetime user count walks the app's clients in `kpi_clients` (about 5 ms for 50 000 clients
 * in the bench; a per-day count of new clients would make it a row per day too). Opens the file
 * for writing like the store does, so a store written before the roll-ups gets them built.
 */
export function openSqliteKpiQueries(file: string): KpiQueries & { close(): void } {
  const db = openEventStoreDatabase(file);
  const apps = db.prepare('SELECT app_id, MIN(day), MAX(day), SUM(count) FROM kpi_event_types GROUP BY app_id ORDER BY app_id').raw();
  const lifetime = db.prepare('SELECT COUNT(*) FROM kpi_clients WHERE app_id = ? AND first_seen <= ?').pluck();
  const daily = db.prepare(`SELECT day, ${DAILY_COLUMNS.join(', ')} FROM kpi_daily WHERE app_id = ? AND day BETWEEN ? AND ?`).raw();
  const revenue = db.prepare(
    'SELECT day, currency, amount, purchases FROM kpi_revenue WHERE app_id = ? AND day BETWEEN ? AND ? ORDER BY day, currency',
  );
  const eventCounts = db.prepare('SELECT day, count FROM kpi_event_types WHERE app_id = ? AND event_type = ? AND day BETWEEN ? AND ? ORDER BY day').raw();
  const eventMetrics = db
    .prepare('SELECT day, metric, sum, min, max FROM kpi_event_metrics WHERE app_id = ? AND event_type = ? AND day BETWEEN ? AND ? ORDER BY day, metric')
    .raw();
  const topCustom = db.prepare(
    `SELECT event_type AS eventType, SUM(count) AS count FROM kpi_event_types
     WHERE app_id = ? AND day BETWEEN ? AND ? AND substr(event_type, 1, 1) <> '_'
     GROUP BY event_type ORDER BY count DESC, event_type LIMIT ?`,
  );
  return {
    apps: () =>
      (apps.all() as Array<[string, number, number, number]>).map(([appId, firstDay, lastDay, events]) => ({ appId, firstDay, lastDay, events })),
    lifetimeUsers: (appId, asOf) => lifetime.get(appId, asOf) as number,
    daily(appId: string, range: DayRange): DailyKpis[] {
      const rows = new Map((daily.all(appId, range.from, range.to) as DailyRow[]).map(([day, ...values]) => [day, values]));
      return daysOf(range).map((day) => toDailyKpis(day, rows.get(day) ?? ZERO_ROW));
    },
    revenue: (appId, range) =>
      revenue.all(appId, range.from, range.to) as Array<{ day: number; currency: string; amount: number; purchases: number }>,
    eventType(appId: string, eventType: string, range: DayRange): EventTypeDay[] {
      const metricsByDay = new Map<number, Record<string, MetricAggregate>>();
      for (const [day, metric, sum, min, max] of eventMetrics.all(appId, eventType, range.from, range.to) as Array<[number, string, number, number, number]>) {
        const metrics = metricsByDay.get(day) ?? {};
        metrics[metric] = { sum, min, max };
        metricsByDay.set(day, metrics);
      }
      return (eventCounts.all(appId, eventType, range.from, range.to) as Array<[number, number]>).map(([day, count]) => ({
        day,
        count,
        metrics: metricsByDay.get(day) ?? {},
      }));
    },
    topCustomEvents: (appId, range, limit) => topCustom.all(appId, range.from, range.to, limit) as Array<{ eventType: string; count: number }>,
    close: () => db.close(),
  };
}
