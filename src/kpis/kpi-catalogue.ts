import { daysOf, formatDay, parseDay, type DayRange } from './days';
import type { DailyKpis, KpiQueries, MetricAggregate } from './kpi-queries';

/** The longest range one request may ask for, so a query's cost stays bounded. */
export const MAX_RANGE_DAYS = 400;
/** The range when none is given: the 30 days ending today. */
export const DEFAULT_RANGE_DAYS = 30;

/** A day-by-day KPI read from `DailyKpis`, by its Mobile Analytics name. */
const DAILY_KPIS = {
  dau: (d: DailyKpis) => d.dau,
  mau: (d: DailyKpis) => d.mau,
  pdau: (d: DailyKpis) => d.pdau,
  pmau: (d: DailyKpis) => d.pmau,
  'new-users': (d: DailyKpis) => d.newUsers,
  sessions: (d: DailyKpis) => d.sessions,
  'sticky-factor': (d: DailyKpis) => (d.mau === 0 ? 0 : round(d.dau / d.mau, 4)),
  'average-session-length': (d: DailyKpis) => (d.sessionStops === 0 ? 0 : Math.round(d.sessionLengthMs / d.sessionStops)),
  'day-1-retention': (d: DailyKpis) => d.retention.day1,
  'day-3-retention': (d: DailyKpis) => d.retention.day3,
  'day-5-retention': (d: DailyKpis) => d.retention.day5,
  'day-7-retention': (d: DailyKpis) => d.retention.day7,
  'week-1-retention': (d: DailyKpis) => d.retention.week1,
  'week-2-retention': (d: DailyKpis) => d.retention.week2,
  'week-3-retention': (d: DailyKpis) => d.retention.week3,
} satisfies Record<string, (d: DailyKpis) => number>;

/** Names of the day-by-day KPIs. */
export type DailyKpiName = keyof typeof DAILY_KPIS;

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/**
 * Every KPI path of the API (the Mobile Analytics paths, plus our additions), and what it answers.
 * The CLI's `--kpi` names are the `kpi` values.
 */
export const KPI_PATHS = {
  '/kpis/new-users/lifetime-count': { kpi: 'new-users-lifetime' },
  '/kpis/dau/count': { kpi: 'dau' },
  '/kpis/mau/count': { kpi: 'mau' },
  '/kpis/pdau/count': { kpi: 'pdau' },
  '/kpis/pmau/count': { kpi: 'pmau' },
  '/kpis/new-users/count': { kpi: 'new-users' },
  '/kpis/sessions/count': { kpi: 'sessions' },
  '/kpis/daily-revenue/sum': { kpi: 'daily-revenue' },
  '/kpis/day-1-retention/count': { kpi: 'day-1-retention' },
  '/kpis/day-3-retention/count': { kpi: 'day-3-retention' },
  '/kpis/day-5-retention/count': { kpi: 'day-5-retention' },
  '/kpis/day-7-retention/count': { kpi: 'day-7-retention' },
  '/kpis/week-1-retention/count': { kpi: 'week-1-retention' },
  '/kpis/week-2-retention/count': { kpi: 'week-2-retention' },
  '/kpis/week-3-retention/count': { kpi: 'week-3-retention' },
  '/kpis/sticky-factor/ratio': { kpi: 'sticky-factor' },
  '/kpis/average-session-length/milliseconds': { kpi: 'average-session-length' },
  '/kpis/top-custom-events/count': { kpi: 'top-custom-events' },
} as const satisfies Record<string, { kpi: KpiName }>;

/** Every KPI name. */
export type KpiName = DailyKpiName | 'new-users-lifetime' | 'daily-revenue' | 'top-custom-events';

/** All KPI names, in the API's order. */
export const KPI_NAMES: readonly KpiName[] = Object.values(KPI_PATHS).map((entry) => entry.kpi);

/** A request's parameters the KPI definitions do not accept; the message says why, for a 400. */
export class KpiRequestError extends Error {}

/** What every KPI request asks: one application over an inclusive range of days. */
export interface KpiQuery {
  readonly app: string;
  readonly range: DayRange;
}

/**
 * Checks `app`, `from` and `to` (`YYYY-MM-DD`, inclusive). Without `to` the range ends today;
 * without `from` it spans `DEFAULT_RANGE_DAYS` days.
 */
export function parseKpiQuery(params: { app?: unknown; from?: unknown; to?: unknown }, today: number): KpiQuery {
  const app = params.app;
  if (typeof app !== 'string' || app === '') throw new KpiRequestError('app is required: the application id (GET /apps lists them)');
  const to = params.to === undefined ? today : parseDateParam('to', params.to);
  const from = params.from === undefined ? to - DEFAULT_RANGE_DAYS + 1 : parseDateParam('from', params.from);
  if (from > to) throw new KpiRequestError(`from (${formatDay(from)}) is after to (${formatDay(to)})`);
  if (to - from + 1 > MAX_RANGE_DAYS) {
    throw new KpiRequestError(`the range spans ${to - from + 1} days; at most ${MAX_RANGE_DAYS} days per request`);
  }
  return { app, range: { from, to } };
}

function parseDateParam(name: string, value: unknown): number {
  const day = typeof value === 'string' ? parseDay(value) : undefined;
  if (day === undefined) throw new KpiRequestError(`${name} must be a date as YYYY-MM-DD, got ${JSON.stringify(value)}`);
  return day;
}

/** The KPI name of a path, or a `KpiRequestError` naming the known ones. */
export function kpiOfPath(path: string): KpiName {
  const entry = (KPI_PATHS as Record<string, { kpi: KpiName } | undefined>)[path];
  if (entry === undefined) throw new KpiRequestError(`unknown KPI ${JSON.stringify(path)}; known: ${Object.keys(KPI_PATHS).join(', ')}`);
  return entry.kpi;
}

/** The KPI name given on the command line, or a `KpiRequestError`. */
export function kpiOfName(name: string): KpiName {
  if (!(KPI_NAMES as readonly string[]).includes(name)) throw new KpiRequestError(`unknown KPI ${JSON.stringify(name)}; known: ${KPI_NAMES.join(', ')}`);
  return name as KpiName;
}

/** One point of a series. Revenue points name their currency; custom event points carry metrics. */
export interface SeriesPoint {
  date: string;
  value: number;
  currency?: string;
  metrics?: Record<string, MetricAggregate>;
}

/** The answer for a KPI over a range. */
export interface SeriesAnswer {
  kpi: string;
  app: string;
  from: string;
  to: string;
  event?: string;
  series: SeriesPoint[];
}

/** The answer for the lifetime user count. */
export interface ValueAnswer {
  kpi: 'new-users-lifetime';
  app: string;
  value: number;
}

/** The answer for the top custom events. */
export interface RankingAnswer {
  kpi: 'top-custom-events';
  app: string;
  from: string;
  to: string;
  events: Array<{ name: string; count: number }>;
}

/** Any KPI answer. */
export type KpiAnswer = SeriesAnswer | ValueAnswer | RankingAnswer;

/** How many custom events the ranking lists. */
export const TOP_CUSTOM_EVENTS = 10;

/** Answers one KPI for a query. */
export function answerKpi(queries: KpiQueries, kpi: KpiName, query: KpiQuery): KpiAnswer {
  const { app, range } = query;
  const span = { app, from: formatDay(range.from), to: formatDay(range.to) };
  if (kpi === 'new-users-lifetime') return { kpi, app, value: queries.lifetimeUsers(app, range.to) };
  if (kpi === 'daily-revenue') {
    const series = queries.revenue(app, range).map((r) => ({ date: formatDay(r.day), currency: r.currency, value: r.amount }));
    return { kpi, ...span, series };
  }
  if (kpi === 'top-custom-events') {
    const events = queries.topCustomEvents(app, range, TOP_CUSTOM_EVENTS).map((e) => ({ name: e.eventType, count: e.count }));
    return { kpi, ...span, events };
  }
  const value = DAILY_KPIS[kpi];
  return { kpi, ...span, series: queries.daily(app, range).map((d) => ({ date: formatDay(d.day), value: value(d) })) };
}

/** Answers `/events/{name}/count`: one point per day, zeros included, with the metrics of days that had events. */
export function answerEventType(queries: KpiQueries, eventType: string, query: KpiQuery): SeriesAnswer {
  const { app, range } = query;
  const byDay = new Map(queries.eventType(app, eventType, range).map((d) => [d.day, d]));
  return {
    kpi: 'events',
    event: eventType,
    app,
    from: formatDay(range.from),
    to: formatDay(range.to),
    series: daysOf(range).map((day) => {
      const found = byDay.get(day);
      return { date: formatDay(day), value: found?.count ?? 0, metrics: { ...found?.metrics } };
    }),
  };
}
