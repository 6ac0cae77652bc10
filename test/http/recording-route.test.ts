import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { createApp, createServiceServer, type AppDeps } from '../../src/app';
import { createFileRecorder } from '../../src/recording/file-recorder';
import { emptyRecorderStats, type RecordedRequest, type Recorder } from '../../src/recording/recorder';
import { nodeRecordingStorage, type RecordingFile, type RecordingStorage } from '../../src/recording/recording-storage';
import { silentLogger } from '../../src/logger';
import { android223 } from '../fixtures/clients/android';
import type { ClientFixture } from '../fixtures/clients/device-request';
import { iosLater } from '../fixtures/clients/ios';
import { pinpointStandInEnv, startInProcessProxy, type InProcessProxy } from '../support/in-process-proxy';
import { startPinpointStandIn } from '../support/pinpoint-stand-in';
import { readRecordingLines } from '../support/recording-reader';
import { replayFixture } from '../support/legacy-clients';
import { makeTempDir } from '../support/temp-dir';

/** A recorder that keeps what it is given, to see exactly what the route hands over. */
function spyRecorder(): Recorder & { recorded: RecordedRequest[] } {
  const recorded: RecordedRequest[] = [];
  return {
    recorded,
    record: (entry) => void recorded.push(entry),
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
    stats: emptyRecorderStats,
  };
}

/** superagent would JSON-encode a Buffer body with a JSON Content-Type; this leaves the bytes alone. */
const asIs = (data: string): string => data;

function post(app: ReturnType<typeof createApp>, fixture: ClientFixture, headers: Record<string, string> = {}) {
  let req = request(app).post(fixture.path);
  for (const [name, value] of Object.entries({ ...fixture.headers, ...headers })) req = req.set(name, value);
  return req.serialize(asIs).send(fixture.body);
}

/** The service's app deps with another recorder (and any other change), served on a loopback port. */
async function serve(deps: AppDeps): Promise<{ url: string; server: Server }> {
  const server = createServiceServer(deps);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

const temp = makeTempDir('ma2pinpoint-recording-route-');
let proxy: InProcessProxy;
beforeAll(async () => {
  proxy = await startInProcessProxy({ SINK: 'local', DATA_DIR: path.join(temp.dir, 'data'), FORWARD_LINGER_MS: '0' });
});
afterAll(async () => {
  await proxy.close();
  temp.remove();
});

describe('the events route hands every answered request to the recorder', () => {
  it('an accepted request: its raw headers and body as received, the answer, the arrival time', async () => {
    const spy = spyRecorder();
    const app = createApp({ ...proxy.deps.app, recorder: spy });
    const fixture = android223();
    const before = Date.now();
    const response = await post(app, fixture);
    expect(response.status).toBe(202);
    expect(spy.recorded).toHaveLength(1);
    const [entry] = spy.recorded;
    expect(entry).toEqual({
      receivedAt: expect.any(Number),
      method: 'POST',
      url: '/2014-06-05/events',
      // Node's own array, from outside the test's realm: checked below.
      rawHeaders: expect.anything(),
      body: fixture.body,
      status: 202,
      requestId: response.headers['x-amzn-requestid'],
      clientKind: 'android',
    });
    expect(entry?.receivedAt).toBeGreaterThanOrEqual(before);
    expect(entry?.receivedAt).toBeLessThanOrEqual(Date.now());
    // Raw: the recorder, not the route, leaves credentials out.
    expect([...(entry?.rawHeaders ?? [])]).toEqual(expect.arrayContaining(['Authorization', fixture.headers['Authorization']]));
  });

  it('a refused request: the status it got, the body it sent', async () => {
    const spy = spyRecorder();
    const app = createApp({ ...proxy.deps.app, recorder: spy });
    const fixture = iosLater();
    const response = await post(app, fixture, { 'X-Amz-Client-Context': 'not json' });
    expect(response.status).toBe(400);
    expect(spy.recorded.map((e) => [e.status, e.clientKind, e.body])).toEqual([[400, 'ios', fixture.body]]);
  });

  it('a body not read (over BODY_LIMIT, or past MAX_CONCURRENT_UPLOADS): body null', async () => {
    const spy = spyRecorder();
    const fixture = android223();
    const tooLarge = await post(createApp({ ...proxy.deps.app, bodyLimit: 16, recorder: spy }), fixture);
    const notAdmitted = await post(createApp({ ...proxy.deps.app, maxConcurrentUploads: 0, recorder: spy }), fixture);
    expect([tooLarge.status, notAdmitted.status]).toEqual([413, 503]);
    expect(spy.recorded.map((e) => [e.status, e.body])).toEqual([
      [413, null],
      [503, null],
    ]);
  });

  it('keeps the query string for the recorder to redact', async () => {
    const spy = spyRecorder();
    const app = createApp({ ...proxy.deps.app, recorder: spy });
    const fixture = android223();
    await post(app, { ...fixture, path: '/2014-06-05/events?X-Amz-Signature=abc' as ClientFixture['path'] });
    expect(spy.recorded[0]?.url).toBe('/2014-06-05/events?X-Amz-Signature=abc');
  });
});

describe('a recorder that cannot write never delays or fails an answer', () => {
  const fixtures = [android223, iosLater, android223, iosLater, android223];

  it('answers every request while the recorder’s appends hang', async () => {
    let appendsStarted = 0;
    const files: RecordingFile[] = [];
    const hanging: RecordingStorage = {
      ...nodeRecordingStorage,
      create: async (file) => {
        const real = await nodeRecordingStorage.create(file);
        files.push(real);
        return {
          ...real,
          append: () => {
            appendsStarted += 1;
            return new Promise<void>(() => undefined);
          },
        };
      },
    };
    const recorder = createFileRecorder(
      { dir: path.join(temp.dir, 'hanging'), maxFileBytes: 1024 * 1024, maxBytes: 8 * 1024 * 1024, sample: 1 },
      { logger: silentLogger, storage: hanging },
    );
    const { url, server } = await serve({ ...proxy.deps.app, recorder });
    try {
      for (const make of fixtures) {
        const started = performance.now();
        const answer = await replayFixture(url, make());
        expect(answer.status).toBe(202);
        expect(performance.now() - started).toBeLessThan(1000);
      }
      // The writer is blocked in its first append the whole time; the rest waits in memory.
      expect(appendsStarted).toBe(1);
      expect(recorder.stats()).toMatchObject({ linesWritten: 0, queuedLines: fixtures.length - 1 });
    } finally {
      await recorder.close();
      // The recorder leaves a file whose append hangs to that append; this one never ends.
      await Promise.all(files.map((file) => file.close()));
      await stop(server);
    }
  });

  it('answers every request while every write fails, counting the lines dropped', async () => {
    const failing: RecordingStorage = {
      ...nodeRecordingStorage,
      makeDirectory: () => Promise.reject(Object.assign(new Error('EACCES: permission denied, mkdir'), { code: 'EACCES' })),
    };
    const recorder = createFileRecorder(
      { dir: path.join(temp.dir, 'failing'), maxFileBytes: 1024 * 1024, maxBytes: 8 * 1024 * 1024, sample: 1 },
      { logger: silentLogger, storage: failing },
    );
    const { url, server } = await serve({ ...proxy.deps.app, recorder });
    try {
      for (const make of fixtures) expect((await replayFixture(url, make())).status).toBe(202);
      await recorder.flush();
      expect(recorder.stats()).toMatchObject({ linesWritten: 0, dropped: { unwritable: fixtures.length } });
    } finally {
      await recorder.close();
      await stop(server);
    }
  });
});

describe('RECORD_DIR in either ack mode', () => {
  it.each(['durable', 'upstream'] as const)('%s: each answered request is a line, the answer as the device got it', async (ackMode) => {
    const standIn = await startPinpointStandIn();
    const recordDir = path.join(temp.dir, `modes-${ackMode}`);
    const service = await startInProcessProxy({ ...pinpointStandInEnv(standIn), ACK_MODE: ackMode, DATA_DIR: path.join(temp.dir, `data-${ackMode}`), RECORD_DIR: recordDir });
    try {
      const accepted = await replayFixture(service.url, android223());
      standIn.setBehavior(() => ({ status: 500 }));
      const second = await replayFixture(service.url, iosLater());
      await service.deps.app.recorder.flush();
      const lines = readRecordingLines(recordDir);
      expect(lines.map((l) => [l.requestId, l.status, l.clientKind])).toEqual([
        [accepted.headers['x-amzn-requestid'], 202, 'android'],
        // Upstream mode answers what Pinpoint said; durable mode had already spooled it.
        [second.headers['x-amzn-requestid'], ackMode === 'upstream' ? 503 : 202, 'ios'],
      ]);
    } finally {
      await service.close();
      await standIn.close();
    }
  });
});
