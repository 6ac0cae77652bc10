import AWS from 'aws-sdk';
import AWSLegacy from 'aws-sdk-legacy';
import { android210, android217, android223, android290 } from '../fixtures/clients/android';
import { rawSdkClientContext } from '../fixtures/clients/aws-sdk-js';
import { iosEarly, iosLater } from '../fixtures/clients/ios';
import { expectDeliveredIntact } from '../support/delivery-oracle';
import { useUpstreamProxy } from '../support/in-process-proxy';
import {
  expectAmaSessionDelivered,
  expectAmaStorageEmpty,
  expectSdkSessionDelivered,
  mobileAnalyticsClient,
  replayFixture,
  sdkSessionEvents as events,
  submitAmaSession,
} from '../support/legacy-clients';

const upstream = useUpstreamProxy();

describe.each([
  ['aws-sdk 2.x (application/json)', AWS],
  ['aws-sdk 2.96.0 (no Content-Type)', AWSLegacy as unknown as typeof AWS],
])('%s MobileAnalytics.putEvents through the proxy', (_name, sdk) => {
  it('succeeds, and Pinpoint gets every event intact (a NaN duration becomes stop − start)', async () => {
    const client = mobileAnalyticsClient(sdk, upstream.proxy.url);
    const before = upstream.standIn.delivered().length;
    const result = await client.putEvents({ events, clientContext: JSON.stringify(rawSdkClientContext) }).promise();
    expect(result.$response.httpResponse.statusCode).toBe(202);
    expect(result.$response.error).toBeNull();
    expectSdkSessionDelivered(upstream.standIn.delivered().slice(before));
    expect(upstream.standIn.rejectedRequests).toEqual([]);
  });

  it('gets a retryable ThrottlingException when Pinpoint keeps failing', async () => {
    upstream.standIn.setBehavior(() => ({ status: 503 }));
    const client = mobileAnalyticsClient(sdk, upstream.proxy.url);
    await expect(client.putEvents({ events, clientContext: JSON.stringify(rawSdkClientContext) }).promise()).rejects.toMatchObject({
      code: 'ThrottlingException',
      statusCode: 400,
      retryable: true,
    });
  });
});

describe('aws-sdk-mobile-analytics 0.9.2 through the proxy', () => {
  it('submits custom, monetization and session events and counts them delivered', async () => {
    const before = upstream.standIn.delivered().length;
    const ama = await submitAmaSession(upstream.proxy.url, 'ma-app-amalib');
    expect(ama.err).toBeNull();
    expectAmaStorageEmpty(ama);
    expect(upstream.standIn.rejectedRequests).toEqual([]);
    expectAmaSessionDelivered(upstream.standIn.delivered().slice(before));
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
    const before = upstream.standIn.delivered().length;
    const answer = await replayFixture(upstream.proxy.url, fixture);
    expect(answer.status).toBe(202);
    if (kind === 'ios') expect(answer.body).toBe('');
    expect(answer.headers['x-amzn-requestid']).toBeDefined();
    expectDeliveredIntact(fixture, upstream.standIn, upstream.standIn.delivered().slice(before));
  });

  it(`is told to keep its events when Pinpoint is down (${kind === 'android' ? '503: Android retries and keeps' : '503: iOS keeps'})`, async () => {
    upstream.standIn.setBehavior(() => ({ status: 500 }));
    const answer = await replayFixture(upstream.proxy.url, make());
    expect(answer.status).toBe(503);
  });
});
