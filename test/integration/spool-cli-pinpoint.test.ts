import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EventsRequest } from '@aws-sdk/client-pinpoint';
import { systemClock } from '../../src/clock';
import { createSink } from '../../src/composition/sinks';
import type { Forwarder } from '../../src/forwarder/forwarder';
import { silentLogger } from '../../src/logger';
import type { EventEnvelope } from '../../src/mapping/event-envelope';
import type { EventStreamRecord } from '../../src/mapping/event-stream-record';
import type { PinpointEventsInput } from '../../src/mapping/map-pinpoint-request';
import type { StoredEndpointProfile } from '../../src/mapping/merge-endpoint';
import { createDurableAcceptor } from '../../src/pipeline/durable-acceptor';
import type { EventSink } from '../../src/sinks/event-sink';
import type { DeadLetter, SpoolStats, UndecodableRow } from '../../src/spool/spool-admin';
import { spoolPath } from '../../src/spool/spool-database';
import { deviceEnvelopes, deviceRow, SAMPLE_APP_ID } from '../support/legacy-requests';
import { waitFor } from '../support/legacy-sender';
import { runToExit } from '../support/proxy-process';
import { openSpoolHarness, startHarnessForwarder, type SpoolHarness } from '../support/spool-harness';
import { makeTempDir } from '../support/temp-dir';

/** A Pinpoint mapping case: a checked PutEvents request, its stored profiles, and the envelopes it maps to. */
interface MappingCase {
  applicationId: string;
  receivedAt: number;
  request: EventsRequest;
  profiles?: Record<string, StoredEndpointProfile>;
  expected: { envelopes: EventEnvelope[] };
}

function mappingCase(file: string): { input: PinpointEventsInput; envelopes: EventEnvelope[] } {
  const c = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'pinpoint-mapping', file), 'utf8')) as MappingCase;
  return {
    input: { applicationId: c.applicationId, receivedAt: c.receivedAt, request: c.request, profiles: new Map(Object.entries(c.profiles ?? {})) },
    envelopes: c.expected.envelopes,
  };
}

/** PinpointManager's purchase and stop; Amplify JS's session start and custom event (its profile stored by UpdateEndpoint). */
const MANAGER = mappingCase('android-pinpoint-manager-monetization.json');
const AMPLIFY = mappingCase('amplify-js-session-custom.json');
/** A device on the Mobile Analytics SDK: a session start and two level_complete events. */
const LEGACY = deviceEnvelopes('legacy-device', 3);

const POISON_PINPOINT = MANAGER.envelopes.find((e) => e.event.EventType === '_monetization.purchase') as EventEnvelope;
const POISON_LEGACY = LEGACY[1] as EventEnvelope;
/** A pinpointRequest row without its endpoint profiles: it cannot be read, so the sink sets it aside. */
const BROKEN_ROW = { receivedAt: 1, eventCount: 1, payload: '{"pinpointRequest":{"applicationId":"p","receivedAt":1,"request":{"BatchItem":{}}}}' };

/**
 * `ma2pinpoint spool …` and `events tail` (the built CLI) on a spool holding both kinds of row:
 * legacy requests and Pinpoint PutEvents requests, stored by the durable acceptor. A forwarder in
 * this process delivers them to the local store through a sink that refuses one event of each
 * kind until told otherwise, so both kinds end up among the dead letters.
 */
describe('spool and events CLI with legacy and Pinpoint rows', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let spool: SpoolHarness;
  let forwarder: Forwarder | undefined;
  let refusing = true;

  const cli = (...args: string[]): ReturnType<typeof runToExit> => runToExit('cli', args, { DATA_DIR: temp.dir, SINK: 'local' });
  const cliJson = async <T>(...args: string[]): Promise<T> => {
    const result = await cli(...args);
    expect(result).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    return JSON.parse(result.stdout) as T;
  };
  const tail = async (...args: string[]): Promise<EventStreamRecord[]> => {
    const result = await cli('events', 'tail', '--limit', '100', ...args);
    expect(result).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    return result.stdout.trim() === '' ? [] : result.stdout.trim().split('\n').map((line) => JSON.parse(line) as EventStreamRecord);
  };

  beforeAll(async () => {
    temp = makeTempDir();
    spool = openSpoolHarness(spoolPath(temp.dir), ['local'], 10_000, systemClock.now);
    const acceptor = createDurableAcceptor(spool.appender, (seq) => spool.queue.noteAppended(seq));
    await spool.append(deviceRow('legacy-device', 3));
    await acceptor.acceptPinpoint(MANAGER.input);
    await acceptor.acceptPinpoint(AMPLIFY.input);
    await spool.append(BROKEN_ROW);
  });
  afterAll(async () => {
    await forwarder?.stop();
    spool.close();
    temp.remove();
  });

  it('counts the events of both kinds of row in spool stats before delivery', async () => {
    const stats = await cliJson<SpoolStats>('spool', 'stats', '--json');
    expect(stats.storedEvents).toBe(3 + 2 + 2 + 1);
    expect(stats.sinks).toEqual([expect.objectContaining({ sink: 'local', depth: 8, retries: 0, deadLetters: 0, undecodableRows: 0 })]);
    expect((await cli('spool', 'stats')).stdout).toMatch(/^local\s+8\s+0\s+\S+\s+0$/m);
  });

  it('lists dead letters of both kinds, and sets the unreadable Pinpoint row aside with its payload', async () => {
    const local = createSink({ name: 'local', dataDir: temp.dir }, { logger: silentLogger, clock: systemClock, ackMode: 'durable' });
    const sink: EventSink = {
      name: local.name,
      maxBatchEvents: local.maxBatchEvents,
      async deliver(envelopes) {
        const poison = refusing ? envelopes.filter((e) => e.eventId === POISON_PINPOINT.eventId || e.eventId === POISON_LEGACY.eventId) : [];
        const result = await local.deliver(envelopes.filter((e) => !poison.includes(e)));
        return { ...result, rejected: poison.map((e) => ({ eventId: e.eventId, message: `refused ${e.event.EventType ?? ''}` })) };
      },
      close: () => local.close(),
    };
    forwarder = startHarnessForwarder(spool, {
      sinks: [sink],
      clock: systemClock,
      random: () => 0,
      backoff: { baseMs: 20, maxMs: 100, operatorBaseMs: 20, operatorMaxMs: 100 },
      pollMs: 10,
    });
    forwarder.notify();
    await waitFor(async () => (await cliJson<SpoolStats>('spool', 'stats', '--json')).storedEvents === 0, 10_000, 'every row settled');

    const letters = await cliJson<DeadLetter[]>('spool', 'dead-letters', '--json');
    expect(letters.map(({ eventId, applicationId, eventType, message }) => ({ eventId, applicationId, eventType, message }))).toEqual([
      { eventId: POISON_LEGACY.eventId, applicationId: SAMPLE_APP_ID, eventType: 'level_complete', message: 'refused level_complete' },
      { eventId: POISON_PINPOINT.eventId, applicationId: POISON_PINPOINT.applicationId, eventType: '_monetization.purchase', message: 'refused _monetization.purchase' },
    ]);
    const table = await cli('spool', 'dead-letters');
    expect(table.stdout).toMatch(new RegExp(`^${letters[1]?.id ?? -1}\\s+local\\s+\\S+\\s+${POISON_PINPOINT.applicationId}\\s+_monetization\\.purchase\\s+${POISON_PINPOINT.eventId}\\s+refused`, 'm'));

    const [unreadable, ...more] = await cliJson<UndecodableRow[]>('spool', 'undecodable', '--json');
    expect(more).toEqual([]);
    expect(unreadable).toEqual(expect.objectContaining({ sink: 'local', payload: BROKEN_ROW.payload }));

    const stored = await tail();
    expect(stored.map((r) => r.event_id).sort()).toEqual(
      [...LEGACY, ...MANAGER.envelopes, ...AMPLIFY.envelopes].map((e) => e.eventId).filter((id) => id !== POISON_LEGACY.eventId && id !== POISON_PINPOINT.eventId).sort(),
    );
  });

  it('requeues a Pinpoint dead letter (by id, then --all): delivered with the same event id, its record with the endpoint', async () => {
    refusing = false;
    const letters = await cliJson<DeadLetter[]>('spool', 'dead-letters', '--json');
    const pinpointLetter = letters.find((l) => l.eventId === POISON_PINPOINT.eventId) as DeadLetter;
    expect(await cli('spool', 'requeue', String(pinpointLetter.id))).toEqual(expect.objectContaining({ code: 0, stdout: 'requeued 1 dead letter(s)\n' }));
    await waitFor(async () => (await tail()).some((r) => r.event_id === POISON_PINPOINT.eventId), 10_000, 'the requeued Pinpoint event stored');
    expect(await cli('spool', 'requeue', '--all')).toEqual(expect.objectContaining({ code: 0, stdout: 'requeued 1 dead letter(s)\n' }));
    await waitFor(async () => (await tail()).some((r) => r.event_id === POISON_LEGACY.eventId), 10_000, 'the requeued legacy event stored');

    expect(await cliJson<DeadLetter[]>('spool', 'dead-letters', '--json')).toEqual([]);
    const stats = await cliJson<SpoolStats>('spool', 'stats', '--json');
    expect(stats.sinks).toEqual([expect.objectContaining({ sink: 'local', depth: 0, retries: 0, deadLetters: 0, undecodableRows: 1 })]);

    const records = await tail();
    expect(records.map((r) => r.event_id).sort()).toEqual([...LEGACY, ...MANAGER.envelopes, ...AMPLIFY.envelopes].map((e) => e.eventId).sort());
    const purchase = records.find((r) => r.event_id === POISON_PINPOINT.eventId);
    expect(purchase).toEqual(
      expect.objectContaining({ event_type: '_monetization.purchase', client: { client_id: POISON_PINPOINT.endpointId }, endpoint: expect.objectContaining({ ChannelType: 'GCM' }) }),
    );
  });

  it('shows the events of both kinds in events tail, Pinpoint ones with their endpoint, and filters by app', async () => {
    const records = await tail();
    const pinpointIds = new Set([...MANAGER.envelopes, ...AMPLIFY.envelopes].map((e) => e.eventId));
    for (const record of records) expect(record.endpoint !== undefined).toBe(pinpointIds.has(record.event_id));
    const ofManagerApp = await tail('--app', MANAGER.input.applicationId);
    expect(ofManagerApp.map((r) => r.event_id).sort()).toEqual(MANAGER.envelopes.map((e) => e.eventId).sort());
    const ofLegacyApp = await tail('--app', SAMPLE_APP_ID);
    expect(ofLegacyApp.map((r) => r.event_id)).toEqual(expect.arrayContaining(LEGACY.map((e) => e.eventId)));
    expect(ofLegacyApp.every((r) => r.endpoint === undefined)).toBe(true);
  });
});
