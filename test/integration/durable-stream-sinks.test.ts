import AWSLegacy from 'aws-sdk-legacy';
import AWS from 'aws-sdk';
import type { EventStreamRecord } from '../../src/mapping/event-stream-record';
import { android223 } from '../fixtures/clients/android';
import { awsSdkJsModern, rawSdkClientContext } from '../fixtures/clients/aws-sdk-js';
import { allClientFixtures } from '../fixtures/clients';
import type { ClientFixture } from '../fixtures/clients/device-request';
import { iosLater } from '../fixtures/clients/ios';
import { jsLibrary151Events } from '../fixtures/clients/js-library';
import { deliveredCore, expectedCore, expectStreamRecordsIntact, sortedCores, type SentRequest } from '../support/delivery-oracle';
import { startFirehoseStandIn, type FirehoseStandIn } from '../support/firehose-stand-in';
import { startInProcessProxy, type InProcessProxy } from '../support/in-process-proxy';
import { startKinesalite, type Kinesalite, type StreamRecord } from '../support/kinesalite';
import { mobileAnalyticsClient, replayFixture, sdkEventsOnTheWire, sdkSessionEvents, submitAmaSession, type AwsSdkV2 } from '../support/legacy-clients';
import { inParallel, waitFor } from '../support/legacy-sender';
import { startPinpointStandIn, type PinpointStandIn } from '../support/pinpoint-stand-in';
import { makeTempDir } from '../support/temp-dir';

/** Sends with aws-sdk v2 `MobileAnalytics.putEvents` (2.x or 2.96.0) and expects the SDK to count it delivered. */
async function putWithSdk(sdk: AwsSdkV2, url: string): Promise<SentRequest> {
  const result = await mobileAnalyticsClient(sdk, url).putEvents({ events: sdkSessionEvents, clientContext: JSON.stringify(rawSdkClientContext) }).promise();
  expect(result.$response.httpResponse.statusCode).toBe(202);
  return { clientContext: rawSdkClientContext, events: sdkEventsOnTheWire() };
}

/** Submits a session with the real JS library and expects it to count its batch delivered. */
async function submitJsLibrary(url: string, appId: string): Promise<SentRequest> {
  const submission = await submitAmaSession(url, appId);
  expect(submission.err).toBeNull();
  expect(submission.leftInMemory.events).toEqual([]);
  return { clientContext: submission.clientContext, events: submission.events };
}

/** Replays fixtures over real HTTP, a few at a time, expecting the 202 each client counts as delivered. */
async function replayAll(url: string, fixtures: readonly ClientFixture[]): Promise<void> {
  await inParallel(fixtures, 4, async (fixture) => {
    const answer = await replayFixture(url, fixture);
    expect({ fixture: fixture.name, status: answer.status }).toEqual({ fixture: fixture.name, status: 202 });
  });
}

/** Every generation: real aws-sdk 2.x and 2.96.0, the real JS library, and every captured fixture. */
async function sendEveryGeneration(url: string, jsLibraryAppId: string): Promise<SentRequest[]> {
  const fixtures = allClientFixtures();
  await replayAll(url, fixtures);
  const sent: SentRequest[] = [...fixtures];
  sent.push(await putWithSdk(AWS, url));
  sent.push(await putWithSdk(AWSLegacy as unknown as AwsSdkV2, url));
  sent.push(await submitJsLibrary(url, jsLibraryAppId));
  return sent;
}

const eventCount = (sent: readonly SentRequest[]): number => sent.reduce((n, r) => n + r.events.length, 0);
const parse = (data: string): EventStreamRecord => JSON.parse(data) as EventStreamRecord;

/** Asserts the Kinesis side: records keyed by client id, one device per shard, several shards used. */
function expectPartitionedByClient(records: readonly StreamRecord[]): void {
  for (const record of records) {
    expect(record.data.endsWith('}')).toBe(true);
    expect(record.partitionKey).toBe(parse(record.data).client.client_id);
  }
  for (const device of new Set(records.map((r) => r.partitionKey))) {
    expect(new Set(records.filter((r) => r.partitionKey === device).map((r) => r.shardId)).size).toBe(1);
  }
}

/**
 * Issue 5 acceptance, through the service in its default (durable) ack mode: what every legacy
 * client generation sends lands in Kinesis / Firehose exactly once per request, as valid Pinpoint
 * app-event stream records, and a failing stream neither blocks nor duplicates Pinpoint.
 */
describe('issue 5 acceptance, durable mode', () => {
  let kinesalite: Kinesalite;
  let proxy: InProcessProxy | undefined;
  let temp: ReturnType<typeof makeTempDir>;

  const startProxy = async (env: Record<string, string>): Promise<InProcessProxy> => {
    temp = makeTempDir();
    proxy = await startInProcessProxy({ DATA_DIR: temp.dir, FORWARD_LINGER_MS: '100', ...env });
    expect(proxy.deps.spool).toBeDefined();
    return proxy;
  };
  /** Asserts that `stream` holds exactly the events of `sent`, intact and partitioned by client; returns its records. */
  const expectKinesisHasExactly = async (stream: string, sent: readonly SentRequest[]): Promise<StreamRecord[]> => {
    const records = await kinesalite.readAll(stream);
    expect(records).toHaveLength(eventCount(sent));
    expectStreamRecordsIntact(sent, records.map((r) => parse(r.data)));
    expectPartitionedByClient(records);
    return records;
  };

  beforeAll(async () => {
    kinesalite = await startKinesalite();
  });

  afterAll(async () => {
    await kinesalite.close();
  });

  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    temp.remove();
  });

  it('SINK=kinesis: every event of every client generation lands once as a valid record keyed by client id', async () => {
    const stream = 'acceptance-kinesis';
    await kinesalite.createStream(stream, 4);
    const { url, deps } = await startProxy({ SINK: 'kinesis', KINESIS_STREAM: stream, KINESIS_ENDPOINT: kinesalite.endpoint });
    const sent = await sendEveryGeneration(url, 'ma-app-amalib-kinesis');
    await waitFor(() => deps.spool?.storedEvents() === 0, 30_000, 'the spool to drain into kinesis');
    const records = await expectKinesisHasExactly(stream, sent);
    expect(new Set(records.map((r) => r.shardId)).size).toBeGreaterThan(1);
  });

  describe('SINK=firehose', () => {
    const stream = 'acceptance-firehose';
    let firehose: FirehoseStandIn;

    beforeEach(async () => {
      firehose = await startFirehoseStandIn([stream]);
    });

    afterEach(async () => {
      await firehose.close();
    });

    it('lands every event once as a newline-terminated record, resending only what Firehose failed', async () => {
      firehose.failCalls(2, { status: 500, code: 'ServiceUnavailableException' });
      let flaky = 0;
      firehose.failRecords((data, attempt) => {
        if (attempt > 0 || (flaky += 1) % 5 !== 0) return undefined;
        return { code: 'ServiceUnavailableException', message: 'Slow down.' };
      });
      const { url, deps } = await startProxy({ SINK: 'firehose', FIREHOSE_STREAM: stream, FIREHOSE_ENDPOINT: firehose.endpoint });
      const sent = await sendEveryGeneration(url, 'ma-app-amalib-firehose');
      await waitFor(() => deps.spool?.storedEvents() === 0, 30_000, 'the spool to drain into firehose');

      const accepted = firehose.accepted(stream);
      for (const data of accepted) expect(data).toMatch(/^\{[^\n]*\}\n$/);
      expectStreamRecordsIntact(
        sent,
        accepted.map((data) => parse(data)),
      );
      const failedRecords = firehose.received.filter((r) => !r.accepted);
      expect(failedRecords.length).toBeGreaterThan(0);
      expect(firehose.received).toHaveLength(eventCount(sent) + failedRecords.length);
      const callsWithRecords = new Set(firehose.received.map((r) => r.call)).size;
      expect(firehose.calls()).toBe(callsWithRecords + 2);
    });
  });

  describe('SINK=pinpoint,kinesis', () => {
    const stream = 'acceptance-fanout';
    let pinpoint: PinpointStandIn;
    const sent: SentRequest[] = [];

    const expectPinpointHasExactly = (requests: readonly SentRequest[]): void => {
      const delivered = pinpoint.delivered();
      expect(pinpoint.rejectedRequests).toEqual([]);
      expect(new Set(delivered.map((d) => d.eventId)).size).toBe(delivered.length);
      expect(sortedCores(delivered.map((d) => deliveredCore(d.event)))).toEqual(sortedCores(requests.flatMap((r) => r.events.map(expectedCore))));
    };

    beforeAll(async () => {
      pinpoint = await startPinpointStandIn();
    });

    afterAll(async () => {
      await pinpoint.close();
    });

    it('keeps delivering to Pinpoint while the stream is missing, then Kinesis catches up, with no duplicates', async () => {
      const { url, deps } = await startProxy({
        SINK: 'pinpoint,kinesis',
        PINPOINT_ENDPOINT: pinpoint.url,
        KINESIS_STREAM: stream,
        KINESIS_ENDPOINT: kinesalite.endpoint,
      });
      const before = [awsSdkJsModern(), android223(), iosLater()];
      await replayAll(url, before);
      sent.push(...before);
      await waitFor(() => pinpoint.delivered().length >= eventCount(sent), 10_000, 'pinpoint while kinesis fails');
      await waitFor(() => deps.delivery?.health().find((h) => h.sink === 'kinesis')?.lastError !== undefined, 10_000, 'a kinesis failure');
      const kinesisHealth = deps.delivery?.health().find((h) => h.sink === 'kinesis');
      expect(kinesisHealth?.lastError).toEqual(expect.objectContaining({ kind: 'not-found', code: 'ResourceNotFoundException' }));
      expect((kinesisHealth?.pausedUntil ?? 0) - (kinesisHealth?.lastError?.at ?? 0)).toBeGreaterThanOrEqual(7_000);
      expectPinpointHasExactly(sent);
      expect(deps.spool?.storedEvents()).toBe(eventCount(sent));

      await kinesalite.createStream(stream, 4);
      await waitFor(async () => (await kinesalite.readAll(stream)).length >= eventCount(sent), 25_000, 'kinesis to catch up');
      await waitFor(() => deps.spool?.storedEvents() === 0, 5_000, 'the spool to drain');
      expect(deps.delivery?.health().find((h) => h.sink === 'kinesis')?.consecutiveFailures).toBe(0);

      const after = [jsLibrary151Events()];
      await replayAll(url, after);
      sent.push(...after);
      sent.push(await putWithSdk(AWS, url));
      sent.push(await submitJsLibrary(url, 'ma-app-amalib-fanout'));
      await waitFor(() => deps.spool?.storedEvents() === 0, 15_000, 'both sinks to take the later events');

      expectPinpointHasExactly(sent);
      const records = await expectKinesisHasExactly(stream, sent);
      expect(new Set(records.map((r) => parse(r.data).event_id))).toEqual(new Set(pinpoint.delivered().map((d) => d.eventId)));
    });
  });
});
