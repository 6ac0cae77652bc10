import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runKpisCommand, type KpisOptions } from '../../src/cli/kpis-command';
import type { Output } from '../../src/cli/output';
import { parseDay } from '../../src/kpis/days';
import { answerEventType, answerKpi, KPI_NAMES, parseKpiQuery } from '../../src/kpis/kpi-catalogue';
import type { KpiQueries } from '../../src/kpis/kpi-queries';
import { eventStorePath } from '../../src/local-store/event-store';
import { StorageOpenError } from '../../src/storage-error';
import { oracleEventOf, type KpiEventSpec } from '../support/kpi-events';
import { createKpiOracle } from '../support/kpi-oracle';
import { makeTempDir } from '../support/temp-dir';

const D0 = parseDay('2026-11-01') as number;
const APP = 'app-1';
const ODD_EVENT = 'say "hi", world';
let nextId = 0;
const spec = (clientId: string, eventType: string, day: number, extra: Partial<KpiEventSpec> = {}): KpiEventSpec => ({
  eventId: `e${nextId++}`,
  appId: APP,
  clientId,
  eventType,
  day: D0 + day,
  ...extra,
});
const EVENTS = [
  spec('a', '_session.start', 0),
  spec('a', '_monetization.purchase', 0, { currency: 'USD', metrics: { _item_price: 4.99 } }),
  spec('a', '_session.start', 1),
  spec('a', '_monetization.purchase', 1, { currency: 'EUR', metrics: { _item_price: 2 } }),
  spec('b', '_session.start', 1),
  spec('b', 'level_complete', 1, { metrics: { Score: 10 } }),
  spec('b', 'level_complete', 2, { metrics: { Score: 30 } }),
  spec('b', 'level_complete', 2, { metrics: { Score: 20 } }),
  spec('b', ODD_EVENT, 2),
  spec('c', '_session.stop', 2, { sessionLengthMs: 60_000 }),
  spec('other-app-device', '_session.start', 1, { appId: 'app-2' }),
].map(oracleEventOf);

describe('ma2pinpoint kpis', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let out: string[];
  let err: string[];
  let closed: number;
  const oracle = createKpiOracle(EVENTS);
  const io: Output = { out: (text) => out.push(text), err: (text) => err.push(text) };
  const now = Date.UTC(2026, 10, 5, 10);
  const run = (options: Partial<KpisOptions>, openQueries = (): KpiQueries & { close(): void } => ({ ...oracle, close: () => closed++ })): number =>
    runKpisCommand({ app: APP, format: 'table', ...options }, { dataDir: temp.dir, openQueries, now: () => now, io });
  const query = parseKpiQuery({ app: APP, from: '2026-11-01', to: '2026-11-03' }, 0);

  beforeEach(() => {
    temp = makeTempDir();
    writeFileSync(eventStorePath(temp.dir), '');
    out = [];
    err = [];
    closed = 0;
  });
  afterEach(() => temp.remove());

  it('answers every KPI as the API does, in json, when none is named', () => {
    expect(run({ from: '2026-11-01', to: '2026-11-03', format: 'json' })).toBe(0);
    expect(JSON.parse(out.join('\n'))).toEqual(KPI_NAMES.map((kpi) => answerKpi(oracle, kpi, query)));
    expect(err).toEqual([]);
    expect(closed).toBe(1);
  });

  it('answers the KPIs and events named, once each, in the order asked', () => {
    expect(run({ from: '2026-11-01', to: '2026-11-03', format: 'json', kpis: ['mau', 'dau', 'mau'], events: ['level_complete'] })).toBe(0);
    const answers = JSON.parse(out.join('\n'));
    expect(answers).toEqual([answerKpi(oracle, 'mau', query), answerKpi(oracle, 'dau', query), answerEventType(oracle, 'level_complete', query)]);
    expect(answers[2].series[2]).toEqual({ date: '2026-11-03', value: 2, metrics: { Score: { sum: 50, min: 20, max: 30 } } });
  });

  it('prints a day grid with a column per KPI and per currency, then the lifetime count and the top custom events', () => {
    expect(run({ from: '2026-11-01', to: '2026-11-03', kpis: ['dau', 'daily-revenue', 'average-session-length', 'new-users-lifetime', 'top-custom-events'] })).toBe(0);
    expect(out.join('\n').split('\n')).toEqual([
      'date        dau  revenue EUR  revenue USD  average-session-length',
      '2026-11-01    1         0.00         4.99                       0',
      '2026-11-02    2         2.00         0.00                       0',
      '2026-11-03    0         0.00         0.00                   60000',
      '',
      'lifetime users (any event, ever): 3',
      '',
      'top custom events 2026-11-01 to 2026-11-03:',
      'EVENT            COUNT',
      'level_complete       3',
      'say "hi", world      1',
    ]);
  });

  it('prints the same grid as RFC 4180 CSV with CRLF line ends, events with their metrics', () => {
    expect(run({ from: '2026-11-01', to: '2026-11-03', format: 'csv', kpis: ['sessions', 'daily-revenue'], events: [ODD_EVENT, 'level_complete'] })).toBe(0);
    expect(out).toEqual([
      'date,sessions,revenue EUR,revenue USD,"say ""hi"", world count",level_complete count,level_complete Score sum,level_complete Score min,level_complete Score max\r',
      '2026-11-01,1,0,4.99,0,0,,,\r',
      '2026-11-02,2,2,0,0,1,10,10,10\r',
      '2026-11-03,0,0,0,1,2,50,20,30\r',
    ]);
  });

  it('ends the range today (UTC, from the clock) and spans 30 days when no dates are given', () => {
    expect(run({ format: 'json', kpis: ['sessions'] })).toBe(0);
    expect(JSON.parse(out.join('\n'))).toEqual([expect.objectContaining({ from: '2026-10-07', to: '2026-11-05' })]);
  });

  it.each([
    [{ from: '2026-02-30' }, 'from must be a date as YYYY-MM-DD, got "2026-02-30"'],
    [{ from: '2026-11-03', to: '2026-11-01' }, 'from (2026-11-03) is after to (2026-11-01)'],
    [{ from: '2025-01-01', to: '2026-11-01' }, 'the range spans 670 days; at most 400 days per request'],
    [{ kpis: ['dau', 'arpu'] }, expect.stringMatching(/^unknown KPI "arpu"; known: new-users-lifetime, dau, /)],
  ])('refuses %j with one line and exit code 2', (options, message) => {
    expect(run(options)).toBe(2);
    expect(err).toEqual([message]);
    expect(out).toEqual([]);
  });

  it('says there is no local store, in one line, with exit code 1', () => {
    const empty = makeTempDir();
    try {
      const code = runKpisCommand({ app: APP, format: 'table' }, { dataDir: empty.dir, openQueries: () => ({ ...oracle, close: () => undefined }), now: () => now, io });
      expect(code).toBe(1);
      expect(err).toEqual([`No local store at ${path.join(empty.dir, 'events.db')} (is SINK=local, and has the service received events or 'ma2pinpoint import' run?)`]);
    } finally {
      empty.remove();
    }
  });

  it('says a store that cannot be opened in one line, with exit code 1', () => {
    const failure = new StorageOpenError(eventStorePath(temp.dir), 'local store', 'SQLITE_NOTADB', 'file is not a database (SQLITE_NOTADB)', true);
    expect(
      run({}, () => {
        throw failure;
      }),
    ).toBe(1);
    expect(err).toEqual([failure.message]);
  });
});
