import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DASHBOARD_CSP } from '../../src/http/dashboard-routes';
import { formatDay, parseDay } from '../../src/kpis/days';
import type { MetricAggregate } from '../../src/kpis/kpi-queries';
import type { RankingAnswer, SeriesAnswer, SeriesPoint, ValueAnswer } from '../../src/kpis/kpi-catalogue';
import { startInProcessProxy, type InProcessProxy } from '../support/in-process-proxy';
import { distinctEventCount, KPI_APP_ID, KPI_FROM, KPI_TO, sendKpiTraffic, waitForStoredEvents } from '../support/kpi-traffic';
import { waitFor } from '../support/legacy-sender';
import { makeTempDir } from '../support/temp-dir';

/** The Debian package's Chromium: playwright-core drives it and brings no browser of its own. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');
const TOKEN = 'dashboard-e2e-token-0123456789';
const QUERY = { app: KPI_APP_ID, from: KPI_FROM, to: KPI_TO };

/** The page formats numbers in the browser's locale; the context is en-US, so these are what it shows. */
const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const DECIMAL = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const PERCENT = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });
const money = (amount: number, currency: string) => new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount);

/** What a page session saw besides the page: console errors, uncaught errors, requests to other origins. */
interface Watch {
  consoleErrors: string[];
  pageErrors: string[];
  foreignRequests: string[];
}

function watch(page: Page, origin: string): Watch {
  const seen: Watch = { consoleErrors: [], pageErrors: [], foreignRequests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') seen.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => seen.pageErrors.push(error.message));
  page.on('request', (request) => {
    if (new URL(request.url()).origin !== origin) seen.foreignRequests.push(request.url());
  });
  return seen;
}

/**
 * Waits until the page shows `query` and no load is running (picking an app and dates starts a
 * load per change; the last one wins). Locators, not `waitForFunction`: the page's CSP forbids eval.
 */
async function shown(page: Page, query: Record<string, string>): Promise<void> {
  await page.locator(`#report[data-query="${new URLSearchParams(query).toString()}"]:not([hidden])`).waitFor({ timeout: 15_000 });
  await page.locator('#query:not([aria-busy])').waitFor({ timeout: 15_000 });
}

const text = async (page: Page, selector: string) => ((await page.locator(selector).textContent()) ?? '').trim();

describe('the dashboard in headless Chromium, against the service filled through real ingest', () => {
  let data: ReturnType<typeof makeTempDir>;
  let proxy: InProcessProxy;
  let adminUrl: string;
  let browser: Browser;
  let context: BrowserContext | undefined;

  /** The admin API's answer for the same query the page shows. */
  const api = async <T = SeriesAnswer>(apiPath: string): Promise<T> => {
    const response = await fetch(`${adminUrl}/${apiPath}?${new URLSearchParams(QUERY).toString()}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install the Debian package chromium; .ci/run does`);
    data = makeTempDir();
    proxy = await startInProcessProxy({ ACK_MODE: 'durable', SINK: 'local', DATA_DIR: data.dir, FORWARD_LINGER_MS: '10', ADMIN_PORT: '0', ADMIN_TOKEN: TOKEN });
    if (proxy.adminUrl === undefined) throw new Error('the in-process proxy started no admin port');
    adminUrl = proxy.adminUrl;
    const events = await sendKpiTraffic(proxy.url);
    await waitForStoredEvents(data.dir, distinctEventCount(events));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    data?.remove();
  });

  /** A page in a fresh context (no token kept from another test), en-US so the numbers' format is known. */
  const newPage = async (): Promise<Page> => {
    context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1280, height: 900 } });
    return context.newPage();
  };

  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  test('asks for the token, then shows exactly the numbers the API answers, from its own origin only', async () => {
    const page = await newPage();
    const seen = watch(page, new URL(adminUrl).origin);

    const response = await page.goto(`${adminUrl}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(response?.headers()['x-content-type-options']).toBe('nosniff');

    // No token yet: the API answers 401 and the page asks for one (Chromium logs the refused call).
    await page.locator('#token').waitFor({ state: 'visible' });
    expect(seen.consoleErrors).toEqual([expect.stringContaining('401')]);
    seen.consoleErrors.length = 0;
    await page.fill('#token-input', TOKEN);
    await page.click('#token-form button[type="submit"]');

    // The app's data ended long before today: the page opens on the 30 days ending on its last day.
    const opening = { app: KPI_APP_ID, from: formatDay((parseDay(KPI_TO) as number) - 29), to: KPI_TO };
    await shown(page, opening);
    expect(await page.inputValue('#from')).toBe(opening.from);

    await page.selectOption('#app', KPI_APP_ID);
    await page.fill('#from', KPI_FROM);
    await page.fill('#to', KPI_TO);
    await page.click('#query button[type="submit"]');
    await shown(page, QUERY);

    // Headline tiles.
    const last = (series: SeriesPoint[]) => series[series.length - 1] as SeriesPoint;
    const total = (series: SeriesPoint[]) => series.reduce((sum, p) => sum + p.value, 0);
    const lifetime = await api<ValueAnswer>('kpis/new-users/lifetime-count');
    const dau = await api('kpis/dau/count');
    const mau = await api('kpis/mau/count');
    const sticky = await api('kpis/sticky-factor/ratio');
    const newUsers = await api('kpis/new-users/count');
    const sessions = await api('kpis/sessions/count');
    const revenue = await api('kpis/daily-revenue/sum');
    expect(lifetime.value).toBeGreaterThan(0);
    expect(await text(page, '[data-kpi="new-users-lifetime"]')).toBe(COUNT.format(lifetime.value));
    expect(await text(page, '[data-kpi="dau"]')).toBe(COUNT.format(last(dau.series).value));
    expect(await text(page, '[data-kpi="mau"]')).toBe(COUNT.format(last(mau.series).value));
    expect(await text(page, '[data-kpi="sticky-factor"]')).toBe(PERCENT.format(last(sticky.series).value));
    expect(await text(page, '[data-kpi="new-users"]')).toBe(COUNT.format(total(newUsers.series)));
    expect(await text(page, '[data-kpi="sessions"]')).toBe(COUNT.format(total(sessions.series)));
    const revenueByCurrency = new Map<string, number>();
    for (const p of revenue.series) revenueByCurrency.set(p.currency ?? '', (revenueByCurrency.get(p.currency ?? '') ?? 0) + p.value);
    expect(revenueByCurrency.size).toBeGreaterThan(1);
    expect(await page.locator('[data-kpi="daily-revenue"] [data-currency]').count()).toBe(revenueByCurrency.size);
    for (const [currency, amount] of revenueByCurrency) {
      expect(await text(page, `[data-kpi="daily-revenue"] [data-currency="${currency}"]`)).toBe(money(amount, currency));
    }

    // Retention: a row per cohort day with active users, each cell the API's count and its share of that day's DAU.
    const columns = { day1: 'day-1', day3: 'day-3', day5: 'day-5', day7: 'day-7', week1: 'week-1', week2: 'week-2', week3: 'week-3' };
    const cohorts = dau.series.filter((p) => p.value > 0);
    expect(await page.locator('#retention tr[data-cohort]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-cohort')))).toEqual(cohorts.map((p) => p.date));
    let retainedSomewhere = 0;
    for (const [key, name] of Object.entries(columns)) {
      const retention = (await api(`kpis/${name}-retention/count`)).series;
      for (const cohort of cohorts) {
        const retained = (retention.find((p) => p.date === cohort.date) as SeriesPoint).value;
        retainedSomewhere += retained;
        const cell = `#retention tr[data-cohort="${cohort.date}"] td[data-column="${key}"]`;
        expect(await text(page, `${cell} [data-kpi="retained"]`)).toBe(COUNT.format(retained));
        expect(await text(page, `${cell} [data-kpi="retained-share"]`)).toBe(PERCENT.format(retained / cohort.value));
      }
    }
    expect(retainedSomewhere).toBeGreaterThan(0);

    // Top custom events, in the ranking's order, with each metric's sum, min and max over the range.
    const top = await api<RankingAnswer>('kpis/top-custom-events/count');
    expect(top.events.length).toBeGreaterThan(0);
    expect(await page.locator('#events tbody[data-event]').evaluateAll((bodies) => bodies.map((b) => b.getAttribute('data-event')))).toEqual(
      top.events.map((e) => e.name),
    );
    for (const event of top.events) {
      const body = `#events tbody[data-event="${event.name}"]`;
      expect(await text(page, `${body} [data-kpi="event-count"]`)).toBe(COUNT.format(event.count));
      const daily = (await api(`events/${encodeURIComponent(event.name)}/count`)).series;
      const metrics = new Map<string, MetricAggregate>();
      for (const point of daily) {
        for (const [name, m] of Object.entries(point.metrics ?? {})) {
          const known = metrics.get(name);
          metrics.set(name, known ? { sum: known.sum + m.sum, min: Math.min(known.min, m.min), max: Math.max(known.max, m.max) } : m);
        }
      }
      expect(await page.locator(`${body} [data-kpi="metric"]`).allTextContents()).toEqual([...metrics.keys()].sort());
      for (const [name, m] of metrics) {
        for (const aggregate of ['sum', 'min', 'max'] as const) {
          expect(await text(page, `${body} [data-metric="${name}"][data-kpi="metric-${aggregate}"]`)).toBe(DECIMAL.format(m[aggregate]));
        }
      }
    }

    // Every chart drew.
    for (const canvas of await page.locator('canvas').all()) expect(await canvas.getAttribute('aria-label')).toBeTruthy();
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard.png'), fullPage: true });

    // At a phone's width nothing but the tables' own scroll boxes is wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await waitFor(async () => (await page.locator('html').evaluate((html) => html.scrollWidth)) <= 390, 5_000, 'a page no wider than 390 px');
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-390.png'), fullPage: true });

    expect(seen.consoleErrors).toEqual([]);
    expect(seen.pageErrors).toEqual([]);
    expect(seen.foreignRequests).toEqual([]);
    expect(await page.locator('#errors').isHidden()).toBe(true);
  });

  test('a refused query is shown in the page, not a blank one', async () => {
    const page = await newPage();
    const seen = watch(page, new URL(adminUrl).origin);
    await page.goto(`${adminUrl}/?app=${KPI_APP_ID}&from=${KPI_TO}&to=${KPI_FROM}`);
    await page.locator('#token-input').fill(TOKEN);
    await page.click('#token-form button[type="submit"]');
    await page.locator('#errors').waitFor({ state: 'visible' });
    expect(await text(page, '#errors')).toContain(`from (${KPI_TO}) is after to (${KPI_FROM})`);
    expect(await page.locator('#report').isHidden()).toBe(true);
    expect(seen.pageErrors).toEqual([]);
    expect(seen.foreignRequests).toEqual([]);
  });
});
