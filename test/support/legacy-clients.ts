import { request as httpRequest } from 'node:http';
import AWS from 'aws-sdk';
import type { ClientFixture } from '../fixtures/clients/device-request';
import { deliveredCore, expectedCore, sortedCores } from './delivery-oracle';
import type { StandInEvent } from './pinpoint-stand-in';

/** Credentials a device would hold; the proxy must neither need nor forward them. */
export const DEVICE = { accessKeyId: 'ASIADEVICEREAL', secretAccessKey: 'device-secret', sessionToken: 'device-session-token' };

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

/** Asserts that `delivered` is exactly `sdkSessionEvents`, intact, the NaN duration become stop − start. */
export function expectSdkSessionDelivered(delivered: StandInEvent[]): void {
  expect(sortedCores(delivered.map((d) => deliveredCore(d.event)))).toEqual(
    sortedCores(sdkSessionEvents.map((e) => expectedCore({ ...e, session: e.session && { ...e.session, duration: null } }))),
  );
  expect(delivered.find((d) => d.event.EventType === '_session.stop')?.event.Session?.Duration).toBe(300_000);
}

/** A real aws-sdk v2 (any version) MobileAnalytics client aimed at the proxy, without SDK retries. */
export function mobileAnalyticsClient(sdk: typeof AWS, proxyUrl: string): AWS.MobileAnalytics {
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
export interface AmaManager {
  recordEvent(eventType: string, attributes?: Record<string, string>, metrics?: Record<string, number>): unknown;
  recordMonetizationEvent(details: { productId: string; price: number | string; quantity: number; currency?: string }, attributes?: Record<string, string>, metrics?: Record<string, number>): unknown;
  stopSession(): unknown;
  submitEvents(options?: { submitCallback?: (err: unknown, data: unknown, batchId: string) => void }): string[];
  outputs: { events: unknown[]; batchIndex: string[]; batches: Record<string, unknown> };
}

/** A JS library manager sending to the proxy, and what the library keeps in its local storage. */
export interface AmaLibraryClient {
  manager: AmaManager;
  /** The library's persisted storage (events, batches, batch index), parsed. */
  storage(): Record<string, unknown>;
  /** Removes the `window` global the library needs. */
  dispose(): void;
}

/**
 * Builds aws-sdk-mobile-analytics 0.9.2 (the real npm package) with manual submission, sending
 * to the proxy with device credentials. It reads `window.localStorage`, which is faked here.
 */
export function amaLibraryClient(proxyUrl: string, appId: string): AmaLibraryClient {
  const globals = globalThis as unknown as { window?: unknown };
  const shim = storageShim();
  globals.window = { localStorage: shim.localStorage };
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
  return {
    manager,
    storage: () => JSON.parse(shim.store.get(`AWSMobileAnalyticsStorage-${appId}`) ?? '{}') as Record<string, unknown>,
    dispose: () => delete globals.window,
  };
}

/** Submits what the manager recorded; resolves with the library's submit callback error (null = counted delivered). */
export function submitAmaEvents(manager: AmaManager): Promise<unknown> {
  return new Promise((resolve) => manager.submitEvents({ submitCallback: (err) => resolve(err) }));
}

/** Records a custom event, two purchases (priced and formatted-price only) and a session stop. */
export function recordAmaSession(manager: AmaManager): void {
  manager.recordEvent('level.complete', { level: '7', mode: 'hard' }, { score: 1234 });
  manager.recordMonetizationEvent({ productId: 'com.example.gems', price: 4.99, quantity: 2, currency: 'USD' });
  manager.recordMonetizationEvent({ productId: 'com.example.skin', price: '€1,99', quantity: 1 });
  manager.stopSession();
}

/** Asserts that the library counts everything delivered: nothing left in memory nor in its storage. */
export function expectAmaStorageEmpty(client: AmaLibraryClient): void {
  expect(client.manager.outputs.events).toEqual([]);
  expect(client.manager.outputs.batchIndex).toEqual([]);
  expect(client.manager.outputs.batches).toEqual({});
  const stored = client.storage();
  expect(stored['AWSMobileAnalyticsBatchIndexStorage']).toEqual([]);
  expect(stored['AWSMobileAnalyticsBatchStorage']).toEqual({});
  expect(stored['AWSMobileAnalyticsEventStorage']).toEqual([]);
}

/** Asserts that `delivered` is exactly what `recordAmaSession` recorded (plus the session start), intact. */
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
