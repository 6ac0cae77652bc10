import { statSync } from 'node:fs';
import { join } from 'node:path';
import { formatDay, type DayRange } from '../src/kpis/days';
import { answerEventType, answerKpi, KPI_PATHS, parseKpiQuery, type KpiName, type KpiQuery, type RankingAnswer } from '../src/kpis/kpi-catalogue';
import { PURCHASE, SESSION_START } from '../src/kpis/kpi-event';
import type { KpiQueries } from '../src/kpis/kpi-queries';
import { openEventStore } from '../src/local-store/event-store';
import { openSqliteKpiQueries } from '../src/local-store/sqlite-kpi-queries';
import { createLocalSink } from '../src/sinks/local-sink';
import { inBatches, timedDelivery, yieldToEventLoop } from './kpi-batches';
import { loadDashboard, startAdminServer } from './kpi-dashboard-load';
import { timeCalls, type Timing } from './kpi-timing';
import { generateKpiTraffic, KPI_TRAFFIC_APPS, kpiTrafficDevices } from './kpi-traffic';
import type { KpiPlan } from './plan';
import { median } from './report';
import { removeStoreFiles } from './store-files';

/** The store the KPIs were timed on, and how fast it was built. */
export interface KpiStoreBuild {
  events: number;
  devices: number;
  days: number;
  /** `_session.start` events' share of all events. */
  sessionStartShare: number;
  purchases: number;
  /** Wall time of the build: generating the traffic and delivering it. */
  seconds: number;
  eventsPerSecond: number;
  /** Time inside the local sink's `deliver` only, and the rate that makes. */
  deliverSeconds: number;
  deliverEventsPerSecond: number;
  fileBytes: number;
}

/** The KPI timings over a large store. */
export interface KpiVolumeResult {
  build: KpiStoreBuild;
  app: string;
  from: string;
  to: string;
  repeats: number;
  kpis: Array<{ path: string; kpi: KpiName } & Timing>;
  customEvents: Array<{ name: string } & Timing>;
  /** The dashboard's first load through the admin HTTP app over loopback. */
  dashboard: { requests: number } & Timing;
  /** A few of the answers, to show the store looks like an app's: users, median DAU and MAU over the range, currencies with revenue. */
  answers: { lifetimeUsers: number; medianDau: number; medianMau: number; currencies: string[] };
}

/** The few answers the report shows, from the KPIs just timed. */
function sampleAnswers(queries: KpiQueries, query: KpiQuery): KpiVolumeResult['answers'] {
  const series = (kpi: KpiName): number[] => {
    const answer = answerKpi(queries, kpi, query);
    return 'series' in answer ? answer.series.map((point) => point.value) : [];
  };
  const lifetime = answerKpi(queries, 'new-users-lifetime', query);
  const revenue = answerKpi(queries, 'daily-revenue', query);
  return {
    lifetimeUsers: 'value' in lifetime ? lifetime.value : 0,
    medianDau: median(series('dau')) ?? 0,
    medianMau: median(series('mau')) ?? 0,
    currencies: 'series' in revenue ? [...new Set(revenue.series.map((point) => point.currency ?? ''))].sort() : [],
  };
}

/**
 * Builds the store through the local sink with its roll-ups (the service's own insert path:
 * record JSON, KPI facts, insert and roll-ups in one transaction per 1 000 events), streaming
 * the traffic so that only a day of sessions and one batch are held at a time.
 */
async function buildStore(plan: KpiPlan, file: string, lastDay: number, log: (line: string) => void): Promise<KpiStoreBuild> {
  const sink = createLocalSink(openEventStore(file));
  const traffic = generateKpiTraffic({ events: plan.events, lastDay, days: plan.days, seed: 7 });
  const started = performance.now();
  let deliverMs = 0;
  let events = 0;
  let sessionStarts = 0;
  let purchases = 0;
  let nextReport = plan.events / 5;
  try {
    for (const batch of inBatches(traffic, sink.maxBatchEvents)) {
      for (const { event } of batch) {
        if (event.EventType === SESSION_START) sessionStarts += 1;
        else if (event.EventType === PURCHASE) purchases += 1;
      }
      deliverMs += (await timedDelivery(sink, batch)).ms;
      events += batch.length;
      if (events >= nextReport) {
        log(`    ${events.toLocaleString('en-US')} events stored, ${Math.round(events / ((performance.now() - started) / 1000)).toLocaleString('en-US')} events/s so far`);
        nextReport += plan.events / 5;
      }
      if (events % 100_000 < batch.length) await yieldToEventLoop();
    }
  } finally {
    await sink.close();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    events,
    devices: kpiTrafficDevices(plan.events),
    days: plan.days,
    sessionStartShare: sessionStarts / Math.max(1, events),
    purchases,
    seconds,
    eventsPerSecond: events / seconds,
    deliverSeconds: deliverMs / 1000,
    deliverEventsPerSecond: events / (deliverMs / 1000),
    fileBytes: statSync(file).size,
  };
}

/**
 * The "fast at volume" measurement: a store of `plan.events` events (5 million by default, about
 * 50 000 devices over 90 days) built through the real insert path, then every KPI path over the
 * last 90 days through `answerKpi`, `/events/{name}/count` of each top custom event through
 * `answerEventType`, and the dashboard's first load through the admin HTTP app. Each is timed
 * cold (the first call on a connection just opened) and as the median of `plan.repeats` more.
 * The file was just written, so the OS page cache is warm either way; "cold" is SQLite's.
 */
export async function measureKpisAtVolume(plan: KpiPlan, dir: string, lastDay: number, log: (line: string) => void): Promise<KpiVolumeResult> {
  const file = join(dir, 'events.db');
  try {
    log(`  building a store of ${plan.events.toLocaleString('en-US')} events (${plan.days} days) through the local sink with roll-ups:`);
    const build = await buildStore(plan, file, lastDay, log);
    log(`    built: ${build.events.toLocaleString('en-US')} events in ${build.seconds.toFixed(0)} s (${Math.round(build.eventsPerSecond).toLocaleString('en-US')} events/s)`);
    const app = KPI_TRAFFIC_APPS.main;
    const range: DayRange = { from: lastDay - plan.days + 1, to: lastDay };
    const query = parseKpiQuery({ app, from: formatDay(range.from), to: formatDay(range.to) }, lastDay);

    const queries = openSqliteKpiQueries(file);
    const kpis: KpiVolumeResult['kpis'] = [];
    const customEvents: KpiVolumeResult['customEvents'] = [];
    let answers: KpiVolumeResult['answers'];
    try {
      for (const [path, { kpi }] of Object.entries(KPI_PATHS)) kpis.push({ path, kpi, ...(await timeCalls(() => answerKpi(queries, kpi, query), plan.repeats)) });
      const top = answerKpi(queries, 'top-custom-events', query) as RankingAnswer;
      for (const { name } of top.events) customEvents.push({ name, ...(await timeCalls(() => answerEventType(queries, name, query), plan.repeats)) });
      answers = sampleAnswers(queries, query);
    } finally {
      queries.close();
    }

    // Its own connection, opened just before, as at the service's start.
    const dashboardQueries = openSqliteKpiQueries(file);
    const server = await startAdminServer(dashboardQueries, lastDay);
    let requests = 0;
    let dashboard: Timing;
    try {
      dashboard = await timeCalls(async () => {
        requests = await loadDashboard(server.url, app, range);
      }, plan.repeats);
    } finally {
      await server.close();
      dashboardQueries.close();
    }
    return { build, app, from: formatDay(range.from), to: formatDay(range.to), repeats: plan.repeats, kpis, customEvents, dashboard: { requests, ...dashboard }, answers };
  } finally {
    removeStoreFiles(file);
  }
}
