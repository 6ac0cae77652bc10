import AWS from 'aws-sdk';
import AWSLegacy from 'aws-sdk-legacy';
import { android210, android217, android223, android290 } from '../fixtures/clients/android';
import { rawSdkClientContext } from '../fixtures/clients/aws-sdk-js';
import type { ClientFixture } from '../fixtures/clients/device-request';
import { iosEarly, iosLater } from '../fixtures/clients/ios';
import { expectDeliveredIntact } from '../support/delivery-oracle';
import { pinpointStandInEnv, startInProcessProxy, type InProcessProxy } from '../support/in-process-proxy';
import {
  expectAmaSessionDelivered,
  expectAmaStorageEmpty,
  expectSdkSessionDelivered,
  mobileAnalyticsClient,
  replayFixture,
  sdkSessionEvents,
  submitAmaSession,
} from '../support/legacy-clients';
import { inParallel, sendLegacy, taggedEvent, waitFor, type SenderKind } from '../support/legacy-sender';
import { flakyBehavior, startPinpointStandIn, type PinpointStandIn, type StandInEvent } from '../support/pinpoint-stand-in';
import { makeTempDir } from '../support/temp-dir';

/**
 * The durable issue's acceptance: every real client generation, in ACK_MODE=durable, against a
 * Pinpoint that fails ~30 % of calls (500/503/429, the same calls on every run). Each client
 * must count its events delivered, and each event must reach Pinpoint intact, exactly once.
 */
describe('real legacy clients, durable mode, flaky Pinpoint', () => {
  let standIn: PinpointStandIn;
  let proxy: InProcessProxy;
  let temp: ReturnType<typeof makeTempDir>;

  beforeAll(async () => {
    temp = makeTempDir();
    standIn = await startPinpointStandIn({ behavior: flakyBehavior(30) });
    proxy = await startInProcessProxy({ ...pinpointStandInEnv(standIn), ACK_MODE: 'durable', DATA_DIR: temp.dir, FORWARD_LINGER_MS: '100' });
  });
  afterAll(async () => {
    await proxy?.close();
    await standIn?.close();
    temp.remove();
  });

  /** Waits until the spool holds nothing (every event delivered or dead-lettered) and returns what arrived since `before`. */
  const settled = async (before: number): Promise<StandInEvent[]> => {
    await waitFor(() => proxy.deps.spool?.storedEvents() === 0, 30_000, 'spool drained');
    return standIn.delivered().slice(before);
  };
  const expectOnce = (delivered: StandInEvent[], count: number): void => {
    expect(new Set(delivered.map((d) => d.eventId)).size).toBe(count);
    expect(delivered).toHaveLength(count);
    expect(standIn.rejectedRequests).toEqual([]);
  };

  describe.each([
    ['aws-sdk 2.x (application/json)', AWS],
    ['aws-sdk 2.96.0 (no Content-Type)', AWSLegacy as unknown as typeof AWS],
  ])('%s MobileAnalytics.putEvents', (_name, sdk) => {
    it('succeeds at once, and Pinpoint gets every event intact, exactly once', async () => {
      const before = standIn.delivered().length;
      const result = await mobileAnalyticsClient(sdk, proxy.url).putEvents({ events: sdkSessionEvents, clientContext: JSON.stringify(rawSdkClientContext) }).promise();
      expect(result.$response.httpResponse.statusCode).toBe(202);
      expect(result.$response.error).toBeNull();
      const delivered = await settled(before);
      expectOnce(delivered, sdkSessionEvents.length);
      expectSdkSessionDelivered(delivered);
    });
  });

  it('aws-sdk-mobile-analytics 0.9.2 empties its storage, and Pinpoint gets every event intact, exactly once', async () => {
    const before = standIn.delivered().length;
    const ama = await submitAmaSession(proxy.url, 'ma-app-amalib-durable');
    expect(ama.err).toBeNull();
    expectAmaStorageEmpty(ama);
    const delivered = await settled(before);
    expectOnce(delivered, 5);
    expectAmaSessionDelivered(delivered);
  });

  describe.each([
    ['Android 2.1.3', android210],
    ['Android 2.1.7', android217],
    ['Android 2.2.3', android223],
    ['Android 2.9.0', android290],
    ['iOS 2.0.5', iosEarly],
    ['iOS 2.8.4', iosLater],
  ] as const)('%s replayed over real HTTP', (_name, make) => {
    it('gets an empty 202, and Pinpoint gets every event intact, exactly once', async () => {
      const fixture = make();
      const before = standIn.delivered().length;
      const answer = await replayFixture(proxy.url, fixture);
      expect(answer.status).toBe(202);
      expect(answer.body).toBe('');
      const delivered = await settled(before);
      expectOnce(delivered, fixture.events.length);
      expectDeliveredIntact(fixture, standIn, delivered);
    });
  });

  it('coalesces every generation sending at once with 40 devices, and delivers each event exactly once', async () => {
    const before = standIn.delivered().length;
    const fixtures: ClientFixture[] = [android290(), iosLater()];
    const kinds: SenderKind[] = ['android', 'ios', 'js'];
    const devices = Array.from({ length: 40 }, (_, i) => `burst-device-${i}`);
    const sdkContext = { ...rawSdkClientContext, client: { ...rawSdkClientContext.client, client_id: 'burst-sdk-client' } };
    const [, ama] = await Promise.all([
      mobileAnalyticsClient(AWS, proxy.url).putEvents({ events: sdkSessionEvents, clientContext: JSON.stringify(sdkContext) }).promise(),
      submitAmaSession(proxy.url, 'ma-app-amalib-burst'),
      ...fixtures.map(async (f) => expect((await replayFixture(proxy.url, f)).status).toBe(202)),
      inParallel(devices, 8, async (clientId, i) => {
        const events = Array.from({ length: 5 }, (_, j) => taggedEvent(`burst-${i}-${j}`, clientId));
        expect((await sendLegacy(proxy.url, { kind: kinds[i % 3] as SenderKind, clientId, events })).status).toBe(202);
      }),
    ]);
    expect(ama.err).toBeNull();
    expectAmaStorageEmpty(ama);
    const delivered = await settled(before);
    const fixtureEvents = fixtures.reduce((n, f) => n + f.events.length, 0);
    expectOnce(delivered, sdkSessionEvents.length + 5 + fixtureEvents + devices.length * 5);
    for (const f of fixtures) {
      const endpointId = f.clientContext.client.client_id ?? f.clientContext.client.installation_id;
      expectDeliveredIntact(f, standIn, delivered.filter((d) => d.endpointId === endpointId));
    }
    expectSdkSessionDelivered(delivered.filter((d) => d.endpointId === 'burst-sdk-client'));
    expectAmaSessionDelivered(delivered.filter((d) => d.applicationId === 'ma-app-amalib-burst'));
    const tags = delivered.map((d) => d.event.Attributes?.['tag']).filter((t): t is string => t !== undefined);
    expect(new Set(tags).size).toBe(devices.length * 5);
  });

  it('was really flaky: Pinpoint answered 500, 503 and 429 along the way', () => {
    const statuses = new Set(standIn.calls.map((c) => c.status));
    expect([...statuses].sort()).toEqual([202, 429, 500, 503]);
    const failures = standIn.calls.filter((c) => c.status !== 202).length;
    expect(failures / standIn.calls.length).toBeGreaterThan(0.1);
  });
});
