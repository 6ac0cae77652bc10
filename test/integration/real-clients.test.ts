import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import AWS from 'aws-sdk';
import AWSLegacy from 'aws-sdk-legacy';
import { android210, android217, android223, android290 } from '../fixtures/clients/android';
import { rawSdkClientContext } from '../fixtures/clients/aws-sdk-js';
import type { ClientFixture } from '../fixtures/clients/device-request';
import { iosEarly, iosLater } from '../fixtures/clients/ios';
import { deliveredCore, expectDeliveredIntact, expectedCore, sortedCores } from '../support/delivery-oracle';
import { startPinpointStandIn, type PinpointStandIn } from '../support/pinpoint-stand-in';
import { createTestProxy, type TestProxy } from '../support/proxy-harness';

/** Credentials a device would hold; the proxy must not care about them. */
const DEVICE = { accessKeyId: 'ASIADEVICEREAL', secretAccessKey: 'device-secret', sessionToken: 'device-session-token' };

let standIn: PinpointStandIn;
let proxy: TestProxy;
let server: Server;
let proxyUrl: string;

beforeAll(async () => {
  standIn = await startPinpointStandIn();
  proxy = createTestProxy(standIn);
  server = proxy.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  proxyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  await proxy.deps.close();
  await standIn.close();
});

beforeEach(() => {
  standIn.calls.length = 0;
  standIn.rejectedRequests.length = 0;
  standIn.setBehavior(undefined);
});

const events: AWS.MobileAnalytics.Event[] = [
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

describe.each([
  ['aws-sdk 2.x (application/json)', AWS],
  ['aws-sdk 2.96.0 (no Content-Type)', AWSLegacy as unknown as typeof AWS],
])('%s MobileAnalytics.putEvents through the proxy', (_name, sdk) => {
  it('succeeds, and Pinpoint gets every event intact (a NaN duration becomes stop − start)', async () => {
    const client = new sdk.MobileAnalytics({
      endpoint: proxyUrl,
      region: 'us-east-1',
      credentials: new sdk.Credentials(DEVICE.accessKeyId, DEVICE.secretAccessKey, DEVICE.sessionToken),
      maxRetries: 0,
    });
    const before = standIn.delivered().length;
    const result = await client.putEvents({ events, clientContext: JSON.stringify(rawSdkClientContext) }).promise();
    expect(result.$response.httpResponse.statusCode).toBe(202);
    expect(result.$response.error).toBeNull();
    const delivered = standIn.delivered().slice(before);
    expect(sortedCores(delivered.map((d) => deliveredCore(d.event)))).toEqual(
      sortedCores(events.map((e) => expectedCore({ ...e, session: e.session && { ...e.session, duration: null } }))),
    );
    expect(delivered.find((d) => d.event.EventType === '_session.stop')?.event.Session?.Duration).toBe(300_000);
    expect(standIn.rejectedRequests).toEqual([]);
  });

  it('gets a retryable ThrottlingException when Pinpoint keeps failing', async () => {
    standIn.setBehavior(() => ({ status: 503 }));
    const client = new sdk.MobileAnalytics({
      endpoint: proxyUrl,
      region: 'us-east-1',
      credentials: new sdk.Credentials(DEVICE.accessKeyId, DEVICE.secretAccessKey, DEVICE.sessionToken),
      maxRetries: 0,
    });
    await expect(client.putEvents({ events, clientContext: JSON.stringify(rawSdkClientContext) }).promise()).rejects.toMatchObject({
      code: 'ThrottlingException',
      statusCode: 400,
      retryable: true,
    });
  });
});

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
  outputs: { events: unknown[]; batchIndex: string[]; batches: Record<string, unknown> };
}

describe('aws-sdk-mobile-analytics 0.9.2 through the proxy', () => {
  const globals = globalThis as unknown as { window?: unknown };

  afterAll(() => {
    delete globals.window;
  });

  it('submits custom, monetization and session events and counts them delivered', async () => {
    const shim = storageShim();
    globals.window = { localStorage: shim.localStorage };
    AWS.config.update({ region: 'us-east-1' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const AMA = require('aws-sdk-mobile-analytics') as { Manager: new (options: Record<string, unknown>) => AmaManager };
    const appId = 'ma-app-amalib';
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

    const before = standIn.delivered().length;
    const outcome = await new Promise<{ err: unknown; batchId: string }>((resolve) => {
      manager.submitEvents({ submitCallback: (err, _data, batchId) => resolve({ err, batchId }) });
    });
    expect(outcome.err).toBeNull();

    expect(manager.outputs.events).toEqual([]);
    expect(manager.outputs.batchIndex).toEqual([]);
    expect(manager.outputs.batches).toEqual({});
    const stored = JSON.parse(shim.store.get(`AWSMobileAnalyticsStorage-${appId}`) ?? '{}') as Record<string, unknown>;
    expect(stored['AWSMobileAnalyticsBatchIndexStorage']).toEqual([]);
    expect(stored['AWSMobileAnalyticsBatchStorage']).toEqual({});
    expect(stored['AWSMobileAnalyticsEventStorage']).toEqual([]);

    const delivered = standIn.delivered().slice(before);
    expect(standIn.rejectedRequests).toEqual([]);
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
  });
});

/** Replays a captured fixture over a real socket, exactly as it was sent. */
function replay(fixture: ClientFixture): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
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

describe.each([
  ['Android 2.1.3', android210, 'android'],
  ['Android 2.1.7', android217, 'android'],
  ['Android 2.2.3', android223, 'android'],
  ['Android 2.9.0', android290, 'android'],
  ['iOS 2.0.5', iosEarly, 'ios'],
  ['iOS 2.8.4', iosLater, 'ios'],
] as const)('%s replayed over real HTTP', (_name, make, kind) => {
  it('gets an answer the client counts as delivered, and Pinpoint gets every event intact', async () => {
    const fixture = make();
    const before = standIn.delivered().length;
    const answer = await replay(fixture);
    expect(answer.status).toBe(202);
    if (kind === 'ios') expect(answer.body).toBe('');
    expect(answer.headers['x-amzn-requestid']).toBeDefined();
    expectDeliveredIntact(fixture, standIn, standIn.delivered().slice(before));
  });

  it(`is told to keep its events when Pinpoint is down (${kind === 'android' ? '503: Android retries and keeps' : '503: iOS keeps'})`, async () => {
    standIn.setBehavior(() => ({ status: 500 }));
    const answer = await replay(make());
    expect(answer.status).toBe(503);
  });
});
