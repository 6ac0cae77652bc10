import path from 'node:path';
import { formatDay } from '../../src/kpis/days';
import { answerEventType, answerKpi, type KpiName, type SeriesAnswer, type ValueAnswer, type RankingAnswer } from '../../src/kpis/kpi-catalogue';
import { PURCHASE, SESSION_START, SESSION_STOP } from '../../src/kpis/kpi-event';
import type { KpiQueries } from '../../src/kpis/kpi-queries';
import { openEventStore } from '../../src/local-store/event-store';
import { openSqliteKpiQueries } from '../../src/local-store/sqlite-kpi-queries';
import { createKpiOracle } from '../support/kpi-oracle';
import { oracleEventOf, storedEventOf, type KpiEventSpec } from '../support/kpi-events';
import { makeTempDir } from '../support/temp-dir';

/** Day 0 of the scenario: 2026-11-01. */
const D = 20_758;
const APP = 'app';

const start = (id: string, clientId: string, day: number): KpiEventSpec => ({ eventId: id, appId: APP, clientId, eventType: SESSION_START, day: D + day });

/**
 * A small world whose KPIs are worked out by hand below:
 * - c1 starts sessions on days 0, 1, 3 and 7, buys on day 3 (0.99 USD), one 60 s session on day 0;
 * - c2 starts sessions on days 0 and 8 (a week-2 return, no week-1 return);
 * - c3 only sends a custom event (days 0 and 1): a user for the lifetime count, never active;
 * - c4 buys on day −1 (2 EUR) before its first session on day 2: paying from its first active day;
 * - c5 starts one session on day 40; c6's clock is 70 years ahead; c7 sent a custom event in 1998.
 * c1's day-0 start is delivered twice, and the events arrive newest first.
 */
const WORLD: KpiEventSpec[] = [
  start('c1-0', 'c1', 0),
  start('c1-1', 'c1', 1),
  start('c1-3', 'c1', 3),
  start('c1-7', 'c1', 7),
  { eventId: 'c1-buy', appId: APP, clientId: 'c1', eventType: PURCHASE, day: D + 3, currency: 'USD', metrics: { _item_price: 0.99, _quantity: 1 } },
  { eventId: 'c1-stop', appId: APP, clientId: 'c1', eventType: SESSION_STOP, day: D, sessionLengthMs: 60_000 },
  start('c2-0', 'c2', 0),
  start('c2-8', 'c2', 8),
  { eventId: 'c3-a', appId: APP, clientId: 'c3', eventType: 'level.complete', day: D, metrics: { Score: 10 } },
  { eventId: 'c3-b', appId: APP, clientId: 'c3', eventType: 'level.complete', day: D + 1, metrics: { Score: 30 } },
  { eventId: 'c4-buy', appId: APP, clientId: 'c4', eventType: PURCHASE, day: D - 1, currency: 'EUR', metrics: { _item_price: 2 } },
  start('c4-2', 'c4', 2),
  start('c5-40', 'c5', 40),
  start('c6-future', 'c6', 70 * 365),
  { eventId: 'c7-past', appId: APP, clientId: 'c7', eventType: 'tutorial', day: 10_500 },
  { eventId: 'other-app', appId: 'other', clientId: 'c1', eventType: SESSION_START, day: D },
];
const SENT = [...WORLD, WORLD[0] as KpiEventSpec].reverse();

const RANGE = { from: D - 1, to: D + 40 };

/** The value of a day-by-day KPI on day `D + day`. */
function on(answer: SeriesAnswer, day: number): number | undefined {
  return answer.series.find((point) => point.date === formatDay(D + day))?.value;
}

describe.each<[string, () => { queries: KpiQueries; close(): void }]>([
  [
    'SQLite roll-ups',
    () => {
      const temp = makeTempDir('kpi-definitions-');
      const file = path.join(temp.dir, 'events.db');
      const store = openEventStore(file);
      for (const spec of SENT) store.insert([storedEventOf(spec)]);
      store.close();
      const queries = openSqliteKpiQueries(file);
      return { queries, close: () => (queries.close(), temp.remove()) };
    },
  ],
  ['plain definitions (test oracle)', () => ({ queries: createKpiOracle(SENT.map(oracleEventOf)), close: () => undefined })],
])('the KPI definitions on a hand-worked world: %s', (_name, open) => {
  let world: { queries: KpiQueries; close(): void };
  beforeAll(() => {
    world = open();
  });
  afterAll(() => world.close());
  const series = (kpi: KpiName) => answerKpi(world.queries, kpi, { app: APP, range: RANGE }) as SeriesAnswer;

  it('answers one point per day of the range, zeros included', () => {
    const dau = series('dau');
    expect(dau.series).toHaveLength(42);
    expect(dau).toMatchObject({ kpi: 'dau', app: APP, from: '2026-10-31', to: '2026-12-11' });
    expect(on(dau, 20)).toBe(0);
  });

  it('DAU: distinct clients with a session start that day (a redelivered start counts once)', () => {
    const dau = series('dau');
    expect([0, 1, 2, 3, 7, 8, 40].map((day) => on(dau, day))).toEqual([2, 1, 1, 1, 1, 1, 1]);
  });

  it('sessions: session starts that day', () => {
    expect([0, 1, 2, 4].map((day) => on(series('sessions'), day))).toEqual([2, 1, 1, 0]);
  });

  it('MAU: distinct clients with a session start in the 30 days ending that day', () => {
    const mau = series('mau');
    expect([-1, 0, 1, 2, 31, 32, 36, 37, 38, 40].map((day) => on(mau, day))).toEqual([0, 2, 2, 3, 3, 2, 2, 1, 0, 1]);
  });

  it('new users: clients whose first session start ever is that day (a purchase before it does not count)', () => {
    const newUsers = series('new-users');
    expect([-1, 0, 2, 40].map((day) => on(newUsers, day))).toEqual([0, 2, 1, 1]);
  });

  it('PDAU and PMAU: only clients whose first purchase is on or before that day', () => {
    expect([0, 2, 3, 7].map((day) => on(series('pdau'), day))).toEqual([0, 1, 1, 1]);
    expect([-1, 2, 3, 31, 32, 36, 37].map((day) => on(series('pmau'), day))).toEqual([0, 1, 2, 2, 1, 1, 0]);
  });

  it('retention: of a cohort day’s active users, those active again on day N / in week N after it', () => {
    const cohort0 = (kpi: KpiName) => on(series(kpi), 0);
    expect(
      (['day-1-retention', 'day-3-retention', 'day-5-retention', 'day-7-retention', 'week-1-retention', 'week-2-retention', 'week-3-retention'] as const).map(cohort0),
    ).toEqual([1, 1, 0, 1, 1, 1, 0]);
    expect(on(series('week-1-retention'), 1)).toBe(1);
    expect(on(series('day-1-retention'), 1)).toBe(0);
  });

  it('daily revenue: the sum of _item_price per day and currency', () => {
    expect(series('daily-revenue').series).toEqual([
      { date: formatDay(D - 1), currency: 'EUR', value: 2 },
      { date: formatDay(D + 3), currency: 'USD', value: 0.99 },
    ]);
  });

  it('sticky factor and average session length', () => {
    expect([0, 1].map((day) => on(series('sticky-factor'), day))).toEqual([1, 0.5]);
    expect([0, 1].map((day) => on(series('average-session-length'), day))).toEqual([60_000, 0]);
  });

  it('lifetime users: clients first seen, by any event, on or before the end of the range', () => {
    const lifetime = (to: number) => (answerKpi(world.queries, 'new-users-lifetime', { app: APP, range: { from: D, to: D + to } }) as ValueAnswer).value;
    // c1–c4 and c7 (1998) by day 0; c5 on day 40; c6's far-future events only on their own day.
    expect([lifetime(-2), lifetime(0), lifetime(40), lifetime(70 * 365)]).toEqual([1, 5, 6, 7]);
  });

  it('custom events: count and metric aggregates per day; the top custom events', () => {
    const events = answerEventType(world.queries, 'level.complete', { app: APP, range: { from: D, to: D + 2 } });
    expect(events.series).toEqual([
      { date: formatDay(D), value: 1, metrics: { Score: { sum: 10, min: 10, max: 10 } } },
      { date: formatDay(D + 1), value: 1, metrics: { Score: { sum: 30, min: 30, max: 30 } } },
      { date: formatDay(D + 2), value: 0, metrics: {} },
    ]);
    const top = answerKpi(world.queries, 'top-custom-events', { app: APP, range: RANGE }) as RankingAnswer;
    expect(top.events).toEqual([{ name: 'level.complete', count: 2 }]);
  });

  it('events far from now count on their own day', () => {
    const future = answerKpi(world.queries, 'dau', { app: APP, range: { from: D + 70 * 365, to: D + 70 * 365 } }) as SeriesAnswer;
    expect(future.series).toEqual([{ date: formatDay(D + 70 * 365), value: 1 }]);
  });

  it('lists the apps with their first and last event day and event count', () => {
    expect(world.queries.apps()).toEqual([
      { appId: APP, firstDay: 10_500, lastDay: D + 70 * 365, events: WORLD.length - 1 },
      { appId: 'other', firstDay: D, lastDay: D, events: 1 },
    ]);
  });
});
