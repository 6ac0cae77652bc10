import path from 'node:path';
import type { Event, EventsRequest, PublicEndpoint } from '@aws-sdk/client-pinpoint';
import { dayOf, formatDay } from '../../src/kpis/days';
import { answerEventType, answerKpi, KPI_NAMES, type KpiName, type RankingAnswer, type SeriesAnswer, type ValueAnswer } from '../../src/kpis/kpi-catalogue';
import { kpiEventFromRecord, PURCHASE, SESSION_START, SESSION_STOP } from '../../src/kpis/kpi-event';
import type { KpiQueries } from '../../src/kpis/kpi-queries';
import type { ClientSdk, LegacyClientContext, LegacyEvent } from '../../src/legacy/types';
import { openEventStore } from '../../src/local-store/event-store';
import { openSqliteKpiQueries } from '../../src/local-store/sqlite-kpi-queries';
import type { EventEnvelope } from '../../src/mapping/event-envelope';
import { createEventStreamSerializer } from '../../src/mapping/event-stream-json';
import type { EventStreamRecord } from '../../src/mapping/event-stream-record';
import { mapLegacyRequest, type LegacyRequest } from '../../src/mapping/map-legacy-request';
import { mapPinpointRequest, type PinpointEventsInput } from '../../src/mapping/map-pinpoint-request';
import { createLocalSink } from '../../src/sinks/local-sink';
import { decodePayload, pinpointRequestRow, requestRow } from '../../src/spool/spool-payload';
import { createKpiOracle, type OracleEvent } from '../support/kpi-oracle';
import { makeTempDir } from '../support/temp-dir';

/** The Pinpoint project, and the Mobile Analytics app id that `PINPOINT_APP_ID_MAP` sends to it. */
const PROJECT = '5d41402abc4b2a76b9719d911017c592';
const MA_APP = 'ma-app-7e2f9c1d';
const APP_ID_MAP = new Map([[MA_APP, PROJECT]]);
const OTHER_PROJECT = '7d793037a0760186574b0282f2f435e7';

/** Day 0 of the traffic: 2026-11-01. */
const D = dayOf(Date.parse('2026-11-01T00:00:00.000Z'));
const RANGE = { from: D, to: D + 8 };
const MINUTE_MS = 60_000;
const RECEIVED_AT = Date.parse('2026-11-10T00:00:00.000Z');

/** The iPhone that ran the Mobile Analytics SDK, then AWSPinpoint, which took the old UniqueId over as its endpoint id. */
const UPGRADED = 'B4C3D2E1-F0A9-4B8C-9D7E-6F5A4B3C2D1E';
/** An Android phone still on the Mobile Analytics SDK. */
const LEGACY_ONLY = 'android-ma-0001';
/** A browser with Amplify JS. */
const AMPLIFY = 'a7c1e9f3-5b2d-4f8a-9c6e-0d4b2f8a6c1e';
/** An Android phone with PinpointManager. */
const MANAGER = 'e3d2c1b0-a9f8-4e7d-8c6b-5a4f3e2d1c0b';
/** A backend that sends order events with the AWS CLI, never a session. */
const BACKEND = 'order-endpoint-1';

const iso = (ms: number): string => new Date(ms).toISOString();
const at = (day: number, hour: number, minute = 0): number => (D + day) * 86_400_000 + hour * 3_600_000 + minute * MINUTE_MS;

/** What happens a minute into a session: a purchase or a custom event. */
type Extra = { purchase: { attributes: Record<string, string>; metrics: Record<string, number> } } | { custom: string; metrics: Record<string, number> };

const applePurchase = (price: number): Extra => ({
  purchase: {
    attributes: { _product_id: 'com.example.gems', _store: 'Apple', _item_price_formatted: `$${price}`, _currency: 'USD', _transaction_id: `t-${price}` },
    metrics: { _quantity: 1, _item_price: price },
  },
});

function legacySdk(kind: 'ios' | 'android'): ClientSdk {
  return kind === 'ios' ? { kind, name: 'aws-sdk-iOS', version: '2.6.5' } : { kind, name: 'aws-sdk-android', version: '2.6.20' };
}

function legacyContext(kind: 'ios' | 'android', clientId: string, appId: string): LegacyClientContext {
  return {
    client: { client_id: clientId, app_title: 'Gems', app_package_name: 'com.example.gems', app_version_name: '1.0', app_version_code: '10' },
    env: kind === 'ios' ? { platform: 'iPhoneOS', model: 'iPhone', make: 'apple', locale: 'en_US' } : { platform: 'ANDROID', model: 'Pixel 3', make: 'Google', locale: 'en_US' },
    services: { mobile_analytics: { app_id: appId } },
  };
}

/** A Mobile Analytics SDK's request: one session of `minutes` on `day` from `hour`, its extras a minute apart. */
function legacySession(kind: 'ios' | 'android', clientId: string, appId: string, day: number, hour: number, minutes: number, extras: Extra[] = []): LegacyRequest {
  const start = at(day, hour);
  const session = { id: `${clientId.slice(0, 8)}-${formatDay(D + day).replaceAll('-', '')}-${hour}`, startTimestamp: iso(start) };
  const stop = start + minutes * MINUTE_MS;
  const middle = extras.map((extra, i): LegacyEvent => {
    const timestamp = iso(start + (i + 1) * MINUTE_MS);
    return 'purchase' in extra
      ? { eventType: PURCHASE, timestamp, version: 'v2.0', session, ...extra.purchase }
      : { eventType: extra.custom, timestamp, version: 'v2.0', session, attributes: {}, metrics: extra.metrics };
  });
  return {
    clientContext: legacyContext(kind, clientId, appId),
    sdk: legacySdk(kind),
    receivedAt: RECEIVED_AT,
    body: {
      events: [
        { eventType: SESSION_START, timestamp: iso(start), version: 'v2.0', session },
        ...middle,
        { eventType: SESSION_STOP, timestamp: iso(stop), version: 'v2.0', session: { ...session, stopTimestamp: iso(stop), duration: stop - start } },
      ],
    },
  };
}

/** How each Pinpoint-native client shapes its batch: the Endpoint it sends and the fields it puts on every event. */
const STYLES = {
  // AWSPinpoint: the whole profile in every batch, app fields on every event, a Duration on every session.
  awsPinpointIos: {
    endpoint: { ChannelType: 'APNS', OptOut: 'ALL', EffectiveDate: '2026-11-01T08:00:00.000Z', Demographic: { Make: 'apple', Model: 'iPhone', Platform: 'ios', Locale: 'en_US' } },
    fields: { AppPackageName: 'com.example.gems', AppTitle: 'Gems', AppVersionCode: '2.0', SdkName: 'aws-sdk-iOS', ClientSdkVersion: '2.33.0' },
  },
  pinpointManager: {
    endpoint: { ChannelType: 'GCM', EndpointStatus: 'ACTIVE', OptOut: 'NONE', Demographic: { Make: 'Google', Model: 'Pixel 8', Platform: 'ANDROID' } },
    fields: { AppPackageName: 'com.example.gems', AppTitle: 'Gems', AppVersionCode: '20', SdkName: 'aws-sdk-android', ClientSdkVersion: '2.75.0' },
  },
  // Amplify JS: an empty Endpoint (UpdateEndpoint sent the profile), events with only their own fields.
  amplifyJs: { endpoint: {}, fields: {} },
} satisfies Record<string, { endpoint: PublicEndpoint; fields: Partial<Event> }>;

/** A Pinpoint-native client's PutEvents: one session of `minutes` on `day` from `hour`, extras a minute apart. */
function pinpointSession(style: keyof typeof STYLES, endpointId: string, day: number, hour: number, minutes: number, extras: Extra[] = [], applicationId = PROJECT): PinpointEventsInput {
  const { endpoint, fields } = STYLES[style];
  const start = at(day, hour);
  const stop = start + minutes * MINUTE_MS;
  const session = { Id: `${endpointId.slice(0, 8)}-${formatDay(D + day).replaceAll('-', '')}-${hour}`, StartTimestamp: iso(start) };
  const events: Event[] = [
    { ...fields, EventType: SESSION_START, Timestamp: iso(start), Session: session },
    ...extras.map((extra, i): Event => {
      const timestamp = iso(start + (i + 1) * MINUTE_MS);
      return 'purchase' in extra
        ? { ...fields, EventType: PURCHASE, Timestamp: timestamp, Attributes: extra.purchase.attributes, Metrics: extra.purchase.metrics, Session: session }
        : { ...fields, EventType: extra.custom, Timestamp: timestamp, Attributes: {}, Metrics: extra.metrics, Session: session };
    }),
    { ...fields, EventType: SESSION_STOP, Timestamp: iso(stop), Session: { ...session, StopTimestamp: iso(stop), Duration: stop - start } },
  ];
  const request: EventsRequest = {
    BatchItem: { [endpointId]: { Endpoint: endpoint, Events: Object.fromEntries(events.map((event, i) => [`${endpointId}-${day}-${hour}-${i}`, event])) } },
  };
  return { applicationId, request, receivedAt: RECEIVED_AT };
}

const backendOrder: PinpointEventsInput = {
  applicationId: PROJECT,
  receivedAt: RECEIVED_AT,
  request: {
    BatchItem: {
      [BACKEND]: { Endpoint: { ChannelType: 'CUSTOM', Address: 'orders' }, Events: { 'order-1001': { EventType: 'backend.order_shipped', Timestamp: iso(at(2, 11)), Metrics: { items: 3 } } } },
    },
  },
};

const amplifyDay1 = pinpointSession('amplifyJs', AMPLIFY, 1, 20, 2, [{ custom: 'addToCart', metrics: { price: 12.5 } }]);
const upgradedDay0 = legacySession('ios', UPGRADED, MA_APP, 0, 9, 10);

/**
 * The traffic of one project, in sending order (not by time), through both ingests: the upgraded
 * iPhone's Mobile Analytics sessions on days 0 and 1 (a 0.99 purchase on day 1), then, after the
 * update that afternoon, its AWSPinpoint sessions on days 1 and 3 (a 1.99 purchase on day 3); a
 * phone on the legacy SDK (days 0 and 7, its app id sent as the project id, unmapped); a browser
 * with Amplify JS (days 1 and 2); a PinpointManager phone (days 2 and 8, a Google Play purchase
 * with only a formatted price on day 2); a backend's order event on day 2, no session. Amplify's
 * day-1 request and the iPhone's day-0 request arrive twice (a client's resend). The browser's
 * endpoint id also sends a session to another project, which must stay out of this one.
 */
const TRAFFIC: Array<{ legacy: LegacyRequest } | { pinpoint: PinpointEventsInput }> = [
  { pinpoint: pinpointSession('awsPinpointIos', UPGRADED, 3, 12, 30, [applePurchase(1.99)]) },
  { legacy: upgradedDay0 },
  { pinpoint: amplifyDay1 },
  { legacy: legacySession('ios', UPGRADED, MA_APP, 1, 9, 5, [applePurchase(0.99)]) },
  { pinpoint: pinpointSession('awsPinpointIos', UPGRADED, 1, 15, 20) },
  { legacy: legacySession('android', LEGACY_ONLY, PROJECT, 7, 18, 6) },
  { pinpoint: backendOrder },
  { legacy: legacySession('android', LEGACY_ONLY, PROJECT, 0, 18, 4) },
  {
    pinpoint: pinpointSession('pinpointManager', MANAGER, 2, 10, 1, [
      { purchase: { attributes: { _product_id: 'gems_100', _store: 'Google Play', _item_price_formatted: '$4.99', _transaction_id: 'GPA.1' }, metrics: { _quantity: 1 } } },
    ]),
  },
  { pinpoint: pinpointSession('amplifyJs', AMPLIFY, 2, 8, 8) },
  { pinpoint: amplifyDay1 },
  { pinpoint: pinpointSession('pinpointManager', MANAGER, 8, 7, 3) },
  { legacy: upgradedDay0 },
  { pinpoint: pinpointSession('amplifyJs', AMPLIFY, 1, 21, 4, [], OTHER_PROJECT) },
];

/** The events of one request as the delivery side gets them: its spool row decoded, then mapped. */
function deliveredEnvelopes(entry: (typeof TRAFFIC)[number]): EventEnvelope[] {
  if ('legacy' in entry) {
    const { clientContext, body } = entry.legacy;
    const stored = decodePayload(requestRow({ ...entry.legacy, clientContextJson: JSON.stringify(clientContext), bodyJson: JSON.stringify(body) }).payload);
    if (stored.kind !== 'legacy-request') throw new Error(`a legacy request decoded as ${stored.kind}`);
    return mapLegacyRequest(stored.request, APP_ID_MAP).envelopes;
  }
  const stored = decodePayload(pinpointRequestRow(entry.pinpoint).payload);
  if (stored.kind !== 'pinpoint-request') throw new Error(`a Pinpoint request decoded as ${stored.kind}`);
  return mapPinpointRequest(stored.input);
}

/** Every answer the API gives for the project and the other one, side by side. */
function everyAnswer(queries: KpiQueries): unknown {
  return {
    apps: queries.apps(),
    ...Object.fromEntries(
      [PROJECT, OTHER_PROJECT].map((app) => [
        app,
        {
          kpis: KPI_NAMES.map((kpi) => answerKpi(queries, kpi, { app, range: RANGE })),
          events: ['addToCart', 'backend.order_shipped', PURCHASE, SESSION_STOP].map((type) => answerEventType(queries, type, { app, range: RANGE })),
        },
      ]),
    ),
  };
}

describe('one project’s KPIs from legacy and Pinpoint-native traffic together', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let sqlite: KpiQueries & { close(): void };
  let oracleEvents: OracleEvent[];

  beforeAll(async () => {
    temp = makeTempDir('pinpoint-kpis-');
    const file = path.join(temp.dir, 'events.db');
    const sink = createLocalSink(openEventStore(file));
    const toRecordJson = createEventStreamSerializer();
    oracleEvents = [];
    for (const entry of TRAFFIC) {
      const envelopes = deliveredEnvelopes(entry);
      expect(await sink.deliver(envelopes)).toEqual({ rejected: [], failed: [] });
      // The oracle reads each event's record, as an import of the stream would.
      for (const envelope of envelopes) oracleEvents.push({ ...kpiEventFromRecord(JSON.parse(toRecordJson(envelope)) as EventStreamRecord), eventId: envelope.eventId });
    }
    await sink.close();
    sqlite = openSqliteKpiQueries(file);
  });
  afterAll(() => {
    sqlite.close();
    temp.remove();
  });

  const series = (kpi: KpiName): number[] => (answerKpi(sqlite, kpi, { app: PROJECT, range: RANGE }) as SeriesAnswer).series.map((point) => point.value);

  it('maps both kinds into the same project, under the device ids they were sent with', () => {
    const projectClients = new Set(oracleEvents.filter((e) => e.appId === PROJECT).map((e) => e.clientId));
    expect([...projectClients].sort()).toEqual([AMPLIFY, LEGACY_ONLY, UPGRADED, BACKEND, MANAGER].sort());
  });

  it('answers every KPI exactly as the definitions computed plainly over the same events', () => {
    expect(everyAnswer(sqlite)).toEqual(everyAnswer(createKpiOracle(oracleEvents)));
  });

  it('counts the upgraded device once: its legacy and its Pinpoint session starts are one user’s', () => {
    expect(series('dau')).toEqual([2, 2, 2, 1, 0, 0, 0, 1, 1]);
    expect(series('new-users')).toEqual([2, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(series('mau')).toEqual([2, 3, 4, 4, 4, 4, 4, 4, 4]);
    expect((answerKpi(sqlite, 'new-users-lifetime', { app: PROJECT, range: RANGE }) as ValueAnswer).value).toBe(5);
  });

  it('counts every session start of both kinds, a client’s resent request once', () => {
    expect(series('sessions')).toEqual([2, 3, 2, 1, 0, 0, 0, 1, 1]);
  });

  it('averages the session lengths of both kinds together', () => {
    // Day 0: 10 and 4 min; day 1: 5 (legacy), 20 (Pinpoint) and 2 min; day 2: 1 and 8 min; day 3: 30 min.
    expect(series('average-session-length')).toEqual([420_000, 540_000, 270_000, 1_800_000, 0, 0, 0, 360_000, 180_000]);
  });

  it('sums revenue of both kinds, and counts a paying user from the first purchase of either kind', () => {
    expect((answerKpi(sqlite, 'daily-revenue', { app: PROJECT, range: RANGE }) as SeriesAnswer).series).toEqual([
      { date: formatDay(D + 1), currency: 'USD', value: 0.99 },
      { date: formatDay(D + 2), currency: 'XXX', value: 0 },
      { date: formatDay(D + 3), currency: 'USD', value: 1.99 },
    ]);
    // The iPhone pays from day 1 (legacy), the PinpointManager phone from day 2 (Pinpoint).
    expect(series('pdau')).toEqual([0, 1, 1, 1, 0, 0, 0, 0, 1]);
  });

  it('follows a user across the upgrade in retention', () => {
    // Cohort day 0 (iPhone, legacy phone): the iPhone back on days 1 and 3 (Pinpoint), the phone on day 7.
    expect([series('day-1-retention')[0], series('day-3-retention')[0], series('day-7-retention')[0], series('week-1-retention')[0]]).toEqual([1, 1, 1, 2]);
    // Cohort day 1 (iPhone, browser): the browser back on day 2, the iPhone on day 3.
    expect([series('day-1-retention')[1], series('week-1-retention')[1]]).toEqual([1, 2]);
  });

  it('lists custom events of both kinds, and keeps the other project apart', () => {
    const top = answerKpi(sqlite, 'top-custom-events', { app: PROJECT, range: RANGE }) as RankingAnswer;
    expect(top.events).toEqual([
      { name: 'addToCart', count: 1 },
      { name: 'backend.order_shipped', count: 1 },
    ]);
    expect(sqlite.apps()).toEqual([
      { appId: PROJECT, firstDay: D, lastDay: D + 8, events: 25 },
      { appId: OTHER_PROJECT, firstDay: D + 1, lastDay: D + 1, events: 2 },
    ]);
  });
});
