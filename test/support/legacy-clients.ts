import { request as httpRequest } from 'node:http';
import AWS from 'aws-sdk';
import type { LegacyClientContext, LegacyEvent } from '../../src/legacy/types';
import type { ClientFixture } from '../fixtures/clients/device-request';
import { deliveredCore, expectedCore, sortedCores } from './delivery-oracle';
import type { StandInEvent } from './pinpoint-stand-in';

/** Credentials a device would hold; the proxy must neither need nor forward them. */
const DEVICE = { accessKeyId: 'ASIADEVICEREAL', secretAccessKey: 'device-secret', sessionToken: 'device-session-token' };

/** The aws-sdk v2 module shape both real SDK versions share (2.x and 2.96.0). */
export type AwsSdkV2 = typeof AWS;

/** A session as apps record it with `AWS.MobileAnalytics.putEvents`; the stop carries a NaN duration. */
export const sdkSessionEvents: AWS.MobileAnalytics.Event[] = [
  {
    eventType: '_session.start',
    timestamp: '2026-11-22T09:50:00.000Z',
    session: { id: 'real-sdk-session', startTimestamp: '2026-11-22T09:50:00.000Z' },
    version: 'v2.0',
  },
  {
    eventType: 'level.complete',
    timestamp: '2026-11-22T09:51:00.000Z',
    session: { id: 'real-sdk-session', startTimestamp: '2026-11-22T09:50:00.000Z' },
    version: 'v2.0',
    attributes: { level: '7' },
    metrics: { score: 99.5 },
  },
  {
    eventType: '_session.stop',
    timestamp: '2026-11-22T09:55:00.000Z',
    session: { id: 'real-sdk-session', startTimestamp: '2026-11-22T09:50:00.000Z', stopTimestamp: '2026-11-22T09:55:00.000Z', duration: NaN },
    version: 'v2.0',
  },
];

/** `sdkSessionEvents` as they arrive on the wire (JSON turns the NaN duration into null). */
export function sdkEventsOnTheWire(): LegacyEvent[] {
  return sdkSessionEvents.map((e) => ({ ...e, session: e.session && { ...e.session, duration: null } }));
}

/** Asserts that `delivered` is exactly `sdkSessionEvents`, intact, the NaN duration become stop − start. */
export function expectSdkSessionDelivered(delivered: StandInEvent[]): void {
  expect(sortedCores(delivered.map((d) => deliveredCore(d.event)))).toEqual(sortedCores(sdkEventsOnTheWire().map(expectedCore)));
  expect(delivered.find((d) => d.event.EventType === '_session.stop')?.event.Session?.Duration).toBe(300_000);
}

/** A real aws-sdk v2 (any version) MobileAnalytics client aimed at the proxy, without SDK retries. */
export function mobileAnalyticsClient(sdk: AwsSdkV2, proxyUrl: string): AWS.MobileAnalytics {
  return new sdk.MobileAnalytics({
    endpoint: proxyUrl,
    region: 'us-east-1',
    credentials: new sdk.Credentials(DEVICE.accessKeyId, DEVICE.secretAccessKey, DEVICE.sessionToken),
    maxRetries: 0,
  });
}

/** A `window.localStorage` for the JS library (a global `localStorage` would break its Safari check). */
interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  clear(): void;
  key(i: number): string | null;
  readonly length: number;
}

function storageShim(): { store: Map<string, string>; localStorage: StorageLike } {
  const store = new Map<string, string>();
  const localStorage: StorageLike = {
    getItem: (key: string) => store.get(key) ?? null,
    setItem: (key: string, value: string) => void store.set(key, String(value)),
    removeItem: (key: string) => void store.delete(key),
    clear: () => store.clear(),
    key: (i: number) => [...store.keys()][i] ?? null,
    get length() {
      return store.size;
    },
  };
  return { store, localStorage };
}

/** The part of aws-sdk-mobile-analytics 0.9.2's `AMA.Manager` the tests drive. */
interface AmaManager {
  recordEvent(eventType: string, attributes?: Record<string, string>, metrics?: Record<string, number>): unknown;
  recordMonetizationEvent(details: { productId: string; price: number | string; quantity: number; currency?: string }, attributes?: Record<string, string>, metrics?: Record<string, number>): unknown;
  stopSession(): unknown;
  submitEvents(options?: { submitCallback?: (err: unknown, data: unknown, batchId: string) => void }): string[];
  options: { clientContext: LegacyClientContext };
  outputs: { events: unknown[]; batchIndex: string[]; batches: Record<string, unknown> };
}

/** What one aws-sdk-mobile-analytics session submitted, and what the library kept afterwards. */
export interface AmaSubmission {
  /** The submit callback's error: null when the library counted the batch delivered. */
  err: unknown;
  /** The events the library recorded, as it put them in its batch. */
  events: LegacyEvent[];
  clientContext: LegacyClientContext;
  /** The library's queues after the submit, in memory and in localStorage (parsed). */
  leftInMemory: AmaManager['outputs'];
  leftInStorage: Record<string, unknown>;
}

/**
 * Drives the real aws-sdk-mobile-analytics 0.9.2 library in Node (with a `window.localStorage`
 * shim): a custom event, two purchases (priced and formatted-price only) and a session stop,
 * submitted in one batch to the proxy with device credentials. Each call needs its own `appId`:
 * the library caches its storage per app id in a global.
 */
export async function submitAmaSession(proxyUrl: string, appId: string): Promise<AmaSubmission> {
  const globals = globalThis as unknown as { window?: unknown };
  const shim = storageShim();
  globals.window = { localStorage: shim.localStorage };
  try {
    AWS.config.update({ region: 'us-east-1' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const AMA = require('aws-sdk-mobile-analytics') as { Manager: new (options: Record<string, unknown>) => AmaManager };
    const manager = new AMA.Manager({
      appId,
      appTitle: 'AMA Test',
      appVersionName: '1.0.0',
      appVersionCode: '100',
      appPackageName: 'com.example.ama',
      platform: 'Linux',
      locale: 'en-US',
      autoSubmitEvents: false,
      logger: { log: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      clientOptions: {
        endpoint: proxyUrl,
        region: 'us-east-1',
        credentials: new AWS.Credentials(DEVICE.accessKeyId, DEVICE.secretAccessKey, DEVICE.sessionToken),
      },
    });
    manager.recordEvent('level.complete', { level: '7', mode: 'hard' }, { score: 1234 });
    manager.recordMonetizationEvent({ productId: 'com.example.gems', price: 4.99, quantity: 2, currency: 'USD' });
    manager.recordMonetizationEvent({ productId: 'com.example.skin', price: '€1,99', quantity: 1 });
    manager.stopSession();
    const events = JSON.parse(JSON.stringify(manager.outputs.events)) as LegacyEvent[];
    const err = await new Promise<unknown>((resolve) => {
      manager.submitEvents({ submitCallback: (error) => resolve(error) });
    });
    return {
      err,
      events,
      clientContext: manager.options.clientContext,
      leftInMemory: manager.outputs,
      leftInStorage: JSON.parse(shim.store.get(`AWSMobileAnalyticsStorage-${appId}`) ?? '{}') as Record<string, unknown>,
    };
  } finally {
    delete globals.window;
  }
}

/** Asserts that the library counts everything delivered: nothing left in memory nor in its storage. */
export function expectAmaStorageEmpty(submission: AmaSubmission): void {
  expect(submission.leftInMemory.events).toEqual([]);
  expect(submission.leftInMemory.batchIndex).toEqual([]);
  expect(submission.leftInMemory.batches).toEqual({});
  expect(submission.leftInStorage['AWSMobileAnalyticsBatchIndexStorage']).toEqual([]);
  expect(submission.leftInStorage['AWSMobileAnalyticsBatchStorage']).toEqual({});
  expect(submission.leftInStorage['AWSMobileAnalyticsEventStorage']).toEqual([]);
}

/** Asserts that `delivered` is exactly what `submitAmaSession` recorded (plus the session start), intact. */
export function expectAmaSessionDelivered(delivered: StandInEvent[]): void {
  expect(delivered.map((d) => d.event.EventType).sort()).toEqual(
    ['_monetization.purchase', '_monetization.purchase', '_session.start', '_session.stop', 'level.complete'].sort(),
  );
  const custom = delivered.find((d) => d.event.EventType === 'level.complete');
  expect(custom?.event.Attributes).toEqual({ level: '7', mode: 'hard' });
  expect(custom?.event.Metrics).toEqual({ score: 1234 });
  expect(custom?.event.SdkName).toBe('aws-sdk-mobile-analytics-js');
  expect(custom?.endpoint.Demographic?.Locale).toBe('en_US');
  const purchases = delivered.filter((d) => d.event.EventType === '_monetization.purchase').map((d) => ({ a: d.event.Attributes, m: d.event.Metrics }));
  expect(purchases).toContainEqual({ a: { _currency: 'USD', _product_id: 'com.example.gems' }, m: { _quantity: 2, _item_price: 4.99 } });
  expect(purchases).toContainEqual({ a: { _product_id: 'com.example.skin', _item_price_formatted: '€1,99' }, m: { _quantity: 1 } });
  const stop = delivered.find((d) => d.event.EventType === '_session.stop')?.event.Session;
  expect(stop?.StopTimestamp).toBeDefined();
  expect(stop?.Duration).toBe(Date.parse(stop?.StopTimestamp as string) - Date.parse(stop?.StartTimestamp as string));
  const start = delivered.find((d) => d.event.EventType === '_session.start')?.event.Session;
  expect(start?.Id).toBe(stop?.Id);
}

/** Replays a captured fixture over a real socket, exactly as it was sent (headers, encodings, bytes). */
export function replayFixture(proxyUrl: string, fixture: ClientFixture): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const url = new URL(proxyUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method: fixture.method, path: fixture.path, headers: fixture.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('replay timed out')));
    req.on('error', reject);
    req.end(fixture.body);
  });
}
