import { KinesisClient, PutRecordsCommand, type PutRecordsCommandOutput, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { systemClock } from '../../src/clock';
import { createSink, type SinkDeps } from '../../src/composition/sinks';
import type { EventEnvelope } from '../../src/mapping/event-envelope';
import { toEventStreamRecord } from '../support/event-stream-oracle';
import { silentLogger } from '../../src/logger';
import type { EventSink } from '../../src/sinks/event-sink';
import { createKinesisSink } from '../../src/sinks/kinesis-sink';
import { eventStreamRecordProblems } from '../support/delivery-oracle';
import { FAKE_CREDENTIALS } from '../support/fake-credentials';
import { startKinesisFaultProxy, type KinesisFaultProxy } from '../support/kinesis-fault-proxy';
import { startKinesalite, type Kinesalite } from '../support/kinesalite';
import { SAMPLE_APP_ID, SAMPLE_RECEIVED_AT, sampleEnvelopes } from '../support/legacy-requests';
import { describeSinkContract, type SinkFaults } from '../support/sink-contract';

function eventIdOf(data: string): string {
  return (JSON.parse(data) as { event_id: string }).event_id;
}

/** Built as the service builds it in durable mode: one SDK attempt per call, paced (here far above any test's pace). */
const DURABLE_DEPS: SinkDeps = { logger: silentLogger, clock: systemClock, ackMode: 'durable', credentials: FAKE_CREDENTIALS };
const UNPACED = 1000;

/** Faults through the proxy in front of kinesalite: whole calls answered with a JSON 1.1 error, records with an ErrorCode. */
function kinesisFaults(proxy: KinesisFaultProxy, streamName: string): SinkFaults {
  const refuse = new Set<string>();
  const throughput = `Rate exceeded for shard shardId-000000000000 in stream ${streamName} under account 000000000000.`;
  proxy.failRecords((data) => (refuse.delete(eventIdOf(data)) ? { code: 'ProvisionedThroughputExceededException', message: throughput } : undefined));
  return {
    throttleNextCall: () =>
      proxy.failNextCall({ status: 400, code: 'ProvisionedThroughputExceededException', message: `Rate exceeded for stream ${streamName} under account 000000000000.` }),
    refuseNextCall: () => proxy.failNextCall({ status: 400, code: 'InvalidArgumentException', message: 'Records must not be empty (injected)' }),
    refuseEvents(eventIds) {
      for (const id of eventIds) refuse.add(id);
      return { reportedAs: 'failed', kind: 'throttled', code: 'ProvisionedThroughputExceededException' };
    },
  };
}

describe('kinesis sink on kinesalite', () => {
  let kinesalite: Kinesalite;
  let streams = 0;

  beforeAll(async () => {
    kinesalite = await startKinesalite();
  });

  afterAll(async () => {
    await kinesalite.close();
  });

  const newStream = async (shards: number): Promise<string> => {
    streams += 1;
    const name = `events-${streams}`;
    await kinesalite.createStream(name, shards);
    return name;
  };

  describeSinkContract(
    'kinesis',
    async () => {
      const streamName = await newStream(4);
      const proxy = await startKinesisFaultProxy(kinesalite.endpoint);
      const sink = createSink({ name: 'kinesis', region: 'us-east-1', endpoint: proxy.url, maxCallsPerSecond: UNPACED, streamName }, DURABLE_DEPS);
      return {
        sink,
        readBack: async () => (await kinesalite.readAll(streamName)).map((r) => ({ eventId: eventIdOf(r.data), record: JSON.parse(r.data) })),
        faults: kinesisFaults(proxy, streamName),
        close: async () => {
          await sink.close();
          await proxy.close();
        },
      };
    },
    { faults: true },
  );

  describe('records', () => {
    let streamName: string;
    let sink: EventSink;
    let envelopes: EventEnvelope[];

    beforeAll(async () => {
      streamName = await newStream(4);
      sink = createKinesisSink({ client: kinesalite.client(), streamName, logger: silentLogger });
      envelopes = sampleEnvelopes(8, 5);
      expect(await sink.deliver(envelopes)).toEqual({ rejected: [], failed: [] });
    });

    afterAll(async () => {
      await sink.close();
    });

    it('holds one record per event, partitioned by endpoint id, spread over several shards', async () => {
      const records = await kinesalite.readAll(streamName);
      expect(records.map((r) => eventIdOf(r.data)).sort()).toEqual(envelopes.map((e) => e.eventId).sort());
      const byId = new Map(envelopes.map((e) => [e.eventId, e]));
      for (const record of records) {
        expect(record.partitionKey).toBe(byId.get(eventIdOf(record.data))?.endpointId);
      }
      expect(new Set(records.map((r) => r.shardId)).size).toBeGreaterThan(1);
      for (const device of new Set(records.map((r) => r.partitionKey))) {
        expect(new Set(records.filter((r) => r.partitionKey === device).map((r) => r.shardId)).size).toBe(1);
      }
    });

    it("keeps each device's events in order on its shard", async () => {
      const records = await kinesalite.readAll(streamName);
      for (const device of new Set(envelopes.map((e) => e.endpointId))) {
        const sent = envelopes.filter((e) => e.endpointId === device).map((e) => e.eventId);
        const read = records.filter((r) => r.partitionKey === device).map((r) => eventIdOf(r.data));
        expect(read).toEqual(sent);
      }
    });

    it('writes the Pinpoint event-stream record as UTF-8 JSON without a trailing newline', async () => {
      const records = await kinesalite.readAll(streamName);
      const byId = new Map(envelopes.map((e) => [e.eventId, e]));
      for (const record of records) {
        expect(record.data.endsWith('}')).toBe(true);
        const json = JSON.parse(record.data) as Record<string, unknown>;
        expect(eventStreamRecordProblems(json)).toBeUndefined();
        expect(json).toEqual(JSON.parse(JSON.stringify(toEventStreamRecord(byId.get(json['event_id'] as string) as EventEnvelope))));
      }
      const first = JSON.parse((records.find((r) => r.partitionKey === 'device-3') as { data: string }).data) as Record<string, unknown>;
      expect(first).toEqual({
        event_type: '_session.start',
        event_timestamp: Date.parse('2024-05-01T12:00:00.000Z'),
        arrival_timestamp: SAMPLE_RECEIVED_AT,
        event_version: '3.0',
        event_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
        application: {
          app_id: SAMPLE_APP_ID,
          package_name: 'com.example.sample',
          title: 'Sample App',
          version_name: '1.4.0',
          version_code: '140',
          sdk: { name: 'aws-sdk-mobile-analytics-js', version: '0.9.2' },
        },
        client: { client_id: 'device-3' },
        device: { locale: { code: 'en_US', language: 'en', country: 'US' }, make: 'Google', model: 'Pixel 7', platform: { name: 'android', version: '13' } },
        session: { session_id: 'session-device-3', start_timestamp: Date.parse('2024-05-01T12:00:00.000Z') },
        attributes: { level: 'L0', mode: 'story' },
        metrics: { score: 0 },
      });
    });
  });

  it('fails the whole batch as not-found when the stream does not exist', async () => {
    const sink = createKinesisSink({ client: kinesalite.client(), streamName: 'no-such-stream', logger: silentLogger });
    const envelopes = sampleEnvelopes(2, 2);
    const result = await sink.deliver(envelopes);
    await sink.close();
    expect(result.rejected).toEqual([]);
    expect(result.failed.map((f) => f.eventId)).toEqual(envelopes.map((e) => e.eventId));
    expect(result.failed.every((f) => f.error.kind === 'not-found' && f.error.code === 'ResourceNotFoundException')).toBe(true);
  });
});

/** A KinesisClient whose PutRecords answers come from a script, recording every request. */
function scriptedClient(answer: (entries: PutRecordsRequestEntry[], call: number) => Promise<Partial<PutRecordsCommandOutput>>): {
  client: KinesisClient;
  calls: PutRecordsRequestEntry[][];
} {
  const calls: PutRecordsRequestEntry[][] = [];
  const client = {
    send: async (command: unknown) => {
      if (!(command instanceof PutRecordsCommand)) throw new Error('only PutRecords is scripted');
      const entries = command.input.Records ?? [];
      calls.push(entries);
      return answer(entries, calls.length);
    },
    destroy: () => undefined,
  } as unknown as KinesisClient;
  return { client, calls };
}

function dataOf(entry: PutRecordsRequestEntry): string {
  return Buffer.from(entry.Data as Uint8Array).toString('utf8');
}

function sdkError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} (scripted)`), { name, $metadata: { httpStatusCode: status } });
}

describe('kinesis sink failures (scripted client)', () => {
  it('reports only the records with an ErrorCode, classified, and resending them delivers each event once', async () => {
    const envelopes = sampleEnvelopes(2, 4);
    const throttledId = envelopes[2]?.eventId;
    const internalId = envelopes[5]?.eventId;
    const stored: string[] = [];
    const { client, calls } = scriptedClient(async (entries, call) => {
      const records = entries.map((entry) => {
        const id = eventIdOf(dataOf(entry));
        if (call === 1 && id === throttledId) return { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard' };
        if (call === 1 && id === internalId) return { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' };
        stored.push(id);
        return { SequenceNumber: String(stored.length), ShardId: 'shardId-000000000000' };
      });
      return { FailedRecordCount: records.filter((r) => 'ErrorCode' in r).length, Records: records };
    });
    const sink = createKinesisSink({ client, streamName: 's', logger: silentLogger });

    const first = await sink.deliver(envelopes);
    expect(first.rejected).toEqual([]);
    expect(first.failed.map((f) => [f.eventId, f.error.kind, f.error.code])).toEqual([
      [throttledId, 'throttled', 'ProvisionedThroughputExceededException'],
      [internalId, 'transient', 'InternalFailure'],
    ]);
    const failedIds = new Set(first.failed.map((f) => f.eventId));
    const second = await sink.deliver(envelopes.filter((e) => failedIds.has(e.eventId)));
    expect(second).toEqual({ rejected: [], failed: [] });
    expect(calls.map((entries) => entries.length)).toEqual([8, 2]);
    expect(stored.sort()).toEqual(envelopes.map((e) => e.eventId).sort());
  });

  it('counts records without a verdict as failed only when the call reported failures', async () => {
    const envelopes = sampleEnvelopes(1, 3);
    const { client } = scriptedClient(async (_entries, call) => (call === 1 ? { FailedRecordCount: 1, Records: [{ SequenceNumber: '1' }] } : { FailedRecordCount: 0, Records: [] }));
    const sink = createKinesisSink({ client, streamName: 's', logger: silentLogger });
    const first = await sink.deliver(envelopes);
    expect(first.failed.map((f) => [f.eventId, f.error.code])).toEqual(envelopes.slice(1).map((e) => [e.eventId, 'MissingRecordResult']));
    expect(await sink.deliver(envelopes)).toEqual({ rejected: [], failed: [] });
  });

  it.each([
    ['ResourceNotFoundException', 400, 'not-found'],
    ['AccessDeniedException', 400, 'forbidden'],
    ['ProvisionedThroughputExceededException', 400, 'throttled'],
    ['KMSThrottlingException', 400, 'throttled'],
    ['ValidationException', 400, 'invalid'],
    ['InternalFailure', 500, 'transient'],
  ])('fails the whole batch when the call throws %s (%i) as %s', async (name, status, kind) => {
    const envelopes = sampleEnvelopes(1, 3);
    const { client } = scriptedClient(async () => {
      throw sdkError(name, status);
    });
    const result = await createKinesisSink({ client, streamName: 's', logger: silentLogger }).deliver(envelopes);
    expect(result.rejected).toEqual([]);
    expect(result.failed.map((f) => [f.eventId, f.error.kind, f.error.code])).toEqual(envelopes.map((e) => [e.eventId, kind, name]));
  });

  it('splits by the 500-record and 5 MiB limits, counting partition keys, and rejects a record over 1 MiB', async () => {
    const { client, calls } = scriptedClient(async (entries) => ({ FailedRecordCount: 0, Records: entries.map(() => ({ SequenceNumber: '1' })) }));
    const sink = createKinesisSink({ client, streamName: 's', logger: silentLogger });
    const base = sampleEnvelopes(1, 1)[0] as EventEnvelope;
    const fat = (index: number, bytes: number): EventEnvelope => ({
      ...base,
      eventId: `fat-${index}`,
      event: { ...base.event, Attributes: { blob: 'x'.repeat(bytes) } },
    });
    const many = sampleEnvelopes(2, 600);
    expect(await sink.deliver(many)).toEqual({ rejected: [], failed: [] });
    expect(calls.map((c) => c.length)).toEqual([500, 500, 200]);
    for (const entry of calls.flat()) {
      expect(entry.PartitionKey).toBe((JSON.parse(dataOf(entry)) as { client: { client_id: string } }).client.client_id);
    }

    calls.length = 0;
    const big = Array.from({ length: 6 }, (_, i) => fat(i, 1000 * 1024));
    const result = await sink.deliver([...big, fat(99, 1024 * 1024)]);
    expect(result.failed).toEqual([]);
    expect(result.rejected.map((r) => r.eventId)).toEqual(['fat-99']);
    expect(calls.map((c) => c.length)).toEqual([5, 1]);
    for (const call of calls) {
      const bytes = call.reduce((sum, e) => sum + (e.Data as Uint8Array).length + Buffer.byteLength(e.PartitionKey as string), 0);
      expect(bytes).toBeLessThanOrEqual(5 * 1024 * 1024);
    }
  });
});
