import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import AWS from 'aws-sdk';
import AWSLegacy from 'aws-sdk-legacy';
import type { EventStreamRecord } from '../../src/mapping/event-stream-record';
import { isRecordingFileName } from '../../src/recording/recording-files';
import type { RecordingLine } from '../../src/recording/recording-line';
import { android210, android217, android223, android290 } from '../fixtures/clients/android';
import { awsSdkJsModern, browserTextPlain, rawSdkClientContext } from '../fixtures/clients/aws-sdk-js';
import { DEVICE_CREDENTIALS, type ClientFixture } from '../fixtures/clients/device-request';
import { iosEarly, iosLater } from '../fixtures/clients/ios';
import { jsLibrarySession } from '../fixtures/clients/js-library';
import { expectStreamRecordsIntact } from '../support/delivery-oracle';
import { startInProcessProxy, type InProcessProxy } from '../support/in-process-proxy';
import { mobileAnalyticsClient, replayFixture, sdkSessionEvents, submitAmaSession } from '../support/legacy-clients';
import { waitFor } from '../support/legacy-sender';
import { runToExit } from '../support/proxy-process';
import { makeTempDir } from '../support/temp-dir';
import { delivered, storedRecords, withoutArrival } from '../support/local-store-records';

const HAR_DIR = path.resolve(__dirname, '..', 'fixtures', 'har');

/**
 * A fresh service with the local sink in `dataDir` (durable, the default ack mode), delivering with
 * one worker: rows are stored in the order they were accepted. Where client generations sent the
 * same event (one event id, another SDK version in the record), the store keeps the first one it
 * got, so the two stores compare equal only if both got the requests in the same order.
 */
function startLocalInstance(dataDir: string, env: Record<string, string> = {}): Promise<InProcessProxy> {
  return startInProcessProxy({ SINK: 'local', DATA_DIR: dataDir, FORWARD_CONCURRENCY: '1', FORWARD_LINGER_MS: '10', ...env });
}

/** The lines of every recording file in `dir`, in file name order. */
function recordingLines(dir: string): RecordingLine[] {
  return readdirSync(dir)
    .filter(isRecordingFileName)
    .sort()
    .flatMap((name) => readFileSync(path.join(dir, name), 'utf8').split('\n').filter((line) => line !== ''))
    .map((line) => JSON.parse(line) as RecordingLine);
}

/** The count in the replay summary's `answered 202 as expected: N of M` line. */
function answeredAsExpected(stdout: string): string {
  return /^answered 202 as expected: (\d+ of \d+)$/m.exec(stdout)?.[1] ?? `no summary in:\n${stdout}`;
}

/** The Android and iOS generations and the browser SDK, replayed byte for byte as the devices sent them. */
const DEVICE_FIXTURES: Array<() => ClientFixture> = [android210, android217, android223, android290, iosEarly, iosLater, browserTextPlain];

describe('record and replay (acceptance)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (temp = makeTempDir()));
  afterEach(() => temp.remove());

  it('real clients through an instance that records; the recording replayed with the CLI into a fresh instance stores the same events; again, nothing more', async () => {
    const recordDir = path.join(temp.dir, 'recording');
    const a = await startLocalInstance(path.join(temp.dir, 'a'), { RECORD_DIR: recordDir });
    let requests = 0;
    try {
      for (const sdk of [AWS, AWSLegacy as unknown as typeof AWS]) {
        const result = await mobileAnalyticsClient(sdk, a.url).putEvents({ events: sdkSessionEvents, clientContext: JSON.stringify(rawSdkClientContext) }).promise();
        expect(result.$response.httpResponse.statusCode).toBe(202);
        requests += 1;
      }
      expect((await submitAmaSession(a.url, 'ma-app-record-replay')).err).toBeNull();
      requests += 1;
      for (const fixture of DEVICE_FIXTURES) {
        expect((await replayFixture(a.url, fixture())).status).toBe(202);
        requests += 1;
      }
      await delivered(a);
      // The recorder writes off the request's path: wait for its lines, then stop the instance.
      await waitFor(() => recordingLines(recordDir).length === requests, 10_000, `${requests} recording lines`);
    } finally {
      await a.close(5000);
    }

    const lines = recordingLines(recordDir);
    expect(lines.map((line) => line.status)).toEqual(Array.from({ length: requests }, () => 202));
    const recordingText = readdirSync(recordDir).map((name) => readFileSync(path.join(recordDir, name), 'utf8')).join('');
    for (const secret of [DEVICE_CREDENTIALS.accessKeyId, DEVICE_CREDENTIALS.sessionToken, 'ASIADEVICE', 'device-session-token', '"authorization"']) expect(recordingText).not.toContain(secret);

    const storeA = storedRecords(path.join(temp.dir, 'a'));
    expect(storeA.length).toBeGreaterThan(0);
    // A stored each event with the time its request was received, which is the recording's `time`.
    const recordedTimes = new Set(lines.map((line) => Date.parse(line.time)));
    expect(storeA.filter((r) => !recordedTimes.has(r.arrival_timestamp))).toEqual([]);

    // The dry run of the recording shows exactly what A stored, arrival times included.
    const dry = await runToExit('cli', ['replay', recordDir, '--dry-run', '--format', 'event-stream'], { DATA_DIR: temp.dir }, 30_000);
    expect(dry.code).toBe(0);
    const predicted = dry.stdout.trim().split('\n').flatMap((line) => (JSON.parse(line) as { records: EventStreamRecord[] }).records);
    const firstOfEach = new Map<string, EventStreamRecord>();
    for (const record of predicted) if (!firstOfEach.has(record.event_id)) firstOfEach.set(record.event_id, record);
    expect(new Map(storeA.map((r) => [r.event_id, r]))).toEqual(firstOfEach);

    const bDir = path.join(temp.dir, 'b');
    const b = await startLocalInstance(bDir);
    try {
      // One request at a time, in the recording's order: the order A got them (see startLocalInstance).
      const first = await runToExit('cli', ['replay', recordDir, '--target', b.url, '--concurrency', '1'], {}, 30_000);
      expect({ code: first.code, answered: answeredAsExpected(first.stdout), stderr: first.stderr }).toEqual({ code: 0, answered: `${requests} of ${requests}`, stderr: '' });
      await delivered(b);
      const storeB = storedRecords(bDir);
      expect(storeB.map((r) => r.event_id).sort()).toEqual(storeA.map((r) => r.event_id).sort());
      expect(withoutArrival(storeB)).toEqual(withoutArrival(storeA));
      // arrival_timestamp is when B received the replayed request (the local sink stores the envelope's receivedAt).
      const recordedUntil = Math.max(...lines.map((line) => Date.parse(line.time)));
      expect(storeB.every((r) => r.arrival_timestamp > recordedUntil)).toBe(true);

      const again = await runToExit('cli', ['replay', recordDir, '--target', b.url], {}, 30_000);
      expect({ code: again.code, answered: answeredAsExpected(again.stdout) }).toEqual({ code: 0, answered: `${requests} of ${requests}` });
      await delivered(b);
      expect(storedRecords(bDir)).toEqual(storeB);
    } finally {
      await b.close();
    }
  });

  it('HAR captures (Chrome, mitmproxy, base64 gzip bodies) of several client generations replay with the CLI and land intact', async () => {
    const dataDir = path.join(temp.dir, 'har');
    const instance = await startLocalInstance(dataDir);
    try {
      // The legacy captures (pinpoint-record-replay.test.ts replays the Amplify JS one).
      const captures = ['chrome-browser.har', 'gzip-bodies-base64.har', 'mitmproxy-devices.har'].map((name) => path.join(HAR_DIR, name));
      const result = await runToExit('cli', ['replay', ...captures, '--target', instance.url], {}, 30_000);
      expect({ code: result.code, answered: answeredAsExpected(result.stdout), stderr: result.stderr }).toEqual({ code: 0, answered: '8 of 8', stderr: '' });
      expect(result.stdout).toContain('4 HAR entries left out: not a legacy or Pinpoint PutEvents, nor an UpdateEndpoint');
      expect(result.stdout).toMatch(/^ANSWER +android +ios +js +ALL\n202 +3 +2 +3 +8$/m);
      await delivered(instance);
      const sent = [browserTextPlain(), jsLibrarySession(), android210(), android223(), iosLater(), awsSdkJsModern(), android290(), iosEarly()];
      // Generations that sent the same events (Android 2.1.3, 2.2.3 and 2.9.0; both iOS; the browser and
      // Node SDKs) have one event id for each: the store holds them once, so each request counts once.
      const distinct = sent.filter((fixture, i) => sent.findIndex((other) => other.clientContext === fixture.clientContext && JSON.stringify(other.events) === JSON.stringify(fixture.events)) === i);
      expectStreamRecordsIntact(distinct, storedRecords(dataDir));
    } finally {
      await instance.close();
    }
  });
});
