import { request as httpRequest } from 'node:http';
import AWS from 'aws-sdk';
import type { LegacyClientContext, LegacyEvent } from '../../src/legacy/types';
import type { ClientFixture } from '../fixtures/clients/device-request';

/** Credentials a device would hold; the proxy must neither need nor forward them. */
export const DEVICE = { accessKeyId: 'ASIADEVICEREAL', secretAccessKey: 'device-secret', sessionToken: 'device-session-token' };

/** The aws-sdk v2 module shape both real SDK versions share (2.x and 2.96.0). */
export type AwsSdkV2 = typeof AWS;

/** Events as an app passes them to `MobileAnalytics.putEvents`; the stop's NaN duration is serialized as null. */
export const SDK_EVENTS: AWS.MobileAnalytics.Event[] = [
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

/** `SDK_EVENTS` as they arrive on the wire (JSON turns the NaN duration into null). */
export function sdkEventsOnTheWire(): LegacyEvent[] {
  return SDK_EVENTS.map((e) => ({ ...e, session: e.session && { ...e.session, duration: null } }));
}

/** A real `AWS.MobileAnalytics` client of the given SDK version aimed at the proxy, without SDK retries. */
export function mobileAnalyticsClient(sdk: AwsSdkV2, endpoint: string): AWS.MobileAnalytics {
  return new sdk.MobileAnalytics({
    endpoint,
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

interface AmaManager {
  recordEvent(eventType: string, attributes?: Record<string, string>, metrics?: Record<string, number>): unknown;
  recordMonetizationEvent(details: { productId: string; price: number | string; quantity: number; currency?: string }, attributes?: Record<string, string>, metrics?: Record<string, number>): unknown;
  stopSession(): unknown;
  submitEvents(options?: { submitCallback?: (err: unknown, data: unknown, batchId: string) => void }): string[];
  options: { clientContext: LegacyClientContext };
  outputs: { events: unknown[]; batchIndex: string[]; batches: Record<string, unknown> };
}

/** What one aws-sdk-mobile-analytics session submitted, and what the library kept afterwards. */
export interface JsLibrarySubmission {
  /** The submit callback's error: null when the library counted the batch delivered. */
  err: unknown;
  /** The events the library recorded, as it put them in its batch. */
  events: LegacyEvent[];
  clientContext: LegacyClientContext;
  /** The library's queues after the submit, in memory and in localStorage. */
  leftInMemory: { events: unknown[]; batchIndex: string[]; batches: Record<string, unknown> };
  leftInStorage: Record<string, unknown>;
}

/**
 * Drives the real aws-sdk-mobile-analytics 0.9.2 library in Node (with a `window.localStorage`
 * shim): a custom event, two purchases and a session stop, submitted in one batch to `endpoint`.
 * Each call needs its own `appId`: the library caches its storage per app id in a global.
 */
export async function submitWithJsLibrary(endpoint: string, appId: string): Promise<JsLibrarySubmission> {
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
        endpoint,
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

/** Replays a captured fixture over a real socket, exactly as it was sent. */
export function replayFixture(baseUrl: string, fixture: ClientFixture): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const url = new URL(baseUrl);
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
