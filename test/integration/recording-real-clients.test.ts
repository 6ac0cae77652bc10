import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import AWS from 'aws-sdk';
import AWSLegacy from 'aws-sdk-legacy';
import { createServiceServer } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createDeps, type Deps } from '../../src/deps';
import { headersFromRaw } from '../../src/recording/recording-line';
import type { RecordedRequest, Recorder } from '../../src/recording/recorder';
import { silentLogger } from '../../src/logger';
import { allClientFixtures } from '../fixtures/clients';
import { android210 } from '../fixtures/clients/android';
import { browserTextPlain, rawSdkClientContext } from '../fixtures/clients/aws-sdk-js';
import { DEVICE_CREDENTIALS, type ClientFixture } from '../fixtures/clients/device-request';
import { replayFixture, sdkSessionEvents, submitAmaSession, type AwsSdkV2 } from '../support/legacy-clients';
import { everyFileText, readRecordingLines } from '../support/recording-reader';
import { makeTempDir } from '../support/temp-dir';

/** The credentials the aws-sdk clients here sign with: temporary ones, with a session token. */
const SDK_CREDENTIALS = { accessKeyId: 'ASIARECORDINGSDK01', secretAccessKey: 'recording-sdk-secret-key-01', sessionToken: 'recording/sdk+session-token==01' };

/**
 * The credentials `submitAmaSession` gives aws-sdk-mobile-analytics (test/support/legacy-clients.ts);
 * the test checks below that the library really sent this token.
 */
const AMA_CREDENTIALS = { accessKeyId: 'ASIADEVICEREAL', secretAccessKey: 'device-secret', sessionToken: 'device-session-token' };

/** A query-string (presigned) SigV4 signature, as a device behind a signing gateway might send it. */
const PRESIGNED_SIGNATURE = '0f3e5b9a2c4d6e8f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e6f';
const PRESIGNED_QUERY = [
  'X-Amz-Algorithm=AWS4-HMAC-SHA256',
  `X-Amz-Credential=${encodeURIComponent(`${DEVICE_CREDENTIALS.accessKeyId}/20261122/us-east-1/mobileanalytics/aws4_request`)}`,
  'X-Amz-Date=20261122T100000Z',
  'X-Amz-Expires=300',
  'X-Amz-SignedHeaders=host',
  `X-Amz-Security-Token=${encodeURIComponent(DEVICE_CREDENTIALS.sessionToken)}`,
  `X-Amz-Signature=${PRESIGNED_SIGNATURE}`,
  'app=1',
].join('&');

const BROWSER_COOKIE = 'session=browser-cookie-secret-value';

/**
 * Real legacy clients send through the service with `RECORD_DIR`, each signing with its own
 * temporary credentials; the recording files are then read as plain text and searched for every
 * credential the requests carried. A tap in front of the recorder keeps what the route handed it
 * (headers and body as received) so the test knows which secrets to look for, and what each body was.
 */
describe('recording real legacy clients: every request recorded as sent, no credential written', () => {
  const temp = makeTempDir('ma2pinpoint-recording-clients-');
  const recordDir = path.join(temp.dir, 'recordings');
  const received: RecordedRequest[] = [];
  let deps: Deps;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      PORT: '0',
      SINK: 'local',
      DATA_DIR: path.join(temp.dir, 'data'),
      DELIVERY_THREAD: 'inline',
      RECORD_DIR: recordDir,
    });
    deps = createDeps(config, silentLogger);
    const recorder = deps.app.recorder;
    const tap: Recorder = {
      ...recorder,
      record: (entry) => {
        received.push(entry);
        recorder.record(entry);
      },
    };
    server = createServiceServer({ ...deps.app, recorder: tap });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await deps.close();
    temp.remove();
  });

  /** Request id → what the test knows was sent. */
  const sent = new Map<string, { fixture?: ClientFixture; eventTypes?: string[]; url?: string }>();

  it('sends: aws-sdk 2.x and 2.96.0 signed with a session token, aws-sdk-mobile-analytics, every fixture, a presigned URL', async () => {
    for (const sdk of [AWS, AWSLegacy as unknown as AwsSdkV2]) {
      const client = new sdk.MobileAnalytics({
        endpoint: url,
        region: 'us-east-1',
        credentials: new sdk.Credentials(SDK_CREDENTIALS.accessKeyId, SDK_CREDENTIALS.secretAccessKey, SDK_CREDENTIALS.sessionToken),
        maxRetries: 0,
      });
      const result = await client.putEvents({ events: sdkSessionEvents, clientContext: JSON.stringify(rawSdkClientContext) }).promise();
      expect(result.$response.httpResponse.statusCode).toBe(202);
      sent.set(result.$response.requestId, { eventTypes: sdkSessionEvents.map((e) => e.eventType) });
    }

    const before = received.length;
    const ama = await submitAmaSession(url, 'ma-app-recording');
    expect(ama.err).toBeNull();
    expect(received.length).toBe(before + 1);
    sent.set(received[before]?.requestId as string, { eventTypes: ama.events.map((e) => e.eventType) });

    const fixtures = allClientFixtures({ largeBatches: false }).map((f) =>
      f.name === browserTextPlain().name ? { ...f, headers: { ...f.headers, Cookie: BROWSER_COOKIE } } : f,
    );
    for (const fixture of fixtures) {
      const answer = await replayFixture(url, fixture);
      expect(answer.status).toBe(202);
      sent.set(answer.headers['x-amzn-requestid'] as string, { fixture });
    }

    const { Authorization: _signedInHeader, ...unsigned } = android210().headers;
    const presigned = { ...android210(), path: `/2014-06-05/events?${PRESIGNED_QUERY}` as ClientFixture['path'], headers: unsigned };
    const answer = await replayFixture(url, presigned);
    expect(answer.status).toBe(202);
    sent.set(answer.headers['x-amzn-requestid'] as string, { fixture: presigned, url: '/2014-06-05/events?app=1' });

    await deps.app.recorder.flush();
    expect(received).toHaveLength(sent.size);
  });

  it('wrote one schema-valid line per request, with the body bytes as received (gzip still gzip) and the answer', () => {
    const lines = readRecordingLines(recordDir);
    expect(lines.map((l) => l.requestId).sort()).toEqual([...sent.keys()].sort());
    for (const line of lines) {
      const entry = received.find((e) => e.requestId === line.requestId);
      const known = sent.get(line.requestId);
      const body = Buffer.from(line.body ?? '', 'base64');
      expect(body.equals(entry?.body as Buffer)).toBe(true);
      expect(line.status).toBe(202);
      expect(line.method).toBe('POST');
      expect(line.url).toBe(known?.url ?? '/2014-06-05/events');
      if (known?.fixture) {
        expect(body.equals(known.fixture.body)).toBe(true);
        expect(line.clientKind).toBe(known.fixture.kind);
        const gzipped = known.fixture.headers['Content-Encoding'] === 'gzip';
        expect(body.subarray(0, 2).equals(Buffer.from([0x1f, 0x8b]))).toBe(gzipped);
        const json = (gzipped ? gunzipSync(body) : body).toString('utf8');
        expect((JSON.parse(json) as { events: unknown[] }).events).toHaveLength(known.fixture.events.length);
        // Every header but the credentials, values as sent.
        for (const [name, value] of Object.entries(known.fixture.headers)) {
          if (!/^(authorization|x-amz-security-token|cookie)$/i.test(name)) expect(line.headers[name.toLowerCase()]).toBe(value);
        }
      } else {
        const events = (JSON.parse(body.toString('utf8')) as { events: { eventType: string }[] }).events;
        expect(events.map((e) => e.eventType).sort()).toEqual([...(known?.eventTypes ?? [])].sort());
        expect(line.clientKind).toBe('js');
      }
      expect(Object.keys(line.headers).filter((name) => /authorization|security-token|cookie/.test(name))).toEqual([]);
    }
  });

  it('holds no Authorization, secret key, security token or signature anywhere in the directory', () => {
    const secrets = new Set<string>([
      ...[SDK_CREDENTIALS, AMA_CREDENTIALS, DEVICE_CREDENTIALS].flatMap((c) => [c.accessKeyId, c.secretAccessKey, c.sessionToken]),
      PRESIGNED_SIGNATURE,
      BROWSER_COOKIE,
    ]);
    // What the requests really carried, as the route received it: every client did sign.
    let signedInHeader = 0;
    for (const entry of received) {
      const headers = headersFromRaw(entry.rawHeaders);
      const authorization = headers['authorization']?.[0];
      const token = headers['x-amz-security-token']?.[0];
      if (authorization !== undefined) {
        signedInHeader += 1;
        const signature = /Signature=([0-9a-f]{64})/.exec(authorization)?.[1];
        expect(signature).toBeDefined();
        secrets.add(signature as string);
        expect(token).toBeDefined();
        expect([SDK_CREDENTIALS.sessionToken, AMA_CREDENTIALS.sessionToken, DEVICE_CREDENTIALS.sessionToken]).toContain(token);
      } else {
        expect(entry.url).toContain(`X-Amz-Signature=${PRESIGNED_SIGNATURE}`);
      }
    }
    expect(signedInHeader).toBe(received.length - 1);

    const text = everyFileText(recordDir);
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/authorization|x-amz-security-token|x-amz-signature|x-amz-credential|cookie/i);
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(encodeURIComponent(secret));
      expect(text).not.toContain(JSON.stringify(secret).slice(1, -1));
    }
  });
});
