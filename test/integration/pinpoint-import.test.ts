import path from 'node:path';
import { answerEventType, answerKpi, KPI_NAMES, parseKpiQuery, type SeriesAnswer, type ValueAnswer } from '../../src/kpis/kpi-catalogue';
import { eventStorePath, openEventStore } from '../../src/local-store/event-store';
import { mapPinpointRequest } from '../../src/mapping/map-pinpoint-request';
import { createLocalSink } from '../../src/sinks/local-sink';
import { oracleEventsOfExport } from '../support/kpi-events';
import { createKpiOracle } from '../support/kpi-oracle';
import { runToExit } from '../support/proxy-process';
import { makeTempDir } from '../support/temp-dir';

/** Pinpoint's event stream of one project, as Firehose wrote it (see test/fixtures/import/README.md). */
const EXPORT = path.resolve(__dirname, '..', 'fixtures', 'import', 'pinpoint-native');
const PROJECT = '9f86d081884c7d659a2feaa0c55ad015';
const IPHONE = 'B4C3D2E1-F0A9-4B8C-9D7E-6F5A4B3C2D1E';
const BROWSER = 'a7c1e9f3-5b2d-4f8a-9c6e-0d4b2f8a6c1e';
const ANDROID = 'e3d2c1b0-a9f8-4e7d-8c6b-5a4f3e2d1c0b';
const RANGE = { from: '2025-06-01', to: '2025-06-04' };

/** The summary's count of a row such as `imported   11`. */
function summaryCount(stdout: string, row: string): number {
  const match = new RegExp(`^${row} +(\\d+)$`, 'm').exec(stdout);
  if (!match) throw new Error(`no "${row}" row in:\n${stdout}`);
  return Number(match[1]);
}

const counts = (stdout: string): number[] => ['files read', 'records read', 'imported', 'already present', 'skipped'].map((row) => summaryCount(stdout, row));

describe('ma2pinpoint import of Pinpoint-native history (built CLI)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  const cli = (...args: string[]): ReturnType<typeof runToExit> => runToExit('cli', args, { DATA_DIR: temp.dir }, 30_000);

  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(() => temp.remove());

  it('imports the records of AWSPinpoint, PinpointManager and Amplify once, each under its endpoint id, its endpoint profile kept', async () => {
    const first = await cli('import', EXPORT);
    expect(first).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    // 12 records: the stream's byte-identical redelivery of the iPhone's start is already present.
    expect(counts(first.stdout)).toEqual([2, 12, 11, 1, 0]);

    const again = await cli('import', EXPORT, '--batch', '3');
    expect(again).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    expect(counts(again.stdout)).toEqual([2, 12, 0, 12, 0]);

    const tail = await cli('events', 'tail', '--app', PROJECT, '--limit', '100');
    expect(tail).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    const records = tail.stdout.trim().split('\n').map((line) => JSON.parse(line) as { event_type: string; client: { client_id: string }; endpoint?: Record<string, unknown>; event_id: string });
    expect(records).toHaveLength(11);
    expect(new Set(records.map((r) => r.event_id)).size).toBe(11);
    const byClient = (id: string) => records.filter((r) => r.client.client_id === id);
    expect([byClient(IPHONE).length, byClient(BROWSER).length, byClient(ANDROID).length]).toEqual([5, 3, 3]);
    // The profile Pinpoint wrote beside each Pinpoint-native event, as it was (its own members too);
    // the iPhone's events from before the update, sent with the Mobile Analytics SDK, have none.
    expect(byClient(BROWSER).map((r) => r.endpoint)).toEqual(
      Array(3).fill(expect.objectContaining({ Id: BROWSER, CohortId: '12', User: { UserId: 'user-8812', UserAttributes: { tier: ['bronze'] } } })),
    );
    expect(byClient(IPHONE).map((r) => r.endpoint?.['Id'])).toEqual([undefined, undefined, IPHONE, IPHONE, IPHONE]);
  });

  it('gives the KPIs the definitions give over the same records, the upgraded iPhone one user', async () => {
    expect((await cli('import', EXPORT)).code).toBe(0);
    const result = await cli('kpis', '--app', PROJECT, '--from', RANGE.from, '--to', RANGE.to, '--event', 'addToCart', '--format', 'json');
    expect(result).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    const answers = JSON.parse(result.stdout) as Array<{ kpi: string }>;

    const oracle = createKpiOracle(oracleEventsOfExport(EXPORT));
    const query = parseKpiQuery({ app: PROJECT, ...RANGE }, 0);
    expect(answers).toEqual([...KPI_NAMES.map((kpi) => answerKpi(oracle, kpi, query)), answerEventType(oracle, 'addToCart', query)]);

    // By hand: June 2, the iPhone (Mobile Analytics SDK, 10 min) and the browser (Amplify, 2 min);
    // June 3, the iPhone again (AWSPinpoint, 20 min, USD 1.99) and the Android phone (1 min, EUR 4.49).
    const series = (kpi: string) => (answers.find((a) => a.kpi === kpi) as SeriesAnswer).series;
    expect(series('dau').map((p) => p.value)).toEqual([0, 2, 2, 0]);
    expect(series('new-users').map((p) => p.value)).toEqual([0, 2, 1, 0]);
    expect(series('day-1-retention').map((p) => p.value)).toEqual([0, 1, 0, 0]);
    expect(series('pdau').map((p) => p.value)).toEqual([0, 0, 2, 0]);
    expect(series('average-session-length').map((p) => p.value)).toEqual([0, 360_000, 630_000, 0]);
    expect(series('daily-revenue')).toEqual([
      { date: '2025-06-03', currency: 'EUR', value: 4.49 },
      { date: '2025-06-03', currency: 'USD', value: 1.99 },
    ]);
    expect((answers.find((a) => a.kpi === 'new-users-lifetime') as ValueAnswer).value).toBe(3);
  });

  it('counts the history and what the service stored since as one: an imported user coming back through the Pinpoint ingest is not new', async () => {
    expect((await cli('import', EXPORT)).code).toBe(0);
    // After the migration, the browser's next session arrives through the service's Pinpoint ingest.
    const sink = createLocalSink(openEventStore(eventStorePath(temp.dir)));
    const at = '2025-06-04T08:00:00.000Z';
    const session = { Id: 'f0e1d2c3-b4a5-4968-8776-655443322110', StartTimestamp: at };
    const request = { BatchItem: { [BROWSER]: { Endpoint: {}, Events: { 'e-1': { EventType: '_session.start', Timestamp: at, Session: session } } } } };
    expect(await sink.deliver(mapPinpointRequest({ applicationId: PROJECT, request, receivedAt: Date.parse(at) }))).toEqual({ rejected: [], failed: [] });
    await sink.close();

    const result = await cli('kpis', '--app', PROJECT, '--from', RANGE.from, '--to', RANGE.to, '--kpi', 'dau', 'new-users', 'week-1-retention', 'new-users-lifetime', '--format', 'json');
    expect(result).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    const [dau, newUsers, retention, lifetime] = JSON.parse(result.stdout) as [SeriesAnswer, SeriesAnswer, SeriesAnswer, ValueAnswer];
    expect([dau, newUsers, retention].map((a) => a.series.map((p) => p.value))).toEqual([
      [0, 2, 2, 1],
      [0, 2, 1, 0],
      // June 2's users (iPhone, browser) both back within the week: the iPhone imported, the browser live.
      [0, 2, 0, 0],
    ]);
    expect(lifetime.value).toBe(3);
  });
});
