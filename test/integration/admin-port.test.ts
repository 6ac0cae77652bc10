import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { parseDay } from '../../src/kpis/days';
import { answerEventType, answerKpi, KPI_PATHS, type KpiName } from '../../src/kpis/kpi-catalogue';
import { eventStorePath } from '../../src/local-store/event-store';
import { startInProcessProxy, type InProcessProxy } from '../support/in-process-proxy';
import { createKpiOracle, type OracleEvent } from '../support/kpi-oracle';
import { distinctEventCount, KPI_APP_ID, KPI_FROM, KPI_OTHER_APP_ID, KPI_TO, sendKpiTraffic, waitForStoredEvents } from '../support/kpi-traffic';
import { waitFor } from '../support/legacy-sender';
import { killProxyProcess, runToExit, startProxyProcess, type ProxyProcess } from '../support/proxy-process';
import { makeTempDir } from '../support/temp-dir';

const TOKEN = 'integration-admin-token-0123456789';

/** The admin port's URL once the service logged `admin listening`. */
async function adminUrlOf(service: ProxyProcess): Promise<string> {
  await waitFor(() => service.logs.some((l) => l['message'] === 'admin listening'), 10_000, 'admin listening');
  const line = service.logs.find((l) => l['message'] === 'admin listening') as Record<string, unknown>;
  return `http://127.0.0.1:${String(line['port'])}`;
}

/** The JSON lines a finished service printed. */
function logLines(stdout: string): Array<Record<string, unknown>> {
  return stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the built service: admin port protection', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let service: ProxyProcess | undefined;

  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(async () => {
    await killProxyProcess(service);
    service = undefined;
    temp.remove();
  });

  it('ADMIN_HOST=0.0.0.0 without ADMIN_TOKEN: refuses to start with one message, exit 1, nothing created', async () => {
    const result = await runToExit('service', [], { PORT: '0', HOST: '127.0.0.1', ADMIN_HOST: '0.0.0.0', DATA_DIR: temp.dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'Invalid configuration:\n  ADMIN_HOST=0.0.0.0 exposes stored data (the KPI API) beyond this machine: set ADMIN_TOKEN (a bearer token of at least 16 characters) or bind ADMIN_HOST to 127.0.0.1\n',
    );
    expect(existsSync(eventStorePath(temp.dir))).toBe(false);
  });

  it('ADMIN_HOST=0.0.0.0 with ADMIN_TOKEN: the data routes need the token, the dashboard does not, the ingest port serves neither; SIGTERM stops both', async () => {
    service = await startProxyProcess({ DATA_DIR: temp.dir, ADMIN_HOST: '0.0.0.0', ADMIN_TOKEN: TOKEN });
    const adminUrl = await adminUrlOf(service);
    expect(service.logs.find((l) => l['message'] === 'admin listening')).toEqual(expect.objectContaining({ level: 'info', host: '0.0.0.0', port: expect.any(Number) }));

    const kpi = `${adminUrl}/kpis/dau/count?app=${KPI_APP_ID}&from=${KPI_FROM}&to=${KPI_TO}`;
    const without = await fetch(kpi);
    expect(without.status).toBe(401);
    expect(without.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(await without.json()).toEqual({ message: expect.any(String) });
    expect((await fetch(kpi, { headers: { Authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    const withToken = await fetch(kpi, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(withToken.status).toBe(200);
    expect(await withToken.json()).toEqual(expect.objectContaining({ kpi: 'dau', app: KPI_APP_ID, from: KPI_FROM, to: KPI_TO }));
    expect((await fetch(`${adminUrl}/`)).status).toBe(200);

    // The public ingest port never exposes stored data.
    expect((await fetch(`${service.url}/kpis/dau/count?app=${KPI_APP_ID}`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    expect((await fetch(`${service.url}/apps`)).status).toBe(404);

    // Each admin request is one line, without the token (stdout may arrive after the answers).
    const requestLines = (running: ProxyProcess) => running.logs.filter((l) => l['message'] === 'admin request');
    const running = service;
    await waitFor(() => requestLines(running).length >= 4, 5_000, 'four admin request lines');
    const requests = requestLines(running);
    expect(requests.map((l) => l['status'])).toEqual([401, 401, 200, 200]);
    expect(JSON.stringify(service.logs)).not.toContain(TOKEN);

    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
    await expect(fetch(kpi, { headers: { Authorization: `Bearer ${TOKEN}` } })).rejects.toThrow();
  });

  it('an admin port already in use: one cannot listen line and exit 1', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      const result = await runToExit('service', [], { PORT: '0', HOST: '127.0.0.1', ADMIN_PORT: String(port), DATA_DIR: temp.dir });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('');
      const failures = logLines(result.stdout).filter((l) => l['level'] === 'error');
      expect(failures).toEqual([expect.objectContaining({ message: 'cannot listen', server: 'admin', host: '127.0.0.1', port, error: 'EADDRINUSE' })]);
    } finally {
      taken.close();
    }
  });

  it('ADMIN_PORT=off: no admin server', async () => {
    service = await startProxyProcess({ DATA_DIR: temp.dir, ADMIN_PORT: 'off' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(service.logs.some((l) => l['message'] === 'admin listening')).toBe(false);
  });
});

/**
 * The acceptance path: real legacy clients send a known event set through the ingest port; the
 * admin port's API answers what the published definitions give for those events (the oracle).
 */
describe('KPI API over real ingest (SINK=local, durable, inline delivery)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let proxy: InProcessProxy;
  let events: OracleEvent[];
  const range = { from: parseDay(KPI_FROM) as number, to: parseDay(KPI_TO) as number };

  beforeAll(async () => {
    temp = makeTempDir();
    proxy = await startInProcessProxy({ SINK: 'local', ACK_MODE: 'durable', DATA_DIR: temp.dir, FORWARD_LINGER_MS: '20', ADMIN_PORT: '0' });
    events = await sendKpiTraffic(proxy.url);
    await waitForStoredEvents(temp.dir, distinctEventCount(events));
  });
  afterAll(async () => {
    await proxy?.close();
    temp.remove();
  });

  /** A JSON answer of the admin port, with amounts rounded: sums of prices are floating point. */
  const get = async (path: string): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${proxy.adminUrl as string}${path}`);
    return { status: response.status, body: rounded(await response.json()) };
  };

  it('GET /apps lists both applications', async () => {
    const oracle = createKpiOracle(events);
    const { status, body } = await get('/apps');
    expect(status).toBe(200);
    expect(body).toEqual({
      apps: oracle.apps().map((a) => ({ app: a.appId, firstDay: expect.any(String), lastDay: expect.any(String), events: a.events })),
    });
    expect((body as { apps: Array<{ app: string }> }).apps.map((a) => a.app)).toEqual([KPI_APP_ID, KPI_OTHER_APP_ID]);
  });

  it.each(Object.entries(KPI_PATHS) as Array<[string, { kpi: KpiName }]>)('%s equals the definitions over the sent events', async (path, { kpi }) => {
    const oracle = createKpiOracle(events);
    for (const app of [KPI_APP_ID, KPI_OTHER_APP_ID]) {
      const { status, body } = await get(`${path}?app=${app}&from=${KPI_FROM}&to=${KPI_TO}`);
      expect(status).toBe(200);
      expect(body).toEqual(rounded(answerKpi(oracle, kpi, { app, range })));
    }
  });

  it.each(['level.complete', 'menu.open', '_session.stop', '_monetization.purchase'])('/events/%s/count equals the definitions over the sent events', async (name) => {
    const oracle = createKpiOracle(events);
    const { status, body } = await get(`/events/${encodeURIComponent(name)}/count?app=${KPI_APP_ID}&from=${KPI_FROM}&to=${KPI_TO}`);
    expect(status).toBe(200);
    expect(body).toEqual(rounded(answerEventType(oracle, name, { app: KPI_APP_ID, range })));
  });

  it('the numbers are the traffic\'s: retention, MAU above DAU, revenue in two currencies, the resend counted once', async () => {
    const dau = (await get(`/kpis/dau/count?app=${KPI_APP_ID}&from=${KPI_FROM}&to=${KPI_TO}`)).body as { series: Array<{ value: number }> };
    const mau = (await get(`/kpis/mau/count?app=${KPI_APP_ID}&from=${KPI_FROM}&to=${KPI_TO}`)).body as { series: Array<{ value: number }> };
    expect(mau.series.map((p) => p.value)).not.toEqual(dau.series.map((p) => p.value));
    for (const path of ['day-1-retention', 'day-3-retention', 'day-7-retention', 'week-1-retention']) {
      const body = (await get(`/kpis/${path}/count?app=${KPI_APP_ID}&from=${KPI_FROM}&to=${KPI_TO}`)).body as { series: Array<{ date: string; value: number }> };
      expect(body.series[0]).toEqual({ date: KPI_FROM, value: expect.any(Number) });
      expect(body.series[0]?.value).toBeGreaterThan(0);
    }
    const revenue = (await get(`/kpis/daily-revenue/sum?app=${KPI_APP_ID}&from=${KPI_FROM}&to=${KPI_TO}`)).body as { series: Array<{ currency: string }> };
    expect(new Set(revenue.series.map((p) => p.currency))).toEqual(new Set(['USD', 'EUR']));
    expect(distinctEventCount(events)).toBeLessThan(events.length);
  });
});

/** Numbers rounded to 9 decimals, deep: the store and the oracle may add the same prices in another order. */
function rounded(value: unknown): unknown {
  if (typeof value === 'number') return Math.round(value * 1e9) / 1e9;
  if (Array.isArray(value)) return value.map(rounded);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]));
  return value;
}
