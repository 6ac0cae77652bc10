import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import AWS from 'aws-sdk';
import AWSLegacy from 'aws-sdk-legacy';
import { android210, android217, android223, android290 } from '../fixtures/clients/android';
import { rawSdkClientContext } from '../fixtures/clients/aws-sdk-js';
import { iosEarly, iosLater } from '../fixtures/clients/ios';
import { deliveredCore, expectDeliveredIntact, expectedCore, sortedCores } from '../support/delivery-oracle';
import { startPinpointStandIn, type PinpointStandIn } from '../support/pinpoint-stand-in';
import { createTestProxy, type TestProxy } from '../support/proxy-harness';
import { mobileAnalyticsClient, replayFixture, SDK_EVENTS, sdkEventsOnTheWire, submitWithJsLibrary, type AwsSdkV2 } from '../support/real-legacy-clients';

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

describe.each([
  ['aws-sdk 2.x (application/json)', AWS],
  ['aws-sdk 2.96.0 (no Content-Type)', AWSLegacy as unknown as AwsSdkV2],
])('%s MobileAnalytics.putEvents through the proxy', (_name, sdk) => {
  it('succeeds, and Pinpoint gets every event intact (a NaN duration becomes stop − start)', async () => {
    const client = mobileAnalyticsClient(sdk, proxyUrl);
    const before = standIn.delivered().length;
    const result = await client.putEvents({ events: SDK_EVENTS, clientContext: JSON.stringify(rawSdkClientContext) }).promise();
    expect(result.$response.httpResponse.statusCode).toBe(202);
    expect(result.$response.error).toBeNull();
    const delivered = standIn.delivered().slice(before);
    expect(sortedCores(delivered.map((d) => deliveredCore(d.event)))).toEqual(
      sortedCores(sdkEventsOnTheWire().map(expectedCore)),
    );
    expect(delivered.find((d) => d.event.EventType === '_session.stop')?.event.Session?.Duration).toBe(300_000);
    expect(standIn.rejectedRequests).toEqual([]);
  });

  it('gets a retryable ThrottlingException when Pinpoint keeps failing', async () => {
    standIn.setBehavior(() => ({ status: 503 }));
    const client = mobileAnalyticsClient(sdk, proxyUrl);
    await expect(client.putEvents({ events: SDK_EVENTS, clientContext: JSON.stringify(rawSdkClientContext) }).promise()).rejects.toMatchObject({
      code: 'ThrottlingException',
      statusCode: 400,
      retryable: true,
    });
  });
});

describe('aws-sdk-mobile-analytics 0.9.2 through the proxy', () => {
  it('submits custom, monetization and session events and counts them delivered', async () => {
    const before = standIn.delivered().length;
    const submission = await submitWithJsLibrary(proxyUrl, 'ma-app-amalib');
    expect(submission.err).toBeNull();

    expect(submission.leftInMemory.events).toEqual([]);
    expect(submission.leftInMemory.batchIndex).toEqual([]);
    expect(submission.leftInMemory.batches).toEqual({});
    expect(submission.leftInStorage['AWSMobileAnalyticsBatchIndexStorage']).toEqual([]);
    expect(submission.leftInStorage['AWSMobileAnalyticsBatchStorage']).toEqual({});
    expect(submission.leftInStorage['AWSMobileAnalyticsEventStorage']).toEqual([]);

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
    const answer = await replayFixture(proxyUrl, fixture);
    expect(answer.status).toBe(202);
    if (kind === 'ios') expect(answer.body).toBe('');
    expect(answer.headers['x-amzn-requestid']).toBeDefined();
    expectDeliveredIntact(fixture, standIn, standIn.delivered().slice(before));
  });

  it(`is told to keep its events when Pinpoint is down (${kind === 'android' ? '503: Android retries and keeps' : '503: iOS keeps'})`, async () => {
    standIn.setBehavior(() => ({ status: 500 }));
    const answer = await replayFixture(proxyUrl, make());
    expect(answer.status).toBe(503);
  });
});
