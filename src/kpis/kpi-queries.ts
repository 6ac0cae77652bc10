import type { DayRange } from './days';

/** Retention counts of one cohort day: its active users active again N days / in week N after it. */
export interface Retention {
  readonly day1: number;
  readonly day3: number;
  readonly day5: number;
  readonly day7: number;
  readonly week1: number;
  readonly week2: number;
  readonly week3: number;
}

/** The per-day numbers of one application; every field is 0 on a day without data. */
export interface DailyKpis {
  readonly day: number;
  /** Distinct clients with a `_session.start` that day. */
  readonly dau: number;
  /** Distinct clients with a `_session.start` in the 30 days ending that day. */
  readonly mau: number;
  /** DAU, counting only clients whose first purchase is on or before that day. */
  readonly pdau: number;
  /** MAU, counting only clients whose first purchase is on or before that day. */
  readonly pmau: number;
  /** Clients whose first `_session.start` ever is that day. */
  readonly newUsers: number;
  /** `_session.start` events that day. */
  readonly sessions: number;
  /** `_session.stop` events that day with a known length, and the sum of those lengths. */
  readonly sessionStops: number;
  readonly sessionLengthMs: number;
  /** Retention of that day's active users (the day as cohort). */
  readonly retention: Retention;
}

/** Revenue of one day in one currency (only days and currencies that had purchases). */
export interface RevenueDay {
  readonly day: number;
  readonly currency: string;
  /** Sum of the `_item_price` metric. */
  readonly amount: number;
  /** `_monetization.purchase` events. */
  readonly purchases: number;
}

/** Aggregates of one metric over a day's events of one type. */
export interface MetricAggregate {
  readonly sum: number;
  readonly min: number;
  readonly max: number;
}

/** Events of one type on one day (only days that had some). */
export interface EventTypeDay {
  readonly day: number;
  readonly count: number;
  readonly metrics: Readonly<Record<string, MetricAggregate>>;
}

/** An application the store has events of. */
export interface AppSummary {
  readonly appId: string;
  readonly firstDay: number;
  readonly lastDay: number;
  readonly events: number;
}

/** An event type and its count over a range. */
export interface EventTypeCount {
  readonly eventType: string;
  readonly count: number;
}

/**
 * The read side of the KPI store. Implementations: the SQLite roll-ups of the local store
 * (`local-store/sqlite-kpi-queries.ts`) and, in tests, an in-memory implementation of the
 * definitions over raw events. The API, the CLI and the dashboard use only this interface.
 */
export interface KpiQueries {
  apps(): AppSummary[];
  /** Distinct clients of the application first seen (in events of any type) on or before `asOf`. */
  lifetimeUsers(appId: string, asOf: number): number;
  /** One entry per day of the range, in order, zeros included. */
  daily(appId: string, range: DayRange): DailyKpis[];
  /** Days and currencies with purchases, ordered by day then currency. */
  revenue(appId: string, range: DayRange): RevenueDay[];
  /** Days with events of that type, in order. */
  eventType(appId: string, eventType: string, range: DayRange): EventTypeDay[];
  /** The custom event types (not starting with `_`) with the most events in the range, most first (ties by name). */
  topCustomEvents(appId: string, range: DayRange, limit: number): EventTypeCount[];
}
