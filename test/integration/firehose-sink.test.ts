import { systemClock } from '../../src/clock';
import { createSink, type SinkDeps } from '../../src/composition/sinks';
import type { EventEnvelope } from '../../src/mapping/event-envelope';
import { toEventStreamRecord } from '../support/event-stream-oracle';
import { silentLogger } from '../../src/logger';
import type { DeliveryResult, EventSink } from '../../src/sinks/event-sink';
import { createFirehoseSink } from '../../src/sinks/firehose-sink';
import { eventStreamRecordProblems } from '../support/delivery-oracle';
import { FAKE_CREDENTIALS } from '../support/fake-credentials';
import { startFirehoseStandIn, type FirehoseStandIn } from '../support/firehose-stand-in';
import { sampleEnvelopes } from '../support/legacy-requests';
import { describeSinkContract, type SinkFaults } from '../support/sink-contract';

const STREAM = 'pinpoint-events';

function eventIdOf(data: string): string {
  return (JSON.parse(data) as { event_id: string }).event_id;
}

/** Built as the service builds it in durable mode: one SDK attempt per call, paced (here far above any test's pace). */
const DURABLE_DEPS: SinkDeps = { logger: silentLogger, clock: systemClock, ackMode: 'durable', credentials: FAKE_CREDENTIALS };
const UNPACED = 1000;

/** Faults through the stand-in: whole calls failed with a JSON 1.1 error, records with a per-record ErrorCode. */
function firehoseFaults(standIn: FirehoseStandIn): SinkFaults {
  const refuse = new Set<string>();
  standIn.failRecords((data) => {
    const id = eventIdOf(data);
    if (!refuse.delete(id)) return undefined;
    return { code: 'ServiceUnavailableException', message: 'Slow down.' };
  });
  return {
    throttleNextCall: () => standIn.failCalls(1, { status: 400, code: 'ThrottlingException' }),
    refuseNextCall: () => standIn.failCalls(1, { status: 400, code: 'InvalidArgumentException' }),
    refuseEvents(eventIds) {
      for (const id of eventIds) refuse.add(id);
      return { reportedAs: 'failed', kind: 'transient', code: 'ServiceUnavailableException' };
    },
  };
}

describeSinkContract(
  'firehose',
  async () => {
    const standIn = await startFirehoseStandIn([STREAM]);
    const sink = createSink({ name: 'firehose', region: 'us-east-1', endpoint: standIn.endpoint, maxCallsPerSecond: UNPACED, deliveryStreamName: STREAM }, DURABLE_DEPS);
    return {
      sink,
      readBack: () => Promise.resolve(standIn.accepted(STREAM).map((data) => ({ eventId: eventIdOf(data), record: JSON.parse(data) as unknown }))),
      faults: firehoseFaults(standIn),
      close: async () => {
        await sink.close();
        await standIn.close();
      },
    };
  },
  { faults: true },
);

describe('firehose sink against the stand-in', () => {
  let standIn: FirehoseStandIn;
  let sink: EventSink;

  const sinkWith = (maxAttempts: number, stream = STREAM): EventSink =>
    createFirehoseSink({ client: standIn.client({ maxAttempts }), deliveryStreamName: stream, logger: silentLogger });

  /** Delivers, then re-delivers only what failed, as the forwarder does; returns every round's result. */
  async function deliverUntilDone(envelopes: readonly EventEnvelope[], rounds: number): Promise<DeliveryResult[]> {
    const results: DeliveryResult[] = [];
    let pending = envelopes;
    for (let round = 0; round < rounds && pending.length > 0; round += 1) {
      const result = await sink.deliver(pending);
      results.push(result);
      const failed = new Set(result.failed.map((f) => f.eventId));
      pending = pending.filter((e) => failed.has(e.eventId));
    }
    return results;
  }

  beforeEach(async () => {
    standIn = await startFirehoseStandIn([STREAM]);
    sink = sinkWith(1);
  });

  afterEach(async () => {
    await sink.close();
    await standIn.close();
  });

  it('writes each event as its event-stream record plus one newline (JSON Lines in S3)', async () => {
    const envelopes = sampleEnvelopes(2, 3);
    expect(await sink.deliver(envelopes)).toEqual({ rejected: [], failed: [] });
    const data = standIn.accepted(STREAM);
    expect(data).toHaveLength(6);
    for (const line of data) expect(line).toMatch(/^\{[^\n]*\}\n$/);
    const byId = new Map(envelopes.map((e) => [e.eventId, e]));
    for (const line of data) {
      const record = JSON.parse(line) as { event_id: string };
      expect(eventStreamRecordProblems(record)).toBeUndefined();
      expect(record).toEqual(JSON.parse(JSON.stringify(toEventStreamRecord(byId.get(record.event_id) as EventEnvelope))));
    }
    expect(data.join('').split('\n').filter(Boolean).map(eventIdOf).sort()).toEqual(envelopes.map((e) => e.eventId).sort());
  });

  it('reports only the records Firehose failed, and resending them delivers each event once', async () => {
    const envelopes = sampleEnvelopes(2, 5);
    const flaky = new Set([envelopes[1]?.eventId, envelopes[7]?.eventId]);
    standIn.failRecords((data, attempt) =>
      flaky.has(eventIdOf(data)) && attempt < 2 ? { code: 'ServiceUnavailableException', message: 'Slow down.' } : undefined,
    );
    const results = await deliverUntilDone(envelopes, 5);
    expect(results).toHaveLength(3);
    expect(results[0]?.failed.map((f) => f.eventId).sort()).toEqual([...flaky].sort());
    expect(results[0]?.failed.every((f) => f.error.kind === 'transient' && f.error.code === 'ServiceUnavailableException')).toBe(true);
    expect(results[2]).toEqual({ rejected: [], failed: [] });
    expect(standIn.calls()).toBe(3);
    expect(standIn.received.filter((r) => r.call > 1).map((r) => eventIdOf(r.data)).sort()).toEqual([...[...flaky], ...[...flaky]].sort());
    expect(standIn.accepted(STREAM).map(eventIdOf).sort()).toEqual(envelopes.map((e) => e.eventId).sort());
  });

  it('classifies a per-record KMS access error as forbidden', async () => {
    const envelopes = sampleEnvelopes(1, 2);
    standIn.failRecords((data) => (eventIdOf(data) === envelopes[0]?.eventId ? { code: 'KMSAccessDeniedException', message: 'no key' } : undefined));
    const result = await sink.deliver(envelopes);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]?.error.kind).toBe('forbidden');
  });

  it('fails the whole batch as not-found when the delivery stream does not exist', async () => {
    await sink.close();
    sink = sinkWith(1, 'missing-stream');
    const envelopes = sampleEnvelopes(1, 3);
    const result = await sink.deliver(envelopes);
    expect(result.rejected).toEqual([]);
    expect(result.failed.map((f) => f.eventId)).toEqual(envelopes.map((e) => e.eventId));
    expect(result.failed.every((f) => f.error.kind === 'not-found' && f.error.code === 'ResourceNotFoundException')).toBe(true);
  });

  it.each([
    [400, 'ServiceUnavailableException', 'transient'],
    [400, 'LimitExceededException', 'throttled'],
    [500, 'InternalFailure', 'transient'],
    [400, 'AccessDeniedException', 'forbidden'],
  ])('fails the whole batch on a %i %s as %s, and the next delivery succeeds', async (status, code, kind) => {
    const envelopes = sampleEnvelopes(1, 3);
    standIn.failCalls(1, { status, code });
    const first = await sink.deliver(envelopes);
    expect(first.failed).toHaveLength(3);
    expect(first.failed[0]?.error.code).toBe(code);
    expect(first.failed[0]?.error.kind).toBe(kind);
    expect(standIn.accepted(STREAM)).toEqual([]);
    expect(await sink.deliver(envelopes)).toEqual({ rejected: [], failed: [] });
    expect(standIn.accepted(STREAM)).toHaveLength(3);
  });

  it('lets the SDK retry a 500 within one delivery when the client allows attempts', async () => {
    await sink.close();
    sink = sinkWith(3);
    standIn.failCalls(1, { status: 500, code: 'InternalFailure' });
    expect(await sink.deliver(sampleEnvelopes(1, 2))).toEqual({ rejected: [], failed: [] });
    expect(standIn.calls()).toBe(2);
    expect(standIn.accepted(STREAM)).toHaveLength(2);
  });

  it('splits 1,200 events into calls of at most 500 records', async () => {
    const envelopes = sampleEnvelopes(3, 400);
    expect(await sink.deliver(envelopes)).toEqual({ rejected: [], failed: [] });
    const perCall = new Map<number, number>();
    for (const r of standIn.received) perCall.set(r.call, (perCall.get(r.call) ?? 0) + 1);
    expect([...perCall.values()]).toEqual([500, 500, 200]);
  });
});
