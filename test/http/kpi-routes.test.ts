import request from 'supertest';
import { dayOf, parseDay } from '../../src/kpis/days';
import { answerKpi, KPI_PATHS, type KpiName } from '../../src/kpis/kpi-catalogue';
import type { KpiQueries } from '../../src/kpis/kpi-queries';
import { createAdminApp } from '../../src/http/admin-app';
import { silentLogger, type Logger } from '../../src/logger';
import { createCaptureLogger } from '../support/capture-logger';
import { createKpiOracle, type OracleEvent } from '../support/kpi-oracle';
import { KPI_APP_ID, KPI_FROM, KPI_OTHER_APP_ID, KPI_TO, kpiTrafficEvents } from '../support/kpi-traffic';

const day = (text: string): number => parseDay(text) as number;
/** An event type with characters a path must percent-encode. */
const ODD_EVENT: OracleEvent = { eventId: 'odd-1', appId: KPI_APP_ID, clientId: 'kpi-device-js-5', eventType: 'shop/open now', day: day('2026-09-12'), metrics: { Gems: 3 } };
const oracle = createKpiOracle([...kpiTrafficEvents(), ODD_EVENT]);
/** "Today" for the tests: the traffic's last day, so a range without `to` ends there. */
const TODAY = day(KPI_TO);
const SPAN = `app=${KPI_APP_ID}&from=${KPI_FROM}&to=${KPI_TO}`;
const DATES = Array.from({ length: 10 }, (_, i) => `2026-09-${String(7 + i).padStart(2, '0')}`);

function adminApp(options: { kpis?: KpiQueries; logger?: Logger } = {}) {
  return createAdminApp({ kpis: 'kpis' in options ? options.kpis : oracle, today: () => TODAY, token: undefined, logger: options.logger ?? silentLogger });
}
const app = adminApp();

/** The `value`s of a series answer, in date order. */
const values = (body: { series: Array<{ value: number }> }): number[] => body.series.map((p) => p.value);

describe('GET /apps', () => {
  it('lists every application with its first and last event day and its event count', async () => {
    const response = await request(app).get('/apps');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toEqual({
      apps: [
        { app: KPI_APP_ID, firstDay: KPI_FROM, lastDay: KPI_TO, events: 43 },
        { app: KPI_OTHER_APP_ID, firstDay: '2026-09-09', lastDay: '2026-09-09', events: 2 },
      ],
    });
  });
});

describe('GET /kpis/…: every KPI path', () => {
  const paths = Object.entries(KPI_PATHS) as Array<[string, { kpi: KpiName }]>;

  it.each(paths)('%s answers its documented shape, as the definitions give it', async (path, { kpi }) => {
    const response = await request(app).get(`${path}?${SPAN}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(answerKpi(oracle, kpi, { app: KPI_APP_ID, range: { from: day(KPI_FROM), to: TODAY } }));
    if (kpi === 'new-users-lifetime') {
      expect(response.body).toEqual({ kpi, app: KPI_APP_ID, value: 6 });
    } else if (kpi === 'top-custom-events') {
      expect(response.body).toEqual({ kpi, app: KPI_APP_ID, from: KPI_FROM, to: KPI_TO, events: expect.any(Array) });
    } else if (kpi === 'daily-revenue') {
      expect(Object.keys(response.body)).toEqual(['kpi', 'app', 'from', 'to', 'series']);
      for (const point of response.body.series) expect(Object.keys(point).sort()).toEqual(['currency', 'date', 'value']);
    } else {
      expect(Object.keys(response.body)).toEqual(['kpi', 'app', 'from', 'to', 'series']);
      expect(response.body).toMatchObject({ kpi, app: KPI_APP_ID, from: KPI_FROM, to: KPI_TO });
      // One point per day, zeros included.
      expect(response.body.series.map((p: { date: string }) => p.date)).toEqual(DATES);
    }
  });

  it.each<[string, number[]]>([
    ['/kpis/dau/count', [2, 2, 2, 1, 1, 2, 2, 1, 1, 1]],
    ['/kpis/mau/count', [2, 3, 3, 3, 4, 5, 5, 5, 5, 5]],
    ['/kpis/new-users/count', [2, 1, 0, 0, 1, 1, 0, 0, 0, 0]],
    ['/kpis/sessions/count', [2, 2, 2, 1, 1, 2, 2, 1, 1, 1]],
    ['/kpis/pdau/count', [0, 1, 1, 1, 1, 1, 0, 1, 0, 1]],
    ['/kpis/day-1-retention/count', [1, 1, 0, 0, 1, 1, 0, 0, 0, 0]],
    ['/kpis/day-3-retention/count', [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
    ['/kpis/day-7-retention/count', [1, 1, 1, 0, 0, 0, 0, 0, 0, 0]],
    ['/kpis/week-1-retention/count', [2, 2, 2, 1, 1, 1, 1, 0, 0, 0]],
  ])('%s: the hand-computed numbers of the traffic', async (path, expected) => {
    const response = await request(app).get(`${path}?${SPAN}`);
    expect(values(response.body)).toEqual(expected);
  });

  it('daily revenue: one entry per day and currency with revenue', async () => {
    const response = await request(app).get(`/kpis/daily-revenue/sum?${SPAN}`);
    expect(response.body.series).toEqual([
      { date: '2026-09-08', currency: 'USD', value: 0.99 },
      { date: '2026-09-09', currency: 'EUR', value: 1.99 },
      { date: '2026-09-11', currency: 'USD', value: expect.closeTo(5.98, 10) },
    ]);
  });

  it('answers for the app asked about only', async () => {
    const response = await request(app).get(`/kpis/dau/count?app=${KPI_OTHER_APP_ID}&from=${KPI_FROM}&to=${KPI_TO}`);
    expect(values(response.body)).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('without from and to, spans the 30 days ending today', async () => {
    const response = await request(app).get(`/kpis/dau/count?app=${KPI_APP_ID}`);
    expect(response.body).toMatchObject({ from: '2026-08-18', to: KPI_TO });
    expect(response.body.series).toHaveLength(30);
  });

  it('an app without events: zeros, not an error', async () => {
    const response = await request(app).get(`/kpis/sessions/count?app=unknown-app&from=${KPI_FROM}&to=${KPI_TO}`);
    expect(response.status).toBe(200);
    expect(values(response.body)).toEqual(new Array(10).fill(0));
  });
});

describe('GET /events/{name}/count', () => {
  it('one point per day, zeros included, with the sum, min and max of each metric on days with events', async () => {
    const response = await request(app).get(`/events/level.complete/count?${SPAN}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      kpi: 'events',
      event: 'level.complete',
      app: KPI_APP_ID,
      from: KPI_FROM,
      to: KPI_TO,
      series: DATES.map((date) => ({ date, value: 0, metrics: {} })).map((point) => {
        const score = (sum: number, min: number, max: number, value = 1) => ({ ...point, value, metrics: { Score: { sum, min, max } } });
        if (point.date === '2026-09-07') return score(120, 120, 120);
        if (point.date === '2026-09-09') return score(80, 80, 80);
        if (point.date === '2026-09-10') return score(10, 10, 10);
        if (point.date === '2026-09-12') return score(120, 50, 70, 2);
        if (point.date === '2026-09-14') return score(300, 300, 300);
        return point;
      }),
    });
  });

  it('takes the name URL-decoded', async () => {
    const response = await request(app).get(`/events/${encodeURIComponent('shop/open now')}/count?${SPAN}`);
    expect(response.status).toBe(200);
    expect(response.body.event).toBe('shop/open now');
    expect(response.body.series.find((p: { date: string }) => p.date === '2026-09-12')).toEqual({ date: '2026-09-12', value: 1, metrics: { Gems: { sum: 3, min: 3, max: 3 } } });
  });

  it('a name that is not valid percent-encoding: 400 JSON', async () => {
    const response = await request(app).get(`/events/%E0%A4%A/count?${SPAN}`);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ message: expect.any(String) });
  });
});

describe('invalid queries', () => {
  it.each<[string, string, RegExp]>([
    ['a date that is not YYYY-MM-DD', `/kpis/dau/count?app=${KPI_APP_ID}&from=7.9.2026&to=${KPI_TO}`, /^from must be a date as YYYY-MM-DD, got "7\.9\.2026"$/],
    ['a date that does not exist', `/kpis/dau/count?app=${KPI_APP_ID}&from=2026-02-01&to=2026-02-30`, /^to must be a date as YYYY-MM-DD, got "2026-02-30"$/],
    ['a reversed range', `/kpis/dau/count?app=${KPI_APP_ID}&from=${KPI_TO}&to=${KPI_FROM}`, /^from \(2026-09-16\) is after to \(2026-09-07\)$/],
    ['a range over 400 days', `/kpis/dau/count?app=${KPI_APP_ID}&from=2025-01-01&to=${KPI_TO}`, /^the range spans 624 days; at most 400 days per request$/],
    ['no app', `/kpis/dau/count?from=${KPI_FROM}&to=${KPI_TO}`, /^app is required/],
    ['an empty app', `/kpis/new-users/lifetime-count?app=`, /^app is required/],
    ['a bad date for a custom event', `/events/level.complete/count?app=${KPI_APP_ID}&from=yesterday`, /^from must be a date/],
  ])('%s: 400 with a message saying why', async (_label, url, message) => {
    const response = await request(app).get(url);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toEqual({ message: expect.stringMatching(message) });
    expect(response.headers['etag']).toBeUndefined();
  });

  it('400 days exactly is allowed', async () => {
    const response = await request(app).get(`/kpis/dau/count?app=${KPI_APP_ID}&from=2025-08-13&to=${KPI_TO}`);
    expect(response.status).toBe(200);
    expect(response.body.series).toHaveLength(400);
  });

  it.each(['/kpis/dau', '/kpis/daily-active-users/count', '/kpis', '/kpis/dau/count/extra'])('unknown KPI %s: 404 naming the known ones', async (path) => {
    const response = await request(app).get(`${path}?${SPAN}`);
    expect(response.status).toBe(404);
    expect(response.body.message).toMatch(/^unknown KPI /);
    for (const known of Object.keys(KPI_PATHS)) expect(response.body.message).toContain(known);
  });

  it('another route: 404 JSON', async () => {
    const response = await request(app).get('/metrics/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ message: expect.stringMatching(/^no such route: GET \/metrics\/nothing-here/) });
  });
});

describe('caching for a dashboard that refreshes', () => {
  it('a strong ETag from the body and Cache-Control: no-cache; the same tag again gets an empty 304', async () => {
    const first = await request(app).get(`/kpis/mau/count?${SPAN}`);
    expect(first.headers['cache-control']).toBe('no-cache');
    const etag = first.headers['etag'] as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    const again = await request(app).get(`/kpis/mau/count?${SPAN}`).set('If-None-Match', etag);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers['etag']).toBe(etag);
    expect((await request(app).get(`/kpis/mau/count?${SPAN}`).set('If-None-Match', `"other", W/${etag}`)).status).toBe(304);
  });

  it('another answer has another tag, and a stale tag gets the whole answer', async () => {
    const mau = await request(app).get(`/kpis/mau/count?${SPAN}`);
    const dau = await request(app).get(`/kpis/dau/count?${SPAN}`);
    expect(dau.headers['etag']).not.toBe(mau.headers['etag']);
    const stale = await request(app).get(`/kpis/dau/count?${SPAN}`).set('If-None-Match', mau.headers['etag'] as string);
    expect(stale.status).toBe(200);
    expect(stale.body.kpi).toBe('dau');
  });

  it('the tag follows the data: a new event changes it', async () => {
    const before = await request(app).get(`/apps`);
    const grown = createKpiOracle([...kpiTrafficEvents(), ODD_EVENT, { ...ODD_EVENT, eventId: 'odd-2', day: dayOf(Date.parse('2026-09-16T12:00:00Z')) }]);
    const after = await request(adminApp({ kpis: grown })).get('/apps').set('If-None-Match', before.headers['etag'] as string);
    expect(after.status).toBe(200);
    expect(after.headers['etag']).not.toBe(before.headers['etag']);
  });
});

describe('without a local store, and when it fails', () => {
  it.each(['/apps', `/kpis/dau/count?${SPAN}`, `/events/level.complete/count?${SPAN}`])('%s: 503 saying there is no local store', async (url) => {
    const response = await request(adminApp({ kpis: undefined })).get(url);
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ message: expect.stringMatching(/no local store/) });
  });

  it('a storage error: 500 JSON, and the cause logged at error without the query', async () => {
    const logger = createCaptureLogger();
    const failure = Object.assign(new Error('disk I/O error'), { name: 'SqliteError', code: 'SQLITE_IOERR' });
    const failing: KpiQueries = {
      ...oracle,
      daily: () => {
        throw failure;
      },
    };
    const response = await request(adminApp({ kpis: failing, logger })).get(`/kpis/dau/count?${SPAN}`);
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ message: expect.stringMatching(/could not answer/) });
    expect(logger.withMessage('kpi query failed')).toEqual([
      { level: 'error', message: 'kpi query failed', fields: { path: '/kpis/dau/count', error: 'SqliteError', code: 'SQLITE_IOERR', reason: 'disk I/O error' } },
    ]);
    expect(JSON.stringify(logger.lines)).not.toContain(KPI_APP_ID);
  });
});

describe('request log', () => {
  it('one info line per request: method, path without the query, status, time', async () => {
    const logger = createCaptureLogger();
    const logged = adminApp({ logger });
    await request(logged).get(`/kpis/dau/count?${SPAN}`);
    await request(logged).get(`/kpis/dau/count?app=${KPI_APP_ID}&from=bad`);
    const lines = logger.withMessage('admin request');
    expect(lines).toEqual([
      { level: 'info', message: 'admin request', fields: { method: 'GET', path: '/kpis/dau/count', status: 200, latencyMs: expect.any(Number) } },
      { level: 'info', message: 'admin request', fields: { method: 'GET', path: '/kpis/dau/count', status: 400, latencyMs: expect.any(Number) } },
    ]);
    expect(logger.lines).toHaveLength(2);
  });
});
