import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EndpointRequest, EventsRequest } from '@aws-sdk/client-pinpoint';
import type { Output } from '../../src/cli/output';
import { runCli, type CliContext } from '../../src/cli/program';
import { pinpointEventId } from '../../src/mapping/event-id';
import type { EventStreamRecord } from '../../src/mapping/event-stream-record';
import { RECORDING_VERSION, type RecordingLine } from '../../src/recording/recording-line';
import { writeRecording } from '../support/recordings';
import { makeTempDir } from '../support/temp-dir';

const APP = '0123456789abcdef0123456789abcdef';
const T0 = Date.parse('2026-05-01T10:00:00.000Z');
/** `PINPOINT_BODY_LIMIT` as the refusals test lowers it: the dry run holds a body to the configured limit. */
const PINPOINT_BODY_LIMIT = 64 * 1024;
const FIXTURES = path.resolve(__dirname, '..', 'fixtures');

/** A request fixture of `test/fixtures/pinpoint-requests/`. */
function putEventsFixture(name: string): EventsRequest {
  return JSON.parse(readFileSync(path.join(FIXTURES, 'pinpoint-requests', `${name}.json`), 'utf8')) as EventsRequest;
}

/** Each PutEvents fixture with the headers its sender sends (the user agents of pinpoint-sender.test.ts) and the kind the route records. */
const SENDERS = {
  'amplify-js-put-events': {
    headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.0.0', 'x-amz-user-agent': 'aws-sdk-js/3.6.1 os/Linux lang/js api/pinpoint/3.6.1 aws-amplify/5.3.11 js' },
    kind: 'amplify-js',
  },
  'android-pinpoint-manager-put-events': {
    headers: { 'user-agent': 'aws-sdk-android/2.73.0 Linux/5.10.157-android13 Dalvik/2.1.0/0 en_US com.amazonaws.mobileconnectors.pinpoint.PinpointManager/2.73.0' },
    kind: 'pinpoint-android',
  },
  'aws-cli-put-events': { headers: { 'user-agent': 'aws-cli/2.15.30 ua/2.0 os/linux#6.1.0 lang/python#3.11.8 md/command#pinpoint.put-events' }, kind: 'aws-cli' },
  'sdk-v3-put-events': { headers: { 'user-agent': 'aws-sdk-js/3.600.0 ua/2.0 os/linux#5.15.0 lang/js md/nodejs#20.11.0 api/pinpoint#3.600.0' }, kind: 'aws-sdk-js' },
} as const;

type FixtureName = keyof typeof SENDERS;

/** A recording line of a Pinpoint call, as the route records it: lower-case headers without credentials, the body in base64. */
function pinpointLine(time: number, method: string, url: string, body: string | Buffer, sender: FixtureName = 'amplify-js-put-events', status = 202): RecordingLine {
  const { headers, kind } = SENDERS[sender];
  return {
    v: RECORDING_VERSION,
    time: new Date(time).toISOString(),
    method,
    url,
    headers: { host: 'analytics.example.com', 'content-type': 'application/json', ...headers },
    body: Buffer.from(body).toString('base64'),
    status,
    requestId: `request-${time}`,
    clientKind: kind,
  };
}

function putEventsLine(time: number, request: EventsRequest, sender: FixtureName = 'amplify-js-put-events'): RecordingLine {
  return pinpointLine(time, 'POST', `/v1/apps/${APP}/events`, JSON.stringify(request), sender);
}

function updateEndpointLine(time: number, endpointId: string, request: EndpointRequest): RecordingLine {
  return pinpointLine(time, 'PUT', `/v1/apps/${APP}/endpoints/${encodeURIComponent(endpointId)}`, JSON.stringify(request));
}

/** An UpdateEndpoint as Amplify JS v5 sends it from Chrome on Linux. */
const AMPLIFY_PROFILE: EndpointRequest = {
  Attributes: {},
  Demographic: { AppVersion: 'Chrome/120.0.0.0', Make: 'Gecko', Model: 'Chrome', ModelVersion: '120.0.0.0', Platform: 'Linux x86_64' },
  EffectiveDate: '2026-05-01T09:59:59.480Z',
  Location: {},
  Metrics: {},
  RequestId: '5b7e2d10-3c4a-4f6b-9e8d-7a6b5c4d3e2f',
  User: { UserAttributes: {}, UserId: 'us-east-1:2f1e0d9c-8b7a-4c6d-9e5f-4a3b2c1d0e9f' },
};

/** The endpoint of the Amplify JS fixtures. */
const AMPLIFY_ENDPOINT = '6f1c4e32-0a9b-4f7e-9b0d-2c1d3e4f5a6b';

/** One line of `replay --dry-run` output, as far as these tests read it. */
interface DryRunLine {
  source: string;
  call?: string;
  clientKind: string;
  status?: number;
  errorType?: string | null;
  reason?: string;
  skipped?: string;
  refusedEvents?: Array<{ endpointId: string; eventId: string; message: string }>;
  applicationId?: string;
  endpointId?: string;
  profile?: EndpointRequest;
  putEvents?: Array<{ ApplicationId: string; EventsRequest: EventsRequest }>;
  records?: EventStreamRecord[];
}

describe('replay --dry-run of Pinpoint-native calls', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let out: string[];
  let err: string[];
  beforeEach(() => {
    temp = makeTempDir();
    out = [];
    err = [];
  });
  afterEach(() => temp.remove());

  /** `ma2pinpoint replay PATH --dry-run [--format …]` in-process; its exit code and JSON lines. */
  async function dryRun(file: string, format: 'putevents' | 'event-stream' = 'putevents', env: NodeJS.ProcessEnv = {}): Promise<{ code: number; lines: DryRunLine[] }> {
    const io: Output = { out: (text) => out.push(text), err: (text) => err.push(text) };
    const context: CliContext = {
      io,
      env: { DATA_DIR: temp.dir, ...env },
      now: Date.now,
      progress: { isTTY: false, write: () => true },
      serve: () => undefined,
      openKpiQueries: () => {
        throw new Error('not used');
      },
    };
    const code = await runCli(['replay', file, '--dry-run', '--format', format], context);
    return { code, lines: out.map((line) => JSON.parse(line) as DryRunLine) };
  }

  it('every PutEvents fixture: 202, no refused event, the sink\'s calls under the path\'s application with the ids the live path gives; the summary by sender', async () => {
    const names = Object.keys(SENDERS) as FixtureName[];
    const file = writeRecording(temp.dir, 'r.jsonl', names.map((name, i) => putEventsLine(T0 + i, putEventsFixture(name), name)));
    const { code, lines } = await dryRun(file);
    expect(code).toBe(0);
    names.forEach((name, i) => {
      const line = lines[i] as DryRunLine;
      const fixture = putEventsFixture(name);
      expect(line).toEqual(expect.objectContaining({ source: `${file}:${i + 1}`, call: 'PutEvents', clientKind: SENDERS[name].kind, recordedStatus: 202, status: 202, refusedEvents: [] }));
      expect(line.putEvents?.map((call) => call.ApplicationId)).toEqual([APP]);
      const sent = Object.entries(line.putEvents?.[0]?.EventsRequest.BatchItem ?? {}).flatMap(([endpointId, batch]) => Object.keys(batch.Events ?? {}).map((id) => [endpointId, id]));
      const expected = Object.entries(fixture.BatchItem ?? {}).flatMap(([endpointId, batch]) => Object.keys(batch.Events ?? {}).map((key) => [endpointId, pinpointEventId(APP, endpointId, key)]));
      expect(sent).toEqual(expected);
    });
    expect(err.join('\n')).toMatch(/^ANSWER +pinpoint-android +amplify-js +aws-sdk-js +aws-cli +ALL\n202 +1 +1 +1 +1 +4\n\nanswered 202 as expected: 4 of 4$/m);
  });

  it('keeps the endpoint profiles for the whole run: an UpdateEndpoint is merged into the PutEvents after it, not into the one before', async () => {
    const fixture = putEventsFixture('amplify-js-put-events');
    const file = writeRecording(temp.dir, 'r.jsonl', [putEventsLine(T0, fixture), updateEndpointLine(T0 + 1, AMPLIFY_ENDPOINT, AMPLIFY_PROFILE), putEventsLine(T0 + 2, fixture)]);
    const { code, lines } = await dryRun(file);
    expect(code).toBe(0);
    const [before, update, after] = lines as [DryRunLine, DryRunLine, DryRunLine];
    expect(update).toEqual({
      source: `${file}:2`,
      call: 'UpdateEndpoint',
      clientKind: 'amplify-js',
      recordedStatus: 202,
      status: 202,
      applicationId: APP,
      endpointId: AMPLIFY_ENDPOINT,
      // As the store merged it (empty maps are not kept).
      profile: {
        Demographic: AMPLIFY_PROFILE.Demographic,
        EffectiveDate: '2026-05-01T09:59:59.480Z',
        RequestId: AMPLIFY_PROFILE.RequestId,
        User: { UserId: AMPLIFY_PROFILE.User?.UserId },
      },
    });
    expect(before.putEvents?.[0]?.EventsRequest.BatchItem?.[AMPLIFY_ENDPOINT]?.Endpoint).toEqual({});
    expect(after.putEvents?.[0]?.EventsRequest.BatchItem?.[AMPLIFY_ENDPOINT]?.Endpoint).toEqual(update.profile);
    // The profile is the endpoint's, not the events': the same ids before and after.
    expect(Object.keys(after.putEvents?.[0]?.EventsRequest.BatchItem?.[AMPLIFY_ENDPOINT]?.Events ?? {})).toEqual(Object.keys(before.putEvents?.[0]?.EventsRequest.BatchItem?.[AMPLIFY_ENDPOINT]?.Events ?? {}));
  });

  it('event-stream records: the endpoint profile in each, the recorded time as arrival time', async () => {
    const fixture = putEventsFixture('amplify-js-put-events');
    const file = writeRecording(temp.dir, 'r.jsonl', [updateEndpointLine(T0, AMPLIFY_ENDPOINT, AMPLIFY_PROFILE), putEventsLine(T0 + 5000, fixture)]);
    const { lines } = await dryRun(file, 'event-stream');
    const records = lines[1]?.records ?? [];
    expect(records.map((record) => record.event_type)).toEqual(['_session.start', 'pageView', '_session.stop']);
    expect(new Set(records.map((record) => record.arrival_timestamp))).toEqual(new Set([T0 + 5000]));
    for (const record of records) expect(record.endpoint).toEqual(expect.objectContaining({ Demographic: AMPLIFY_PROFILE.Demographic }));
    expect(lines[0]?.records).toBeUndefined();
  });

  it('refusals as the service answers them: a refused event in a 202, a bad or too large body, a bad UpdateEndpoint; calls replay does not know are skipped', async () => {
    const fixture = putEventsFixture('sdk-v3-put-events');
    const batch = fixture.BatchItem?.['backend-endpoint-42'] as NonNullable<EventsRequest['BatchItem']>[string];
    const oneBad: EventsRequest = { BatchItem: { 'backend-endpoint-42': { ...batch, Events: { ...batch.Events, bad: { EventType: 'x'.repeat(51), Timestamp: '2026-05-01T10:00:00Z' } } } } };
    const file = writeRecording(temp.dir, 'r.jsonl', [
      putEventsLine(T0, oneBad, 'sdk-v3-put-events'),
      pinpointLine(T0 + 1, 'POST', `/v1/apps/${APP}/events`, '{"BatchItem":', 'sdk-v3-put-events'),
      pinpointLine(T0 + 2, 'POST', `/v1/apps/${APP}/events`, Buffer.alloc(PINPOINT_BODY_LIMIT + 1, 0x20), 'aws-cli-put-events', 413),
      pinpointLine(T0 + 3, 'PUT', `/v1/apps/${APP}/endpoints/e1`, '{"Demographic":{"Platform":"web","Colour":"blue"}}'),
      pinpointLine(T0 + 4, 'POST', `/v1/apps/${APP}/jobs/import`, '{}', 'aws-cli-put-events', 404),
    ]);
    const { code, lines } = await dryRun(file, 'putevents', { PINPOINT_BODY_LIMIT: '64kb' });
    expect(code).toBe(1);
    const [partly, broken, tooLarge, badEndpoint, unknown] = lines as [DryRunLine, DryRunLine, DryRunLine, DryRunLine, DryRunLine];
    expect(partly.status).toBe(202);
    expect(partly.refusedEvents).toEqual([{ endpointId: 'backend-endpoint-42', eventId: 'bad', message: expect.stringContaining('EventType') as string }]);
    expect(Object.keys(partly.putEvents?.[0]?.EventsRequest.BatchItem?.['backend-endpoint-42']?.Events ?? {})).toHaveLength(2);
    expect(broken).toEqual(expect.objectContaining({ status: 400, errorType: 'BadRequestException', reason: 'The EventsRequest is not valid JSON.' }));
    expect(tooLarge).toEqual(expect.objectContaining({ status: 413, errorType: 'PayloadTooLargeException', reason: `The payload cannot exceed ${PINPOINT_BODY_LIMIT} bytes.`, recordedStatus: 413 }));
    expect(badEndpoint).toEqual(expect.objectContaining({ call: 'UpdateEndpoint', status: 400, errorType: 'BadRequestException', reason: expect.stringContaining('Colour') as string }));
    expect(unknown).toEqual({ source: `${file}:5`, clientKind: 'aws-cli', recordedStatus: 404, skipped: `not a call replay knows: POST /v1/apps/${APP}/jobs/import` });
    expect(err.join('\n')).toContain('answered 202 as expected: 1 of 4');
  });

  it('the Amplify JS browser session from a HAR file: the UpdateEndpoint\'s profile in the PutEvents and the beacon after it', async () => {
    const { code, lines } = await dryRun(path.join(FIXTURES, 'har', 'amplify-js-browser-session.har'));
    expect(code).toBe(0);
    const [update, putEvents, beacon] = lines as [DryRunLine, DryRunLine, DryRunLine];
    expect([update, putEvents, beacon].map((line) => [line.call, line.clientKind, line.status])).toEqual([
      ['UpdateEndpoint', 'amplify-js', 202],
      ['PutEvents', 'amplify-js', 202],
      ['PutEvents', 'unknown', 202],
    ]);
    expect(update.profile?.Demographic?.Platform).toBe('Linux x86_64');
    const sent = [putEvents, beacon].map((line) => line.putEvents?.[0]?.EventsRequest.BatchItem?.[AMPLIFY_ENDPOINT]);
    for (const batch of sent) expect(batch?.Endpoint).toEqual(expect.objectContaining({ Demographic: update.profile?.Demographic }));
    const fixture = putEventsFixture('amplify-js-put-events');
    const expectedIds = Object.keys(fixture.BatchItem?.[AMPLIFY_ENDPOINT]?.Events ?? {}).map((key) => pinpointEventId(APP, AMPLIFY_ENDPOINT, key));
    expect(sent.flatMap((batch) => Object.keys(batch?.Events ?? {}))).toEqual(expectedIds);
    expect(err.join('\n')).toMatch(/^ANSWER +amplify-js +unknown +ALL\n202 +2 +1 +3\n/m);
  });
});
