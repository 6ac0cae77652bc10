import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { PURCHASE, SESSION_START, SESSION_STOP } from '../../src/kpis/kpi-event';
import type { KpiQueries } from '../../src/kpis/kpi-queries';
import { openEventStore } from '../../src/local-store/event-store';
import { openSqliteKpiQueries } from '../../src/local-store/sqlite-kpi-queries';
import { createKpiOracle } from '../support/kpi-oracle';
import { oracleEventOf, storedEventOf, type KpiEventSpec } from '../support/kpi-events';
import { makeTempDir } from '../support/temp-dir';

const BASE_DAY = 20_400;
const APPS = ['app-a', 'app-b'];
/** Every KPI over a range wider than the events, so windows reaching past both ends are compared too. */
const RANGE = { from: BASE_DAY - 35, to: BASE_DAY + 75 };

const eventSpec = fc.record({
  appId: fc.constantFrom(...APPS),
  clientId: fc.constantFrom('c1', 'c2', 'c3', 'c4'),
  eventType: fc.constantFrom(SESSION_START, SESSION_START, SESSION_START, SESSION_STOP, PURCHASE, 'level.done', 'share', '_custom.internal'),
  day: fc.integer({ min: BASE_DAY, max: BASE_DAY + 24 }),
  at: fc.integer({ min: 0, max: 86_399_999 }),
  metrics: fc.dictionary(fc.constantFrom('_item_price', 'Score', 'time'), fc.integer({ min: -50, max: 500 }), { maxKeys: 3 }),
  currency: fc.option(fc.constantFrom('USD', 'EUR'), { nil: undefined }),
  sessionLengthMs: fc.option(fc.integer({ min: 0, max: 3_600_000 }), { nil: undefined }),
});

/** Events with unique ids, then some sent again (a redelivery is the same event), shuffled, in batches. */
const traffic = fc
  .array(eventSpec, { minLength: 1, maxLength: 120 })
  .map((specs) => specs.map((spec, i): KpiEventSpec => ({ ...spec, eventId: `e${i}` })))
  .chain((events) =>
    fc.tuple(
      fc.constant(events),
      fc.shuffledSubarray(events, { maxLength: Math.min(20, events.length) }),
      fc.integer({ min: 1, max: 40 }),
    ),
  )
  .chain(([events, resent, batchSize]) =>
    fc.tuple(fc.constant(events), fc.shuffledSubarray([...events, ...resent], { minLength: events.length + resent.length }), fc.constant(batchSize)),
  );

/** Every answer of both implementations for every app, side by side. */
function answers(queries: KpiQueries): unknown {
  return {
    apps: queries.apps(),
    perApp: APPS.map((app) => ({
      lifetime: [BASE_DAY - 1, BASE_DAY + 5, BASE_DAY + 30].map((day) => queries.lifetimeUsers(app, day)),
      daily: queries.daily(app, RANGE),
      revenue: queries.revenue(app, RANGE),
      events: ['level.done', 'share', SESSION_START, PURCHASE].map((type) => queries.eventType(app, type, RANGE)),
      top: queries.topCustomEvents(app, RANGE, 5),
      topOfPart: queries.topCustomEvents(app, { from: BASE_DAY + 10, to: BASE_DAY + 20 }, 1),
    })),
  };
}

/** The roll-ups of the store file answer exactly what the definitions give for the events. */
function expectRollupsToMatchDefinitions(file: string, events: readonly KpiEventSpec[]): void {
  const queries = openSqliteKpiQueries(file);
  try {
    expect(answers(queries)).toEqual(answers(createKpiOracle(events.map(oracleEventOf))));
  } finally {
    queries.close();
  }
}

describe('KPI roll-ups against the definitions computed plainly', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let run = 0;
  beforeEach(() => {
    temp = makeTempDir('kpi-rollups-');
  });
  afterEach(() => temp.remove());

  it('agree for any events, in any order and batching, with redeliveries', () => {
    fc.assert(
      fc.property(traffic, ([events, sent, batchSize]) => {
        const file = path.join(temp.dir, `events-${(run += 1)}.db`);
        const store = openEventStore(file);
        for (let i = 0; i < sent.length; i += batchSize) store.insert(sent.slice(i, i + batchSize).map(storedEventOf));
        store.close();
        expectRollupsToMatchDefinitions(file, events);
      }),
      { numRuns: 150 },
    );
  });

  it('are rebuilt from the stored events for a store written before them', () => {
    fc.assert(
      fc.property(traffic, ([events, sent]) => {
        const file = path.join(temp.dir, `old-${(run += 1)}.db`);
        const store = openEventStore(file, { kpiRollups: false });
        store.insert(sent.map(storedEventOf));
        store.close();
        // What a store of version 0.1 looked like to the migration: no roll-ups, user_version 0.
        const raw = new Database(file);
        raw.pragma('user_version = 0');
        raw.close();
        expectRollupsToMatchDefinitions(file, events);
      }),
      { numRuns: 40 },
    );
  });
});
