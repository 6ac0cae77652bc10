import { PinpointClient, PutEventsCommand, type Event, type EventsRequest } from '@aws-sdk/client-pinpoint';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import AWS from 'aws-sdk';
import { dayOf, parseDay } from '../../src/kpis/days';
import { answerKpi, KPI_PATHS, type KpiName } from '../../src/kpis/kpi-catalogue';
import { CURRENCY, NO_CURRENCY, PURCHASE, SESSION_STOP } from '../../src/kpis/kpi-event';
import type { LegacyClientContext } from '../../src/legacy/types';
import { startInProcessProxy, type InProcessProxy } from '../support/in-process-proxy';
import { createKpiOracle, type OracleEvent } from '../support/kpi-oracle';
import { waitForStoredEvents } from '../support/kpi-traffic';
import { mobileAnalyticsClient } from '../support/legacy-clients';
import { storedRecords } from '../support/local-store-records';
import { acceptedEventsOf, pinpointOracleEvents } from '../support/pinpoint-record-oracle';
import { makeTempDir } from '../support/temp-dir';

/** The Pinpoint project, and the Mobile Analytics app id `PINPOINT_APP_ID_MAP` sends to it. */
const PROJECT = '2f4e6a8c0b1d3f5a7c9e1b3d5f7a9c0e';
const MA_APP = 'ma-app-legacy-4c1d';
const FROM = '2026-10-12';
const TO = '2026-10-18';

/** A phone still on the Mobile Analytics SDK. */
const LEGACY_ONLY = 'ma-android-0001';
/** An iPhone that ran the Mobile Analytics SDK, then AWSPinpoint, which kept the old id as its endpoint id. */
const UPGRADED = 'D1C2B3A4-9F8E-4D7C-8B6A-5F4E3D2C1B0A';
/** A device that only ever ran a Pinpoint-native SDK. */
const NATIVE_ONLY = 'pp-endpoint-0003';

const MINUTE_MS = 60_000;
const at = (day: number, hour: number, minute = 0): number => Date.parse(`${FROM}T00:00:00.000Z`) + day * 86_400_000 + hour * 3_600_000 + minute * MINUTE_MS;
const iso = (ms: number): string => new Date(ms).toISOString();

/** A legacy session as `AWS.MobileAnalytics.putEvents` sends it: start, an optional purchase or custom event, stop with its duration. */
function legacySession(clientId: string, day: number, hour: number, minutes: number, extra?: 'purchase'): AWS.MobileAnalytics.Event[] {
  const start = at(day, hour);
  const session = { id: `${clientId.slice(0, 8)}-d${day}`, startTimestamp: iso(start) };
  const middle: AWS.MobileAnalytics.Event =
    extra === 'purchase'
      ? { eventType: PURCHASE, timestamp: iso(start + MINUTE_MS), session, version: 'v2.0', attributes: { _product_id: 'gems-100', [CURRENCY]: 'USD' }, metrics: { _item_price: 1.99, _quantity: 1 } }
      : { eventType: 'level.complete', timestamp: iso(start + MINUTE_MS), session, version: 'v2.0', attributes: { level: String(day) }, metrics: { score: 100 + day } };
  return [
    { eventType: '_session.start', timestamp: iso(start), session, version: 'v2.0' },
    middle,
    { eventType: SESSION_STOP, timestamp: iso(start + minutes * MINUTE_MS), session: { ...session, stopTimestamp: iso(start + minutes * MINUTE_MS), duration: minutes * MINUTE_MS }, version: 'v2.0' },
  ];
}

/** The same kind of session as a Pinpoint-native SDK sends it (PutEvents, keyed by the SDK's event ids). */
function nativeSession(endpointId: string, day: number, hour: number, minutes: number, extra?: 'purchase'): Record<string, Event> {
  const start = at(day, hour);
  const session = { Id: `${endpointId.slice(0, 8)}-d${day}`, StartTimestamp: iso(start) };
  const middle: Event =
    extra === 'purchase'
      ? { EventType: PURCHASE, Timestamp: iso(start + MINUTE_MS), Session: session, Attributes: { _product_id: 'gems-500', [CURRENCY]: 'EUR', _store: 'Apple' }, Metrics: { _item_price: 4.99, _quantity: 1 } }
      : { EventType: 'level.complete', Timestamp: iso(start + MINUTE_MS), Session: session, Attributes: { level: String(day) }, Metrics: { score: 200 + day } };
  const stop = start + minutes * MINUTE_MS;
  return {
    [`${endpointId}-d${day}-start`]: { EventType: '_session.start', Timestamp: iso(start), Session: session },
    [`${endpointId}-d${day}-middle`]: middle,
    [`${endpointId}-d${day}-stop`]: { EventType: SESSION_STOP, Timestamp: iso(stop), Session: { ...session, StopTimestamp: iso(stop), Duration: stop - start } },
  };
}

function legacyContext(clientId: string): LegacyClientContext {
  return {
    client: { client_id: clientId, app_title: 'Gems', app_package_name: 'com.example.gems', app_version_name: '1.9', app_version_code: '19' },
    env: { platform: 'android', model: 'Pixel 6', make: 'Google', locale: 'en_US' },
    services: { mobile_analytics: { app_id: MA_APP } },
  };
}

/** The KPI facts of a legacy request, from what was sent: mapped to the project, keyed by device; ids only need to be distinct. */
function legacyOracleEvents(clientId: string, events: readonly AWS.MobileAnalytics.Event[], request: number): OracleEvent[] {
  return events.map((e, index): OracleEvent => {
    const base = { eventId: `legacy-${request}-${index}`, appId: PROJECT, clientId, eventType: e.eventType, day: dayOf(Date.parse(e.timestamp)), metrics: { ...e.metrics } };
    if (e.eventType === PURCHASE) return { ...base, currency: e.attributes?.[CURRENCY] ?? NO_CURRENCY };
    const { startTimestamp, stopTimestamp } = e.session ?? {};
    if (e.eventType === SESSION_STOP && startTimestamp && stopTimestamp) return { ...base, sessionLengthMs: Date.parse(stopTimestamp) - Date.parse(startTimestamp) };
    return base;
  });
}

/** Numbers rounded to 9 decimals, deep: the store and the oracle may add the same prices in another order. */
function rounded(value: unknown): unknown {
  if (typeof value === 'number') return Math.round(value * 1e9) / 1e9;
  if (Array.isArray(value)) return value.map(rounded);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]));
  return value;
}

/**
 * Issue 14's mixed traffic: a real legacy client (aws-sdk v2 `AWS.MobileAnalytics`, its app id
 * mapped to the project) and a Pinpoint-native client (`@aws-sdk/client-pinpoint` v3, the
 * project's id) land in one store, and the admin port's KPIs count them together, as the
 * definitions give them over what was sent (the oracle): an upgraded device is one user across both.
 */
describe('legacy and Pinpoint-native traffic for one project (SINK=local, KPIs on the admin port)', () => {
  let proxy: InProcessProxy;
  let temp: ReturnType<typeof makeTempDir>;
  const sent: OracleEvent[] = [];
  const range = { from: parseDay(FROM) as number, to: parseDay(TO) as number };

  beforeAll(async () => {
    temp = makeTempDir();
    proxy = await startInProcessProxy({ SINK: 'local', DATA_DIR: temp.dir, FORWARD_LINGER_MS: '20', ADMIN_PORT: '0', PINPOINT_APP_ID_MAP: `${MA_APP}=${PROJECT}` });

    const legacy = mobileAnalyticsClient(AWS, proxy.url);
    const legacyRequests: Array<[string, AWS.MobileAnalytics.Event[]]> = [
      [LEGACY_ONLY, legacySession(LEGACY_ONLY, 0, 9, 12, 'purchase')],
      [LEGACY_ONLY, legacySession(LEGACY_ONLY, 2, 19, 5)],
      [UPGRADED, legacySession(UPGRADED, 0, 21, 30)],
    ];
    for (const [index, [clientId, events]] of legacyRequests.entries()) {
      const result = await legacy.putEvents({ events, clientContext: JSON.stringify(legacyContext(clientId)) }).promise();
      expect(result.$response.httpResponse.statusCode).toBe(202);
      sent.push(...legacyOracleEvents(clientId, events, index));
    }

    const native = new PinpointClient({ endpoint: proxy.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDMIXEDEXAMPLE', secretAccessKey: 'mixed-secret' }, maxAttempts: 1, requestHandler: new NodeHttpHandler() });
    const request: EventsRequest = {
      BatchItem: {
        [UPGRADED]: { Endpoint: { Demographic: { Platform: 'iOS', Make: 'apple' } }, Events: { ...nativeSession(UPGRADED, 1, 8, 20, 'purchase'), ...nativeSession(UPGRADED, 3, 8, 7) } },
        [NATIVE_ONLY]: { Endpoint: { Demographic: { Platform: 'iOS' } }, Events: { ...nativeSession(NATIVE_ONLY, 1, 12, 3), ...nativeSession(NATIVE_ONLY, 2, 13, 40, 'purchase') } },
      },
    };
    const answer = await native.send(new PutEventsCommand({ ApplicationId: PROJECT, EventsRequest: request }));
    native.destroy();
    const statuses = Object.values(answer.EventsResponse?.Results ?? {}).flatMap((r) => Object.values(r.EventsItemResponse ?? {}).map((e) => e.Message));
    expect(statuses).toEqual(Array.from({ length: 12 }, () => 'Accepted'));
    sent.push(...pinpointOracleEvents(acceptedEventsOf(PROJECT, request)));

    await waitForStoredEvents(temp.dir, sent.length);
  });
  afterAll(async () => {
    await proxy?.close();
    temp.remove();
  });

  const get = async (path: string): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${proxy.adminUrl as string}${path}`);
    return { status: response.status, body: rounded(await response.json()) };
  };

  it('stores both kinds of events under the project, the legacy ones under their mapped id', () => {
    const records = storedRecords(temp.dir);
    expect(records).toHaveLength(sent.length);
    expect(new Set(records.map((r) => r.application.app_id))).toEqual(new Set([PROJECT]));
    const clientsWithEndpoint = new Set(records.filter((r) => r.endpoint !== undefined).map((r) => r.client.client_id));
    expect(clientsWithEndpoint).toEqual(new Set([UPGRADED, NATIVE_ONLY]));
  });

  it.each(Object.entries(KPI_PATHS) as Array<[string, { kpi: KpiName }]>)('%s counts both kinds together, as the definitions give it', async (path, { kpi }) => {
    const { status, body } = await get(`${path}?app=${PROJECT}&from=${FROM}&to=${TO}`);
    expect(status).toBe(200);
    expect(body).toEqual(rounded(answerKpi(createKpiOracle(sent), kpi, { app: PROJECT, range })));
  });

  it('is one user across both: the upgraded device, active on day 0 (legacy) and day 1 (Pinpoint), is day 0\'s only day-1 retention', async () => {
    const dau = (await get(`/kpis/dau/count?app=${PROJECT}&from=${FROM}&to=${FROM}`)).body as { series: Array<{ value: number }> };
    expect(dau.series.map((p) => p.value)).toEqual([2]);
    const retention = (await get(`/kpis/day-1-retention/count?app=${PROJECT}&from=${FROM}&to=${FROM}`)).body as { series: Array<{ value: number }> };
    expect(retention.series.map((p) => p.value)).toEqual([1]);
    const lifetime = (await get(`/kpis/new-users/lifetime-count?app=${PROJECT}&from=${FROM}&to=${TO}`)).body as { value: number };
    expect(lifetime.value).toBe(3);
    const revenue = (await get(`/kpis/daily-revenue/sum?app=${PROJECT}&from=${FROM}&to=${TO}`)).body as { series: Array<{ currency: string }> };
    expect(new Set(revenue.series.map((p) => p.currency))).toEqual(new Set(['USD', 'EUR']));
  });
});
