import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { EndpointRequest, EventsRequest } from '@aws-sdk/client-pinpoint';
import type { Output } from '../../src/cli/output';
import { runCli, type CliContext } from '../../src/cli/program';
import { eventStorePath, openEventStore } from '../../src/local-store/event-store';
import type { EventStreamRecord } from '../../src/mapping/event-stream-record';
import { RECORDING_VERSION, type RecordingLine } from '../../src/recording/recording-line';
import { createHttpSender } from '../../src/replay/http-sender';
import { replayRequests, scanReplayInput } from '../../src/replay/replay-input';
import { clientKindOf } from '../../src/replay/replay-request';
import { allClientFixtures } from '../fixtures/clients';
import { rawSdkClientContext } from '../fixtures/clients/aws-sdk-js';
import { reportedEvent } from '../support/beyond-limits';
import { startInProcessProxy, useUpstreamProxy } from '../support/in-process-proxy';
import { waitForStoredEvents } from '../support/kpi-traffic';
import { recordingLineOf, writeRecording } from '../support/recordings';
import { makeTempDir } from '../support/temp-dir';

const T0 = Date.parse('2026-11-22T10:00:00.000Z');

/** A request as aws-sdk-js in Node sends it, with `events` as its body (raw client context, application/json). */
function sdkLine(events: unknown[], time: number): RecordingLine {
  return {
    ...recordingLineOf(allClientFixtures()[0]!, time),
    headers: { 'user-agent': 'aws-sdk-nodejs/2.1693.0 linux/v20.20.2 callback', 'content-type': 'application/json', 'x-amz-client-context': JSON.stringify(rawSdkClientContext) },
    body: Buffer.from(JSON.stringify({ events })).toString('base64'),
  };
}

/**
 * Every client generation's request (the JS library's 151-event and 240 KB batches included), an
 * event beyond Pinpoint's limits (fitted by the Pinpoint sink only), and two the service refuses
 * (an impossible date from iOS and from the JS SDK: the wire answers differ by client kind).
 */
function recordingLines(): RecordingLine[] {
  const fixtures = allClientFixtures().map((fixture, i) => recordingLineOf(fixture, T0 + i * 1000));
  const ios = fixtures.find((line) => line.clientKind === 'ios') as RecordingLine;
  const impossible = Buffer.from('{"events":[{"eventType":"e","timestamp":"2026-02-30T10:00:00Z"}]}').toString('base64');
  return [...fixtures, sdkLine([reportedEvent()], T0 + 50_000), { ...ios, body: impossible, time: new Date(T0 + 60_000).toISOString() }, { ...sdkLine([], T0 + 61_000), body: impossible }];
}

/** One line of `replay --dry-run` output. */
interface DryRunLine {
  source: string;
  status: number;
  putEvents?: Array<{ ApplicationId: string; EventsRequest: EventsRequest }>;
  records?: EventStreamRecord[];
}

/** `ma2pinpoint replay FILE --dry-run [--format …]` in-process, with `env`; its JSON lines. */
async function dryRun(file: string, env: NodeJS.ProcessEnv, format: 'putevents' | 'event-stream'): Promise<DryRunLine[]> {
  const out: string[] = [];
  const io: Output = { out: (text) => out.push(text), err: () => undefined };
  const context: CliContext = { io, env, now: Date.now, progress: { isTTY: false, write: () => true }, serve: () => undefined, openKpiQueries: () => { throw new Error('not used'); } };
  expect(await runCli(['replay', file, '--dry-run', '--format', format], context)).toBe(1);
  return out.map((line) => JSON.parse(line) as DryRunLine);
}

/** Sends the recording to `url` one request at a time, as replay does; the status of each request by source. */
async function sendAll(file: string, url: string): Promise<Map<string, number | 'error'>> {
  const sender = createHttpSender({ target: new URL(url), maxSockets: 1, now: Date.now });
  const statuses = new Map<string, number | 'error'>();
  try {
    for await (const request of replayRequests(await scanReplayInput([file]))) {
      const answer = await sender.send({ ...request, clientKind: clientKindOf(request), body: request.body as Buffer });
      statuses.set(request.source, answer.status);
    }
  } finally {
    sender.close();
  }
  return statuses;
}

/** JSON with object keys sorted at every level: the SDK may serialize members in another order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

/** PutEvents calls (application and body) in a canonical order: the calls of one request are sent at once and may arrive in either order. */
function sortedCalls(calls: Array<{ applicationId: string; request: EventsRequest }>): Array<{ applicationId: string; request: EventsRequest }> {
  return [...calls].sort((a, b) => (canonicalJson(a) < canonicalJson(b) ? -1 : 1));
}

const PINPOINT_APP = '0123456789abcdef0123456789abcdef';
const PINPOINT_REQUESTS = path.resolve(__dirname, '..', 'fixtures', 'pinpoint-requests');

/** A Pinpoint-native call as the route records it, sent by aws-sdk-js v3 from a backend. */
function pinpointLine(method: string, url: string, body: unknown, time: number): RecordingLine {
  return {
    v: RECORDING_VERSION,
    time: new Date(time).toISOString(),
    method,
    url,
    headers: { host: 'analytics.example.com', 'content-type': 'application/json', 'user-agent': 'aws-sdk-js/3.600.0 ua/2.0 lang/js md/nodejs#20.11.0 api/pinpoint#3.600.0' },
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)).toString('base64'),
    status: 202,
    requestId: `request-${time}`,
    clientKind: 'aws-sdk-js',
  };
}

/**
 * Pinpoint-native traffic: every PutEvents fixture, each endpoint's profile sent by UpdateEndpoint
 * before (one of them after, too: the newer profile is merged into the calls after it), a PutEvents
 * with an event Pinpoint refuses, and a body the service refuses whole.
 */
function pinpointLines(): RecordingLine[] {
  const requests = readdirSync(PINPOINT_REQUESTS).map((name) => JSON.parse(readFileSync(path.join(PINPOINT_REQUESTS, name), 'utf8')) as EventsRequest);
  const endpointIds = requests.flatMap((request) => Object.keys(request.BatchItem ?? {}));
  const lines: RecordingLine[] = [];
  const at = (): number => T0 + lines.length * 1000;
  const update = (endpointId: string, profile: EndpointRequest): void => {
    lines.push(pinpointLine('PUT', `/v1/apps/${PINPOINT_APP}/endpoints/${encodeURIComponent(endpointId)}`, profile, at()));
  };
  const putEvents = (request: EventsRequest): void => {
    lines.push(pinpointLine('POST', `/v1/apps/${PINPOINT_APP}/events`, request, at()));
  };
  // Dated as the SDKs date them: a profile without EffectiveDate would take its arrival time, the recorded time in a dry run and the replay's live.
  for (const endpointId of endpointIds) {
    update(endpointId, { EffectiveDate: '2026-05-01T09:00:00.000Z', Demographic: { Platform: 'web', Locale: 'de_DE' }, Location: { Country: 'DE' }, User: { UserId: `user-of-${endpointId}` } });
  }
  requests.forEach(putEvents);
  update(endpointIds[0] as string, { EffectiveDate: '2026-05-01T11:00:00.000Z', Location: { City: 'Berlin' }, Attributes: { plan: ['pro'] } });
  putEvents(requests[0] as EventsRequest);
  const [endpointId, batch] = Object.entries(requests[1]?.BatchItem ?? {})[0] as [string, NonNullable<EventsRequest['BatchItem']>[string]];
  putEvents({ BatchItem: { [endpointId]: { ...batch, Events: { ...batch.Events, 'too-long-type': { EventType: 'x'.repeat(51), Timestamp: '2026-05-01T10:00:00Z' } } } } });
  lines.push(pinpointLine('POST', `/v1/apps/${PINPOINT_APP}/events`, '{"BatchItem":', at()));
  return lines;
}

describe('replay --dry-run shows what the live path does', () => {
  describe('PutEvents, against the Pinpoint stand-in through an upstream-mode proxy', () => {
    const upstream = useUpstreamProxy();
    let temp: ReturnType<typeof makeTempDir>;
    beforeEach(() => (temp = makeTempDir()));
    afterEach(() => temp.remove());

    it('the same calls (application, endpoints, event ids, every field), and the same answer for each request', async () => {
      const file = writeRecording(temp.dir, 'r.jsonl', recordingLines());
      const predicted = await dryRun(file, { DATA_DIR: temp.dir }, 'putevents');
      const statuses = await sendAll(file, upstream.proxy.url);
      expect(upstream.standIn.rejectedRequests).toEqual([]);
      expect(new Map(predicted.map((line) => [line.source, line.status]))).toEqual(statuses);
      expect([...statuses.values()].filter((s) => s !== 202)).toEqual([400, 400]);
      const dryCalls = predicted.flatMap((line) => (line.putEvents ?? []).map((call) => ({ applicationId: call.ApplicationId, request: call.EventsRequest })));
      const liveCalls = upstream.standIn.calls.map((call) => ({ applicationId: call.applicationId, request: call.request }));
      expect(dryCalls.length).toBeGreaterThan(allClientFixtures().length);
      expect(sortedCalls(liveCalls)).toEqual(sortedCalls(dryCalls));
    });
  });

  describe('Pinpoint-native calls, against the Pinpoint stand-in through an upstream-mode proxy', () => {
    const upstream = useUpstreamProxy();
    let temp: ReturnType<typeof makeTempDir>;
    beforeEach(() => (temp = makeTempDir()));
    afterEach(() => temp.remove());

    it('the same calls, endpoint profiles merged as the service stored them, and the same answer for each call', async () => {
      const file = writeRecording(temp.dir, 'r.jsonl', pinpointLines());
      const predicted = await dryRun(file, { DATA_DIR: temp.dir }, 'putevents');
      const statuses = await sendAll(file, upstream.proxy.url);
      expect(upstream.standIn.rejectedRequests).toEqual([]);
      expect(new Map(predicted.map((line) => [line.source, line.status]))).toEqual(statuses);
      expect([...statuses.values()].filter((s) => s !== 202)).toEqual([400]);
      const dryCalls = predicted.flatMap((line) => (line.putEvents ?? []).map((call) => ({ applicationId: call.ApplicationId, request: call.EventsRequest })));
      const liveCalls = upstream.standIn.calls.map((call) => ({ applicationId: call.applicationId, request: call.request }));
      expect(dryCalls.length).toBe(6);
      expect(sortedCalls(liveCalls)).toEqual(sortedCalls(dryCalls));
      // The second update of the first endpoint is in the call after it, over the first one.
      const later = dryCalls[4]?.request.BatchItem ?? {};
      expect(Object.values(later)[0]?.Endpoint).toEqual(expect.objectContaining({ Location: expect.objectContaining({ City: 'Berlin', Country: 'DE' }) as unknown }));
    });
  });

  it('event-stream records: what the local sink stores, but for arrival_timestamp (the recorded time, not the replay\'s)', async () => {
    const temp = makeTempDir();
    // One delivery worker: rows are stored in the order they were accepted, so where generations
    // sent the same event (one event id, another SDK version), the store keeps the first request's.
    const proxy = await startInProcessProxy({ SINK: 'local', ACK_MODE: 'durable', DATA_DIR: `${temp.dir}/live`, FORWARD_LINGER_MS: '10', FORWARD_CONCURRENCY: '1' });
    try {
      const file = writeRecording(temp.dir, 'r.jsonl', [...recordingLines(), ...pinpointLines().map((line, i) => ({ ...line, time: new Date(T0 + 100_000 + i).toISOString() }))]);
      const predicted = (await dryRun(file, { DATA_DIR: temp.dir }, 'event-stream')).flatMap((line) => line.records ?? []);
      expect(predicted.filter((record) => record.endpoint !== undefined).length).toBeGreaterThan(0);
      await sendAll(file, proxy.url);
      /** Records by event id, the first of each id kept (as the store keeps it), without arrival_timestamp. */
      const withoutArrival = (records: EventStreamRecord[]) => {
        const byId = new Map<string, Omit<EventStreamRecord, 'arrival_timestamp'>>();
        for (const { arrival_timestamp: _arrival, ...rest } of records) if (!byId.has(rest.event_id)) byId.set(rest.event_id, rest);
        return byId;
      };
      const expected = withoutArrival(predicted);
      await waitForStoredEvents(`${temp.dir}/live`, expected.size);
      const store = openEventStore(eventStorePath(`${temp.dir}/live`), { readonly: true });
      const stored = store.tail({ limit: 10_000 }).records;
      store.close();
      expect(stored).toHaveLength(expected.size);
      expect(withoutArrival(stored)).toEqual(expected);
      expect(new Set(predicted.map((r) => r.arrival_timestamp)).has(T0)).toBe(true);
      expect(stored.every((r) => r.arrival_timestamp > T0 + 60_000)).toBe(true);
    } finally {
      await proxy.close();
      temp.remove();
    }
  });
});
