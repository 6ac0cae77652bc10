import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EventsRequest } from '@aws-sdk/client-pinpoint';
import { systemClock } from '../../src/clock';
import { createSink } from '../../src/composition/sinks';
import type { Forwarder } from '../../src/forwarder/forwarder';
import { eventStorePath, openEventStore } from '../../src/local-store/event-store';
import { silentLogger } from '../../src/logger';
import type { EventEnvelope } from '../../src/mapping/event-envelope';
import type { EventStreamRecord } from '../../src/mapping/event-stream-record';
import type { PinpointEventsInput } from '../../src/mapping/map-pinpoint-request';
import type { StoredEndpointProfile } from '../../src/mapping/merge-endpoint';
import { createDurableAcceptor } from '../../src/pipeline/durable-acceptor';
import { allFailed, type EventSink } from '../../src/sinks/event-sink';
import { SinkError } from '../../src/sinks/sink-error';
import { waitFor } from '../support/legacy-sender';
import { STAND_IN_CREDENTIALS, startPinpointStandIn } from '../support/pinpoint-stand-in';
import { openSpoolHarness, startHarnessForwarder, type SpoolHarness } from '../support/spool-harness';
import { makeTempDir } from '../support/temp-dir';

/** A Pinpoint mapping case: an Amplify JS request, its stored endpoint profile, and what it maps to. */
interface MappingCase {
  applicationId: string;
  receivedAt: number;
  request: EventsRequest;
  profiles: Record<string, StoredEndpointProfile>;
  expected: { envelopes: EventEnvelope[]; records: EventStreamRecord[] };
}

const CASE = JSON.parse(
  readFileSync(path.join(__dirname, '..', 'fixtures', 'pinpoint-mapping', 'amplify-js-session-custom.json'), 'utf8'),
) as MappingCase;
const INPUT: PinpointEventsInput = {
  applicationId: CASE.applicationId,
  receivedAt: CASE.receivedAt,
  request: CASE.request,
  profiles: new Map(Object.entries(CASE.profiles)),
};
const EXPECTED_IDS = CASE.expected.envelopes.map((e) => e.eventId);

/** A stored Pinpoint request, leased and mapped by the real forwarder on a real spool file. */
describe('a pinpointRequest row, delivered by the forwarder', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let spool: SpoolHarness;
  let forwarder: Forwarder | undefined;

  const start = (sink: EventSink, maxEvents = 1000): void => {
    spool = openSpoolHarness(path.join(temp.dir, 'spool.db'), [sink.name], maxEvents, systemClock.now);
    forwarder = startHarnessForwarder(spool, {
      sinks: [sink],
      clock: systemClock,
      random: () => 0,
      backoff: { baseMs: 20, maxMs: 100, operatorBaseMs: 20, operatorMaxMs: 100 },
      pollMs: 10,
    });
  };

  /** Stores the case as the durable acceptor does, and tells the forwarder. */
  const acceptCase = async (): Promise<void> => {
    await createDurableAcceptor(spool.appender, (seq) => spool.queue.noteAppended(seq)).acceptPinpoint(INPUT);
    forwarder?.notify();
  };

  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(async () => {
    await forwarder?.stop();
    forwarder = undefined;
    spool.close();
    temp.remove();
  });

  it('writes records with the endpoint object to the local store, the same ids on a retried lease', async () => {
    const local = createSink({ name: 'local', dataDir: temp.dir }, { logger: silentLogger, clock: systemClock, ackMode: 'durable' });
    const calls: string[][] = [];
    // The first call fails as a whole, so the row is leased again from the retries.
    const sink: EventSink = {
      name: local.name,
      maxBatchEvents: local.maxBatchEvents,
      deliver: (envelopes) => {
        calls.push(envelopes.map((e) => e.eventId));
        if (calls.length === 1) return Promise.resolve(allFailed(calls[0]!, new SinkError('transient', 'scripted outage', 'ServiceUnavailable')));
        return local.deliver(envelopes);
      },
      close: () => local.close(),
    };
    start(sink);
    await acceptCase();
    await waitFor(() => spool.storedEvents() === 0, 5000, 'the row delivered');
    expect(calls).toEqual([EXPECTED_IDS, EXPECTED_IDS]);
    const reader = openEventStore(eventStorePath(temp.dir), { readonly: true });
    const records = reader.tail({ limit: 100 }).records;
    reader.close();
    expect(records).toEqual(CASE.expected.records);
    for (const record of records) expect(record.endpoint).toEqual(expect.objectContaining({ User: expect.any(Object) }));
  });

  it('sends a valid PutEvents call with the mapped events to Pinpoint', async () => {
    const standIn = await startPinpointStandIn();
    try {
      const sink = createSink(
        { name: 'pinpoint', region: 'us-east-1', endpoint: standIn.url, maxCallsPerSecond: 1000 },
        { logger: silentLogger, clock: systemClock, ackMode: 'durable', credentials: { ...STAND_IN_CREDENTIALS } },
      );
      start(sink);
      await acceptCase();
      await waitFor(() => spool.storedEvents() === 0, 5000, 'the row delivered');
      expect(standIn.rejectedRequests).toEqual([]);
      expect(standIn.calls).toEqual([expect.objectContaining({ applicationId: CASE.applicationId, status: 202, eventIds: EXPECTED_IDS })]);
      expect(standIn.delivered()).toEqual(
        CASE.expected.envelopes.map((e) => ({ applicationId: e.applicationId, endpointId: e.endpointId, eventId: e.eventId, endpoint: e.endpoint, event: e.event })),
      );
    } finally {
      await forwarder?.stop();
      forwarder = undefined;
      await standIn.close();
    }
  });

  it('refuses a request the spool has no room for (retry later), storing nothing', async () => {
    const sink = createSink({ name: 'local', dataDir: temp.dir }, { logger: silentLogger, clock: systemClock, ackMode: 'durable' });
    start(sink, EXPECTED_IDS.length - 1);
    await expect(acceptCase()).rejects.toMatchObject({ reason: 'spool_full' });
    expect(spool.storedEvents()).toBe(0);
    await sink.close();
  });

  it('stores nothing for a request whose events were all refused', async () => {
    const sink = createSink({ name: 'local', dataDir: temp.dir }, { logger: silentLogger, clock: systemClock, ackMode: 'durable' });
    start(sink);
    const emptied = Object.fromEntries(Object.entries(CASE.request.BatchItem ?? {}).map(([id, batch]) => [id, { ...batch, Events: {} }]));
    await createDurableAcceptor(spool.appender, () => undefined).acceptPinpoint({ ...INPUT, request: { BatchItem: emptied } });
    expect(spool.appender.lastAppendedSeq()).toBe(0);
    await sink.close();
  });
});
