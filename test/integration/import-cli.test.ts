import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseDay } from '../../src/kpis/days';
import { answerEventType, answerKpi, KPI_NAMES, parseKpiQuery, type SeriesAnswer } from '../../src/kpis/kpi-catalogue';
import { eventStorePath, openEventStore } from '../../src/local-store/event-store';
import { oracleEventsOfExport } from '../support/kpi-events';
import { createKpiOracle } from '../support/kpi-oracle';
import { inParallel, sendLegacy, taggedEvent } from '../support/legacy-sender';
import { killProxyProcess, runToExit, startProxyProcess, type ProxyProcess } from '../support/proxy-process';
import { waitForStoredEvents } from '../support/kpi-traffic';
import { makeTempDir } from '../support/temp-dir';

const EXPORT = path.resolve(__dirname, '..', 'fixtures', 'import', 'export');
/** The application of the Mobile Analytics guide's example events (its `application_key`). */
const APP = 'a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6';
const RANGE = ['--from', '2018-02-01', '--to', '2018-02-06'];

/** The summary's count of a row such as `imported   12`. */
function summaryCount(stdout: string, row: string): number {
  const match = new RegExp(`^${row} +(\\d+)$`, 'm').exec(stdout);
  if (!match) throw new Error(`no "${row}" row in:\n${stdout}`);
  return Number(match[1]);
}

describe('ma2pinpoint import and kpis (built CLI)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  const env = (): Record<string, string> => ({ DATA_DIR: temp.dir });
  const cli = (...args: string[]): ReturnType<typeof runToExit> => runToExit('cli', args, env(), 30_000);

  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(() => temp.remove());

  it('imports a Pinpoint export once: a second import adds nothing, and the summary says why records were skipped', async () => {
    const first = await cli('import', EXPORT);
    expect(first).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    expect({
      files: summaryCount(first.stdout, 'files read'),
      records: summaryCount(first.stdout, 'records read'),
      imported: summaryCount(first.stdout, 'imported'),
      present: summaryCount(first.stdout, 'already present'),
      skipped: summaryCount(first.stdout, 'skipped'),
      leftOut: summaryCount(first.stdout, 'values left out'),
    }).toEqual({ files: 3, records: 15, imported: 12, present: 1, skipped: 2, leftOut: 1 });
    expect(first.stdout).toMatch(/^SKIPPED BECAUSE +RECORDS\nnot a JSON object +1\nno client\.client_id +1$/m);
    expect(first.stdout).toContain(`${path.join(EXPORT, '2018/02/02/pinpoint-events-1-2018-02-02-02-16-18-0b6f1d2e.gz')}:3  not a JSON object`);

    const second = await cli('import', EXPORT, '--batch', '2');
    expect(second.code).toBe(0);
    expect([summaryCount(second.stdout, 'records read'), summaryCount(second.stdout, 'imported'), summaryCount(second.stdout, 'already present')]).toEqual([15, 0, 13]);

    const store = openEventStore(eventStorePath(temp.dir), { readonly: true });
    try {
      expect(store.count()).toBe(12);
      const records = store.tail({ limit: 100 }).records;
      // ma2pinpoint's own records keep their event_id; Pinpoint's get the hash of the record.
      expect(records.map((r) => r.event_id)).toEqual(expect.arrayContaining(['5f0c2a1e-7d3b-4c1a-9e2f-000000000001']));
      const purchase = records.find((r) => r.event_type === '_monetization.purchase' && r.attributes['_currency'] === 'CNY');
      expect(purchase).toEqual(
        expect.objectContaining({
          event_timestamp: 1517537662978,
          arrival_timestamp: 1517537778020,
          event_id: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
          client: expect.objectContaining({ client_id: 'A1B2C3D4-E5F6-G7H8-I9J0-K1L2M3N4O5P6' }),
          metrics: { _item_price: 76.5811965811966, _quantity: 1 },
        }),
      );
    } finally {
      store.close();
    }
  });

  it('shows the imported history in the KPIs: every answer equals the definitions over the same events', async () => {
    expect((await cli('import', EXPORT)).code).toBe(0);
    const result = await cli('kpis', '--app', APP, ...RANGE, '--event', 'level_complete', 'share', '--format', 'json');
    expect(result).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    const answers = JSON.parse(result.stdout) as Array<{ kpi: string }>;

    const oracle = createKpiOracle(oracleEventsOfExport(EXPORT));
    const query = parseKpiQuery({ app: APP, from: '2018-02-01', to: '2018-02-06' }, 0);
    expect(answers).toEqual([...KPI_NAMES.map((kpi) => answerKpi(oracle, kpi, query)), answerEventType(oracle, 'level_complete', query), answerEventType(oracle, 'share', query)]);

    // And by hand: devices A and B on Feb 2 and 3, C on Feb 4, A again on Feb 5.
    const series = (kpi: string) => (answers.find((a) => a.kpi === kpi) as SeriesAnswer).series;
    expect(series('dau').map((p) => p.value)).toEqual([0, 2, 2, 1, 1, 0]);
    expect(series('sessions').map((p) => p.value)).toEqual([0, 2, 2, 1, 1, 0]);
    expect(series('new-users').map((p) => p.value)).toEqual([0, 2, 0, 1, 0, 0]);
    expect(series('daily-revenue')).toEqual([
      { date: '2018-02-02', currency: 'CNY', value: 76.5811965811966 },
      { date: '2018-02-03', currency: 'USD', value: 0.99 },
    ]);
    expect(series('average-session-length')[1]).toEqual({ date: '2018-02-02', value: 300_000 });
    expect(series('day-1-retention')[1]).toEqual({ date: '2018-02-02', value: 2 });
    expect(answers.find((a) => a.kpi === 'new-users-lifetime')).toEqual({ kpi: 'new-users-lifetime', app: APP, value: 3 });
    expect((answers.find((a) => a.kpi === 'events') as SeriesAnswer).series[2]).toEqual({ date: '2018-02-03', value: 2, metrics: { Score: { sum: 200, min: 80, max: 120 } } });
  });

  it('prints the KPIs as a table and as CSV', async () => {
    expect((await cli('import', EXPORT)).code).toBe(0);
    const table = await cli('kpis', '--app', APP, ...RANGE, '--kpi', 'dau', 'daily-revenue', 'new-users-lifetime');
    expect(table).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    expect(table.stdout).toMatch(/^date +dau +revenue CNY +revenue USD\n/);
    expect(table.stdout).toMatch(/^2018-02-02 +2 +76\.58 +0\.00$/m);
    expect(table.stdout).toMatch(/^lifetime users \(any event, ever\): 3$/m);
    const csv = await cli('kpis', '--app', APP, ...RANGE, '--kpi', 'dau', 'daily-revenue', '--format', 'csv');
    expect(csv.stdout.split('\r\n')).toEqual([
      'date,dau,revenue CNY,revenue USD',
      '2018-02-01,0,0,0',
      '2018-02-02,2,76.5811965811966,0',
      '2018-02-03,2,0,0.99',
      '2018-02-04,1,0,0',
      '2018-02-05,1,0,0',
      '2018-02-06,0,0,0',
      '',
    ]);
  });

  it('names a file it cannot read, imports the others, and exits 1', async () => {
    const missing = path.join(temp.dir, 'missing.jsonl.gz');
    const result = await cli('import', missing, EXPORT);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`cannot read ${missing}: no such file or directory (ENOENT)\n`);
    expect(summaryCount(result.stdout, 'imported')).toBe(12);
  });

  it('answers bad requests with one line and exit code 2, and no local store with one line and exit code 1', async () => {
    for (const args of [
      ['--from', '2018-02-30'],
      ['--kpi', 'arpu'],
      ['--from', '2018-03-01', '--to', '2018-02-01'],
    ]) {
      const result = await cli('kpis', '--app', APP, ...args);
      expect({ args, code: result.code, stdout: result.stdout, lines: result.stderr.trim().split('\n').length }).toEqual({ args, code: 2, stdout: '', lines: 1 });
    }
    const none = await cli('kpis', '--app', APP);
    expect(none).toEqual(expect.objectContaining({ code: 1, stdout: '' }));
    expect(none.stderr).toBe(`No local store at ${eventStorePath(temp.dir)} (is SINK=local, and has the service received events or 'ma2pinpoint import' run?)\n`);
  });

  describe('while the service writes the same store', () => {
    let service: ProxyProcess | undefined;
    afterEach(async () => {
      await killProxyProcess(service);
      service = undefined;
    });

    it('imports a large export while legacy clients send, and both end up stored', async () => {
      service = await startProxyProcess({ DATA_DIR: temp.dir, SINK: 'local', ACK_MODE: 'durable', FORWARD_LINGER_MS: '10' });
      const day = parseDay('2025-06-01') as number;
      const records = Array.from({ length: 30_000 }, (_, n) => ({
        event_type: n % 3 === 0 ? '_session.start' : 'level_complete',
        event_timestamp: (day + (n % 30)) * 86_400_000 + n,
        event_version: '3.1',
        application: { app_id: 'history-app' },
        client: { client_id: `device-${n % 500}` },
        metrics: { n },
      }));
      const file = path.join(temp.dir, 'history.gz');
      writeFileSync(file, gzipSync(records.map((r) => JSON.stringify(r)).join('')));

      // Live traffic from before the import starts until it has ended, so both write the store at once.
      let importing = true;
      let sent = 0;
      const send = async (): Promise<void> => {
        while (importing || sent < 20) {
          const i = sent++;
          const answer = await sendLegacy(service?.url ?? '', { kind: 'js', clientId: `live-${i}`, events: [taggedEvent(`live-${i}`, `live-${i}`)] });
          expect(answer.status).toBe(202);
        }
      };
      const senders = inParallel([1, 2, 3, 4], 4, send);
      const imported = await cli('import', file, '--batch', '500');
      importing = false;
      await senders;
      expect(imported.code).toBe(0);
      // Not a terminal: at most plain progress lines on stderr, one every few seconds.
      expect(imported.stderr).toMatch(/^(importing: .+ records read, \d+ imported\n)*$/);
      expect(summaryCount(imported.stdout, 'imported')).toBe(30_000);
      await waitForStoredEvents(temp.dir, 30_000 + sent);

      const kpis = await cli('kpis', '--app', 'history-app', '--from', '2025-06-01', '--to', '2025-06-30', '--kpi', 'sessions', '--format', 'json');
      const [sessions] = JSON.parse(kpis.stdout) as [SeriesAnswer];
      expect(sessions.series.reduce((sum, p) => sum + p.value, 0)).toBe(10_000);
    });
  });
});
