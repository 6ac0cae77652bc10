import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PinpointClient, PutEventsCommand, UpdateEndpointCommand, type EndpointRequest, type EventsRequest } from '@aws-sdk/client-pinpoint';
import type { EventStreamRecord } from '../../src/mapping/event-stream-record';
import { PINPOINT_KEY, presignWithAws4, writeCredentialsFile } from '../support/device-keys';
import { startInProcessProxy, type InProcessProxy } from '../support/in-process-proxy';
import { waitFor } from '../support/legacy-sender';
import { runToExit } from '../support/proxy-process';
import { everyFileText, readRecordingLines } from '../support/recording-reader';
import { makeTempDir } from '../support/temp-dir';
import { delivered, storedRecords, withoutArrival } from '../support/local-store-records';

const APP = PINPOINT_KEY.appIds[0] as string;
const FIXTURES = path.resolve(__dirname, '..', 'fixtures');
/** The web session's device: the endpoint of the Amplify JS fixtures. */
const WEB_ENDPOINT = '6f1c4e32-0a9b-4f7e-9b0d-2c1d3e4f5a6b';
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjE+record/replay=session-token==';

function putEventsFixture(name: string): EventsRequest {
  return JSON.parse(readFileSync(path.join(FIXTURES, 'pinpoint-requests', `${name}.json`), 'utf8')) as EventsRequest;
}

/** The fixture's events of one endpoint, split in two calls: all but the last, and the last (the session's stop). */
function splitSession(request: EventsRequest, endpointId: string): [EventsRequest, EventsRequest] {
  const entries = Object.entries(request.BatchItem?.[endpointId]?.Events ?? {});
  const call = (events: typeof entries): EventsRequest => ({ BatchItem: { [endpointId]: { Endpoint: {}, Events: Object.fromEntries(events) } } });
  return [call(entries.slice(0, -1)), call(entries.slice(-1))];
}

/** Profiles as the SDKs send them, dated (a profile without EffectiveDate takes its arrival time, which differs between instances). */
const WEB_PROFILE: EndpointRequest = {
  EffectiveDate: '2026-05-01T09:59:59.480Z',
  Demographic: { AppVersion: 'Chrome/120.0.0.0', Make: 'Gecko', Model: 'Chrome', ModelVersion: '120.0.0.0', Platform: 'Linux x86_64' },
  User: { UserId: 'us-east-1:2f1e0d9c-8b7a-4c6d-9e5f-4a3b2c1d0e9f' },
};
const BACKEND_PROFILE: EndpointRequest = { EffectiveDate: '2026-05-01T09:00:00.000Z', ChannelType: 'IN_APP', Location: { Country: 'DE', City: 'Berlin' } };

/** A service with the local sink in `dataDir` that checks signatures with PINPOINT_KEY; one delivery worker, rows stored in acceptance order. */
function startInstance(dataDir: string, env: Record<string, string> = {}): Promise<InProcessProxy> {
  mkdirSync(dataDir, { recursive: true });
  return startInProcessProxy({
    SINK: 'local',
    DATA_DIR: dataDir,
    FORWARD_CONCURRENCY: '1',
    FORWARD_LINGER_MS: '10',
    AUTH_MODE: 'sigv4',
    AUTH_CREDENTIALS_FILE: writeCredentialsFile(dataDir, [PINPOINT_KEY]),
    ...env,
  });
}

function answeredAsExpected(stdout: string): string {
  return /^answered 202 as expected: (\d+ of \d+)$/m.exec(stdout)?.[1] ?? `no summary in:\n${stdout}`;
}

describe('record and replay of Pinpoint-native calls (acceptance)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (temp = makeTempDir()));
  afterEach(() => temp.remove());

  /** The CLI's environment for --sign: PINPOINT_KEY from the environment, nothing else of the machine's. */
  const signingEnv = (): Record<string, string> => ({
    HOME: temp.dir,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: PINPOINT_KEY.accessKeyId,
    AWS_SECRET_ACCESS_KEY: PINPOINT_KEY.secretAccessKey,
    AWS_REGION: 'eu-central-1',
  });

  it('the real Pinpoint client and a presigned beacon through an instance that records; no credential is recorded; replayed with --sign into a fresh instance, the same events with the same endpoint profiles', async () => {
    const recordDir = path.join(temp.dir, 'recording');
    const aDir = path.join(temp.dir, 'a');
    const a = await startInstance(aDir, { RECORD_DIR: recordDir });
    const [webStart, webStop] = splitSession(putEventsFixture('amplify-js-put-events'), WEB_ENDPOINT);
    try {
      const pinpoint = new PinpointClient({ endpoint: a.url, region: 'us-east-1', credentials: { ...PINPOINT_KEY, sessionToken: SESSION_TOKEN }, maxAttempts: 1 });
      // A web session as Amplify JS sends it: UpdateEndpoint, PutEvents, then the stop by sendBeacon.
      await pinpoint.send(new UpdateEndpointCommand({ ApplicationId: APP, EndpointId: WEB_ENDPOINT, EndpointRequest: WEB_PROFILE }));
      await pinpoint.send(new PutEventsCommand({ ApplicationId: APP, EventsRequest: webStart }));
      const body = Buffer.from(JSON.stringify(webStop));
      const beaconUrl = presignWithAws4({ method: 'POST', path: `/v1/apps/${APP}/events/legacy`, headers: { host: new URL(a.url).host }, body }, PINPOINT_KEY, { at: Date.now(), sessionToken: SESSION_TOKEN });
      const beacon = await fetch(`${a.url}${beaconUrl}`, { method: 'POST', body, headers: { 'content-type': 'text/plain;charset=UTF-8' } });
      expect(beacon.status).toBe(202);
      // A backend: its endpoint's profile, then its events.
      await pinpoint.send(new UpdateEndpointCommand({ ApplicationId: APP, EndpointId: 'backend-endpoint-42', EndpointRequest: BACKEND_PROFILE }));
      await pinpoint.send(new PutEventsCommand({ ApplicationId: APP, EventsRequest: putEventsFixture('sdk-v3-put-events') }));
      await delivered(a);
      await waitFor(() => readRecordingLines(recordDir).length === 5, 10_000, '5 recording lines');
    } finally {
      await a.close(5000);
    }

    const lines = readRecordingLines(recordDir);
    expect(lines.map((line) => [line.method, line.url, line.status, line.clientKind])).toEqual([
      ['PUT', `/v1/apps/${APP}/endpoints/${WEB_ENDPOINT}`, 202, 'aws-sdk-js'],
      ['POST', `/v1/apps/${APP}/events`, 202, 'aws-sdk-js'],
      // The beacon's presigned query is gone; Node's fetch names no SDK.
      ['POST', `/v1/apps/${APP}/events/legacy`, 202, 'unknown'],
      ['PUT', `/v1/apps/${APP}/endpoints/backend-endpoint-42`, 202, 'aws-sdk-js'],
      ['POST', `/v1/apps/${APP}/events`, 202, 'aws-sdk-js'],
    ]);
    const recorded = everyFileText(recordDir);
    for (const secret of [PINPOINT_KEY.accessKeyId, PINPOINT_KEY.secretAccessKey, SESSION_TOKEN, encodeURIComponent(SESSION_TOKEN), 'X-Amz-Signature', 'X-Amz-Credential', '"authorization"']) {
      expect(recorded).not.toContain(secret);
    }

    const storeA = storedRecords(aDir);
    expect(storeA).toHaveLength(5);
    const web = storeA.filter((record) => record.client.client_id === WEB_ENDPOINT);
    expect(web.map((record) => record.event_type)).toEqual(['_session.start', 'pageView', '_session.stop']);
    for (const record of web) expect(record.endpoint).toEqual(expect.objectContaining({ Demographic: WEB_PROFILE.Demographic }));

    // The dry run of the recording shows exactly what A stored, arrival times included.
    const dry = await runToExit('cli', ['replay', recordDir, '--dry-run', '--format', 'event-stream'], { DATA_DIR: temp.dir }, 30_000);
    expect({ code: dry.code, answered: answeredAsExpected(dry.stderr) }).toEqual({ code: 0, answered: '5 of 5' });
    const predicted = dry.stdout.trim().split('\n').flatMap((line) => (JSON.parse(line) as { records?: EventStreamRecord[] }).records ?? []);
    expect(new Map(predicted.map((record) => [record.event_id, record]))).toEqual(new Map(storeA.map((record) => [record.event_id, record])));

    const bDir = path.join(temp.dir, 'b');
    const b = await startInstance(bDir);
    try {
      // The recording holds no credential: a service that checks signatures refuses it as recorded.
      const unsigned = await runToExit('cli', ['replay', recordDir, '--target', b.url], {}, 30_000);
      expect({ code: unsigned.code, answered: answeredAsExpected(unsigned.stdout) }).toEqual({ code: 1, answered: '0 of 5' });
      expect(unsigned.stdout).toMatch(/^403 +\d+ +\d+ +5$/m);
      // Signed again (the beacon with an Authorization header), at the default concurrency, which
      // keeps each endpoint's order (replay-sending.test.ts shows it under load).
      const signed = await runToExit('cli', ['replay', recordDir, '--target', b.url, '--sign'], signingEnv(), 30_000);
      expect({ code: signed.code, answered: answeredAsExpected(signed.stdout), stderr: signed.stderr }).toEqual({ code: 0, answered: '5 of 5', stderr: '' });
      expect(signed.stdout).toMatch(/^ANSWER +aws-sdk-js +unknown +ALL\n202 +4 +1 +5$/m);
      await delivered(b);
      expect(withoutArrival(storedRecords(bDir))).toEqual(withoutArrival(storeA));
    } finally {
      await b.close();
    }
  });

  it('an Amplify JS browser session captured by Chrome replays with --sign (the beacon signed with a header instead of its captured query) and lands with its endpoint profile', async () => {
    const dataDir = path.join(temp.dir, 'har');
    const instance = await startInstance(dataDir);
    const har = path.join(FIXTURES, 'har', 'amplify-js-browser-session.har');
    try {
      const captured = await runToExit('cli', ['replay', har, '--target', instance.url], {}, 30_000);
      // The captured signatures are long expired (and made with a key the instance does not know).
      expect({ code: captured.code, answered: answeredAsExpected(captured.stdout) }).toEqual({ code: 1, answered: '0 of 3' });
      const signed = await runToExit('cli', ['replay', har, '--target', instance.url, '--sign'], signingEnv(), 30_000);
      expect({ code: signed.code, answered: answeredAsExpected(signed.stdout), stderr: signed.stderr }).toEqual({ code: 0, answered: '3 of 3', stderr: '' });
      expect(signed.stdout).toContain('3 HAR entries left out: not a legacy or Pinpoint PutEvents, nor an UpdateEndpoint');
      await delivered(instance);
      const records = storedRecords(dataDir);
      expect(records.map((record) => record.event_type).sort()).toEqual(['_session.start', '_session.stop', 'pageView']);
      for (const record of records) {
        expect(record.client.client_id).toBe(WEB_ENDPOINT);
        expect(record.endpoint).toEqual(expect.objectContaining({ Demographic: WEB_PROFILE.Demographic, User: expect.objectContaining({ UserId: WEB_PROFILE.User?.UserId }) as unknown }));
      }
    } finally {
      await instance.close();
    }
  });
});
