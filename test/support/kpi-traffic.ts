import { existsSync } from 'node:fs';
import AWS from 'aws-sdk';
import { dayOf } from '../../src/kpis/days';
import { CURRENCY, ITEM_PRICE, NO_CURRENCY, PURCHASE, SESSION_START, SESSION_STOP } from '../../src/kpis/kpi-event';
import type { LegacyClientContext, LegacyEvent } from '../../src/legacy/types';
import { eventStorePath, openEventStore } from '../../src/local-store/event-store';
import type { OracleEvent } from './kpi-oracle';
import { mobileAnalyticsClient } from './legacy-clients';
import { sendLegacy, waitFor } from './legacy-sender';

/** The application most of the KPI traffic belongs to. */
export const KPI_APP_ID = 'kpi0a1b2c3d4e5f60718293a4b5c6d7e8';
/** A second application (one device, one session), so a query for one app must leave the other out. */
export const KPI_OTHER_APP_ID = 'kpi1f0e0d0c0b0a09080706050403020';
/** First and last day of the traffic (inclusive, UTC): a fixed window in the past. */
export const KPI_FROM = '2026-09-07';
export const KPI_TO = '2026-09-16';

/** Which real client sends a request: the aws-sdk v2 MobileAnalytics client, or a replayed generation. */
type Sender = 'aws-sdk' | 'android' | 'ios' | 'js';

/** One PutEvents of the traffic: a device's events, sent by one client. */
interface TrafficRequest {
  readonly sender: Sender;
  readonly appId: string;
  readonly clientId: string;
  readonly events: readonly LegacyEvent[];
}

/** What happens inside a session besides its start and stop. */
type SessionExtra =
  | { readonly purchase: { readonly currency: string; readonly price: number; readonly quantity: number } }
  | { readonly custom: string; readonly metrics: Readonly<Record<string, number>> };

const MINUTE_MS = 60_000;
const FROM_MS = Date.parse(`${KPI_FROM}T00:00:00.000Z`);

/**
 * One session of a device on day `day` of the window (0 = `KPI_FROM`): `_session.start` at
 * `hour`:00, an event a minute for each extra, `_session.stop` `minutes` after the start with
 * both timestamps, so its length is known.
 */
function session(sender: Sender, clientId: string, day: number, hour: number, minutes: number, extras: readonly SessionExtra[] = [], appId = KPI_APP_ID): TrafficRequest {
  const startMs = FROM_MS + day * 86_400_000 + hour * 3_600_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const id = `${clientId}-d${day}`;
  const open = { id, startTimestamp: iso(startMs) };
  const middle = extras.map((extra, i): LegacyEvent => {
    const timestamp = iso(startMs + (i + 1) * MINUTE_MS);
    if ('purchase' in extra) {
      const { currency, price, quantity } = extra.purchase;
      return { eventType: PURCHASE, timestamp, version: 'v2.0', session: open, attributes: { [CURRENCY]: currency, _product_id: 'com.example.gems' }, metrics: { [ITEM_PRICE]: price, _quantity: quantity } };
    }
    return { eventType: extra.custom, timestamp, version: 'v2.0', session: open, attributes: { level: String(i + 1) }, metrics: { ...extra.metrics } };
  });
  const stopMs = startMs + minutes * MINUTE_MS;
  return {
    sender,
    appId,
    clientId,
    events: [
      { eventType: SESSION_START, timestamp: iso(startMs), version: 'v2.0', session: open },
      ...middle,
      { eventType: SESSION_STOP, timestamp: iso(stopMs), version: 'v2.0', session: { ...open, stopTimestamp: iso(stopMs), duration: stopMs - startMs } },
    ],
  };
}

const SDK = 'kpi-device-sdk-1';
const ANDROID = 'kpi-device-android-2';
const IOS = 'kpi-device-ios-3';
const BUYER = 'kpi-device-android-4';
const PLAYER = 'kpi-device-js-5';
const CUSTOM_ONLY = 'kpi-device-custom-6';

const resentSession = session('android', ANDROID, 2, 18, 25, [{ purchase: { currency: 'EUR', price: 1.99, quantity: 2 } }, { custom: 'level.complete', metrics: { Score: 80 } }]);

/**
 * The fixed traffic, in sending order (not chronological: the store must not depend on arrival
 * order). Six devices of `KPI_APP_ID` over ten days: the SDK device is active on days 0, 1, 3
 * and 7 (day-1/3/7 and week-1 retention of day 0), the iOS device on days 1, 2, 6 and 8 (day-5), three devices pay (USD and EUR), one device
 * sends only custom events (a lifetime user, never active), and one request is sent twice.
 */
const TRAFFIC: readonly TrafficRequest[] = [
  session('aws-sdk', SDK, 7, 9, 12, [{ custom: 'level.complete', metrics: { Score: 300 } }]),
  session('aws-sdk', SDK, 0, 9, 5, [{ custom: 'level.complete', metrics: { Score: 120 } }]),
  session('aws-sdk', SDK, 1, 20, 8, [{ purchase: { currency: 'USD', price: 0.99, quantity: 1 } }]),
  session('aws-sdk', SDK, 3, 7, 3),
  session('aws-sdk', SDK, 2, 12, 4, [], KPI_OTHER_APP_ID),
  session('android', ANDROID, 0, 23, 20),
  resentSession,
  session('android', ANDROID, 9, 6, 2),
  session('ios', IOS, 1, 8, 6),
  session('ios', IOS, 2, 8, 7),
  session('ios', IOS, 6, 21, 11),
  session('ios', IOS, 8, 8, 9, [{ custom: 'menu.open', metrics: {} }]),
  session('android', BUYER, 4, 14, 30, [
    { purchase: { currency: 'USD', price: 4.99, quantity: 1 } },
    { purchase: { currency: 'USD', price: 0.99, quantity: 3 } },
  ]),
  session('android', BUYER, 5, 15, 10),
  session('js', PLAYER, 5, 10, 15, [
    { custom: 'level.complete', metrics: { Score: 50 } },
    { custom: 'level.complete', metrics: { Score: 70 } },
  ]),
  session('js', PLAYER, 6, 11, 1),
  {
    sender: 'ios',
    appId: KPI_APP_ID,
    clientId: CUSTOM_ONLY,
    events: [
      { eventType: 'level.complete', timestamp: `2026-09-10T13:00:00.000Z`, metrics: { Score: 10 }, attributes: { level: '1' } },
      { eventType: 'menu.open', timestamp: `2026-09-10T13:05:00.000Z` },
    ],
  },
  // A client that did not see the answer sends the same request again: same events, same ids.
  resentSession,
];

/** The client context a device of the traffic sends. */
function clientContext(request: TrafficRequest): LegacyClientContext {
  return {
    client: { client_id: request.clientId, app_title: 'KPI Game', app_version_name: '2.0.0', app_version_code: '200', app_package_name: 'com.example.kpi' },
    env: { platform: request.sender === 'ios' ? 'iPhoneOS' : 'android', model: 'M', make: 'X', locale: 'en_US' },
    services: { mobile_analytics: { app_id: request.appId } },
  };
}

/** A legacy event as the aws-sdk types it (no null duration: the traffic always states one). */
function sdkEvent({ session, ...event }: LegacyEvent): AWS.MobileAnalytics.Event {
  return session === undefined ? event : { ...event, session: { ...session, duration: session.duration ?? undefined } };
}

/** Sends one request with its real client; anything but a 202 fails the caller. */
async function send(proxyUrl: string, request: TrafficRequest): Promise<void> {
  if (request.sender === 'aws-sdk') {
    const result = await mobileAnalyticsClient(AWS, proxyUrl)
      .putEvents({ events: request.events.map(sdkEvent), clientContext: JSON.stringify(clientContext(request)) })
      .promise();
    const status = result.$response.httpResponse.statusCode;
    if (status !== 202) throw new Error(`aws-sdk putEvents for ${request.clientId} answered ${status}`);
    return;
  }
  const answer = await sendLegacy(proxyUrl, {
    kind: request.sender,
    clientId: request.clientId,
    appId: request.appId,
    events: request.events.map((e) => ({ ...e })),
  });
  if (answer.status !== 202) throw new Error(`${request.sender} PutEvents for ${request.clientId} answered ${answer.status}: ${answer.body}`);
}

/**
 * The KPI facts of one sent event, derived from what the test sent (not from the service's
 * mapping): the day of its timestamp, its metrics, a purchase's currency, a stop's stop − start.
 */
function oracleEvent(request: TrafficRequest, event: LegacyEvent, eventId: string): OracleEvent {
  const base = { eventId, appId: request.appId, clientId: request.clientId, eventType: event.eventType, day: dayOf(Date.parse(event.timestamp)), metrics: { ...event.metrics } };
  if (event.eventType === PURCHASE) return { ...base, currency: event.attributes?.[CURRENCY] ?? NO_CURRENCY };
  const { startTimestamp, stopTimestamp } = event.session ?? {};
  if (event.eventType === SESSION_STOP && startTimestamp !== undefined && stopTimestamp !== undefined) {
    return { ...base, sessionLengthMs: Date.parse(stopTimestamp) - Date.parse(startTimestamp) };
  }
  return base;
}

/** The traffic as the oracle takes it; a resent request repeats its events' ids. */
export function kpiTrafficEvents(): OracleEvent[] {
  const ids = new Map<TrafficRequest, number>();
  return TRAFFIC.flatMap((request) => {
    const key = ids.get(request) ?? ids.size;
    ids.set(request, key);
    return request.events.map((event, index) => oracleEvent(request, event, `request-${key}/event-${index}`));
  });
}

/**
 * Sends the fixed KPI traffic through the ingest port with real legacy clients (the aws-sdk v2
 * `MobileAnalytics` client, and Android, iOS and JS requests as those generations send them),
 * one request at a time, and returns its events as the oracle takes them (`createKpiOracle`).
 */
export async function sendKpiTraffic(proxyUrl: string): Promise<OracleEvent[]> {
  for (const request of TRAFFIC) await send(proxyUrl, request);
  return kpiTrafficEvents();
}

/** How many events the store keeps of `events`: one per event id. */
export function distinctEventCount(events: readonly OracleEvent[]): number {
  return new Set(events.map((e) => e.eventId)).size;
}

/**
 * Waits until the local store in `dataDir` holds at least `count` events, reading `events.db`
 * read-only (the file appears when the delivery side first opens it).
 */
export async function waitForStoredEvents(dataDir: string, count: number, timeoutMs = 30_000): Promise<void> {
  const file = eventStorePath(dataDir);
  await waitFor(
    () => {
      if (!existsSync(file)) return false;
      const store = openEventStore(file, { readonly: true });
      try {
        return store.count() >= count;
      } finally {
        store.close();
      }
    },
    timeoutMs,
    `${count} events in ${file}`,
  );
}
