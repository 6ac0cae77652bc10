import path from 'node:path';
import { systemClock } from '../../src/clock';
import { createSink, type SinkDeps } from '../../src/composition/sinks';
import { eventStorePath, openEventStore } from '../../src/local-store/event-store';
import { silentLogger } from '../../src/logger';
import { createLocalSink } from '../../src/sinks/local-sink';
import { deviceEnvelopes } from '../support/legacy-requests';
import { STAND_IN_CREDENTIALS, startPinpointStandIn, type PinpointStandIn, type StandInAnswer } from '../support/pinpoint-stand-in';
import { describeSinkContract, type SinkFaults } from '../support/sink-contract';
import { makeTempDir } from '../support/temp-dir';

/** Sinks are built as the service builds them in durable mode: one SDK attempt per call, paced (here far above any test's pace). */
const DURABLE_DEPS: SinkDeps = { logger: silentLogger, clock: systemClock, ackMode: 'durable', credentials: { ...STAND_IN_CREDENTIALS } };
const UNPACED = 1000;

/** The message the stand-in gives events it refuses one by one. */
const EVENT_REFUSAL = 'Event timestamp is out of range (stand-in refusal)';

/** Faults through the stand-in's behaviour: whole-call answers queued once, per-event 400s inside a 202. */
function pinpointFaults(standIn: PinpointStandIn): SinkFaults {
  const nextCalls: StandInAnswer[] = [];
  const refuse = new Set<string>();
  standIn.setBehavior(({ eventIds }) => {
    const whole = nextCalls.shift();
    if (whole) return whole;
    const refused = eventIds.filter((id) => refuse.has(id));
    if (refused.length === 0) return undefined;
    for (const id of refused) refuse.delete(id);
    return { status: 202, rejectEventIds: refused, message: EVENT_REFUSAL };
  });
  return {
    throttleNextCall: () => void nextCalls.push({ status: 429, code: 'TooManyRequestsException', message: 'Too many requests' }),
    refuseNextCall: () => void nextCalls.push({ status: 400, code: 'BadRequestException', message: 'Invalid EventsRequest (stand-in refusal)' }),
    refuseEvents(eventIds) {
      for (const id of eventIds) refuse.add(id);
      return { reportedAs: 'rejected', message: EVENT_REFUSAL };
    },
  };
}

describeSinkContract('local', () => {
  const temp = makeTempDir();
  const sink = createSink({ name: 'local', dataDir: temp.dir }, DURABLE_DEPS);
  const reader = openEventStore(eventStorePath(temp.dir), { readonly: true });
  return Promise.resolve({
    sink,
    readBack: () => Promise.resolve(reader.tail({ limit: 100_000 }).records.map((record) => ({ eventId: record.event_id, record }))),
    close: async () => {
      reader.close();
      await sink.close().catch(() => undefined);
      temp.remove();
    },
  });
});

describeSinkContract(
  'pinpoint',
  async () => {
    const standIn = await startPinpointStandIn();
    const sink = createSink({ name: 'pinpoint', region: 'us-east-1', endpoint: standIn.url, maxCallsPerSecond: UNPACED }, DURABLE_DEPS);
    return {
      sink,
      readBack: () => Promise.resolve(standIn.delivered().map((e) => ({ eventId: e.eventId, record: e.event }))),
      faults: pinpointFaults(standIn),
      close: async () => {
        await sink.close();
        await standIn.close();
        expect(standIn.rejectedRequests).toEqual([]);
      },
    };
  },
  { faults: true },
);

describe('local store', () => {
  it('stores a redelivered event once, with the columns KPI queries use', async () => {
    const temp = makeTempDir();
    const store = openEventStore(path.join(temp.dir, 'events.db'));
    const sink = createLocalSink(store);
    const envelopes = deviceEnvelopes('device-9', 3);
    await sink.deliver(envelopes);
    await sink.deliver(envelopes);
    expect(store.count()).toBe(3);
    const [first] = store.tail({ limit: 1, appId: envelopes[0]!.applicationId }).records;
    expect(first).toEqual(expect.objectContaining({ event_version: '3.0', client: { client_id: 'device-9' } }));
    expect(store.tail({ limit: 10, appId: 'another-app' }).records).toEqual([]);
    await sink.close();
    temp.remove();
  });
});
