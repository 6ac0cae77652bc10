import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { RecordingConfig } from '../../src/config';
import { createFileRecorder, type FileRecorderDeps } from '../../src/recording/file-recorder';
import { createNoRecorder, emptyRecorderStats, type RecordedRequest, type Recorder } from '../../src/recording/recorder';
import { RECORDING_FILE_NAME, recordingFileName } from '../../src/recording/recording-files';
import { nodeRecordingStorage, type RecordingFile, type RecordingStorage } from '../../src/recording/recording-storage';
import { createCaptureLogger, type CaptureLogger } from '../support/capture-logger';
import { PINPOINT_KEY, presignWithAws4, presignWithSmithy, signWithSmithy } from '../support/device-keys';
import { readRecordingLines, recordingFiles } from '../support/recording-reader';
import { makeTempDir } from '../support/temp-dir';

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0, 123);
const SIGNATURE = '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7';
const TOKEN = 'IQoJb3JpZ2luX2VjEUnitTestSessionToken==';

/** A recorded request carrying every kind of credential, its body padded to about `pad` bytes. */
function recorded(id: string, { pad = 0, ...overrides }: Partial<RecordedRequest> & { pad?: number } = {}): RecordedRequest {
  const body = Buffer.from(JSON.stringify({ events: [{ eventType: 'level.complete', timestamp: '2026-11-22T09:59:00.000Z', attributes: { id, pad: 'x'.repeat(pad) } }] }));
  return {
    receivedAt: T0,
    method: 'POST',
    url: `/2014-06-05/events?X-Amz-Signature=${SIGNATURE}&keep=1&X-Amz-Security-Token=${encodeURIComponent(TOKEN)}`,
    rawHeaders: [
      ['Host', 'mobileanalytics.us-east-1.amazonaws.com'],
      ['Authorization', `AWS4-HMAC-SHA256 Credential=ASIAUNITTEST/20261122/us-east-1/mobileanalytics/aws4_request, SignedHeaders=host, Signature=${SIGNATURE}`],
      ['X-Amz-Security-Token', TOKEN],
      ['Cookie', 'session=secret-cookie'],
      ['x-amz-Client-Context', '{"client":{"client_id":"c1"}}'],
      ['User-Agent', 'aws-sdk-android/2.9.0'],
      ['Accept', 'application/json'],
      // A repeated header, in another case: one entry, values joined in arrival order.
      ['ACCEPT', 'text/plain'],
    ].flat(),
    body,
    status: 202,
    requestId: id,
    clientKind: 'android',
    ...overrides,
  };
}

/** The recorders a test made: closed after it, so no file is left open. */
const opened: Recorder[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((recorder) => recorder.close()));
});

/** The recorder under test over `dir`, with small caps unless given; logs captured. */
function recorderIn(dir: string, config: Partial<RecordingConfig> = {}, deps: Partial<FileRecorderDeps> = {}) {
  const logger = createCaptureLogger();
  const recorder = createFileRecorder({ dir, maxFileBytes: 1024 * 1024, maxBytes: 8 * 1024 * 1024, sample: 1, ...config }, { logger, ...deps });
  opened.push(recorder);
  return { recorder, logger };
}

/** A system error as Node makes them. */
function systemError(code: string, syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated, ${syscall}`), { code, syscall });
}

/** The real storage with one operation replaced. */
function storageWith(overrides: Partial<RecordingStorage>): RecordingStorage {
  return { ...nodeRecordingStorage, ...overrides };
}

/** The real storage whose appends fail with ENOSPC while the disk is full (at first). */
function fullDisk(): { storage: RecordingStorage; setFull(full: boolean): void } {
  let failing = true;
  const storage = storageWith({
    create: async (file) => {
      const real = await nodeRecordingStorage.create(file);
      return {
        ...real,
        append: async (data) => {
          if (failing) throw systemError('ENOSPC', 'write');
          await real.append(data);
        },
      };
    },
  });
  return {
    storage,
    setFull: (full) => {
      failing = full;
    },
  };
}

/** The real storage whose appends wait until `release()`; `appends` counts the appends started. */
function gatedStorage(): { storage: RecordingStorage; release(): void; appends(): number } {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let appends = 0;
  const storage = storageWith({
    create: async (file) => {
      const real = await nodeRecordingStorage.create(file);
      const gated: RecordingFile = {
        ...real,
        append: async (data) => {
          appends += 1;
          await gate;
          await real.append(data);
        },
      };
      return gated;
    },
  });
  return { storage, release: () => open(), appends: () => appends };
}

/** Resolves once `condition` holds (checked every 5 ms), or fails after 2 s. */
async function until(condition: () => boolean): Promise<void> {
  for (const started = Date.now(); !condition(); ) {
    if (Date.now() - started > 2000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function warnings(logger: CaptureLogger) {
  return logger.lines.filter((line) => line.level === 'warn');
}

const temp = makeTempDir('ma2pinpoint-recorder-');
afterAll(() => temp.remove());
let dir: string;
let n = 0;
beforeEach(() => {
  n += 1;
  dir = path.join(temp.dir, `rec-${n}`);
});

describe('file recorder: lines', () => {
  it('writes one schema-valid line per request, credentials left out, the body bytes as received', async () => {
    const { recorder } = recorderIn(dir);
    const gzipped = gzipSync(Buffer.from('{"events":[]}'));
    recorder.record(recorded('r1'));
    recorder.record(recorded('r2', { body: gzipped, status: 400, clientKind: 'ios', method: 'POST' }));
    recorder.record(recorded('r3', { body: null, status: 413, url: '/2014-06-05/events' }));
    await recorder.flush();

    const lines = readRecordingLines(dir);
    expect(lines.map((l) => [l.requestId, l.status, l.clientKind])).toEqual([
      ['r1', 202, 'android'],
      ['r2', 400, 'ios'],
      ['r3', 413, 'android'],
    ]);
    const [first, second, third] = lines;
    expect(first?.v).toBe(1);
    expect(first?.time).toBe('2026-11-22T10:00:00.123Z');
    expect(first?.method).toBe('POST');
    expect(first?.url).toBe('/2014-06-05/events?keep=1');
    expect(first?.headers).toEqual({
      host: 'mobileanalytics.us-east-1.amazonaws.com',
      'x-amz-client-context': '{"client":{"client_id":"c1"}}',
      'user-agent': 'aws-sdk-android/2.9.0',
      accept: 'application/json, text/plain',
    });
    expect(Buffer.from(first?.body ?? '', 'base64')).toEqual(recorded('r1').body);
    expect(Buffer.from(second?.body ?? '', 'base64')).toEqual(gzipped);
    expect(third?.body).toBeNull();

    const [file] = recordingFiles(dir);
    expect(file?.name).toMatch(RECORDING_FILE_NAME);
    expect(file?.text).not.toMatch(/authorization|cookie|secret-cookie|security-token|signature|ASIAUNITTEST/i);
    expect(file?.text).not.toContain(SIGNATURE);
    expect(file?.text).not.toContain(TOKEN);
    expect(file?.text).not.toContain(encodeURIComponent(TOKEN));
    expect(recorder.stats()).toEqual({
      ...emptyRecorderStats(),
      linesWritten: 3,
      bytesWritten: Buffer.byteLength(file?.text ?? ''),
      filesCreated: 1,
    });
  });

  it('records Pinpoint calls without their credentials: a beacon presigned as Amplify JS and the AWS SDK presign it, an UpdateEndpoint signed with a session token', async () => {
    const app = '0123456789abcdef0123456789abcdef';
    const host = 'pinpoint.example.com';
    const body = Buffer.from('{"BatchItem":{"ep-1":{"Endpoint":{},"Events":{"e1":{"EventType":"_session.stop","Timestamp":"2026-11-22T10:00:00.000Z"}}}}}');
    const beacon = { method: 'POST', path: `/v1/apps/${app}/events/legacy`, query: { keep: '1' }, headers: { host }, body };
    const token = 'IQoJb3JpZ2luX2VjE+pinpoint/session=token==';
    const signing = { at: T0, sessionToken: token };
    const amplifyUrl = presignWithAws4(beacon, PINPOINT_KEY, signing);
    const smithyUrl = await presignWithSmithy(beacon, PINPOINT_KEY, { ...signing, expiresIn: 900 });
    const update = { method: 'PUT', path: `/v1/apps/${app}/endpoints/ep-1`, headers: { host, 'content-type': 'application/json' }, body: Buffer.from('{"Demographic":{"Platform":"web"}}') };
    const signed = await signWithSmithy(update, PINPOINT_KEY, signing);
    // Every credential a presigned URL carries is there to be left out.
    for (const url of [amplifyUrl, smithyUrl]) expect(url).toMatch(/X-Amz-Credential=.*X-Amz-Security-Token=|X-Amz-Security-Token=.*X-Amz-Credential=/);
    expect(smithyUrl).toContain('X-Amz-Expires=900');
    const { recorder } = recorderIn(dir);
    const beaconHeaders = ['Host', host, 'Content-Type', 'text/plain;charset=UTF-8'];
    recorder.record(recorded('amplify', { url: amplifyUrl, rawHeaders: beaconHeaders, body, clientKind: 'unknown' }));
    recorder.record(recorded('smithy', { url: smithyUrl, rawHeaders: beaconHeaders, body, clientKind: 'aws-sdk-js' }));
    recorder.record(recorded('update', { method: 'PUT', url: signed.url, rawHeaders: Object.entries(signed.headers).flat(), body: update.body, clientKind: 'amplify-js' }));
    await recorder.flush();

    const lines = readRecordingLines(dir);
    expect(lines.map((line) => [line.method, line.url, line.clientKind])).toEqual([
      ['POST', `/v1/apps/${app}/events/legacy?keep=1`, 'unknown'],
      ['POST', `/v1/apps/${app}/events/legacy?keep=1`, 'aws-sdk-js'],
      ['PUT', `/v1/apps/${app}/endpoints/ep-1`, 'amplify-js'],
    ]);
    expect(Object.keys(lines[2]?.headers ?? {}).sort()).toEqual(['content-type', 'host', 'x-amz-content-sha256', 'x-amz-date']);
    const text = recordingFiles(dir).map((file) => file.text).join('');
    expect(text).not.toMatch(/x-amz-(credential|signature|security-token|algorithm|signedheaders|expires)|authorization/i);
    for (const secret of [PINPOINT_KEY.accessKeyId, token, encodeURIComponent(token), PINPOINT_KEY.secretAccessKey]) expect(text).not.toContain(secret);
  });

  it('keeps a header named __proto__ as an ordinary one, and drops Proxy-Authorization too', async () => {
    const { recorder } = recorderIn(dir);
    recorder.record(recorded('r1', { rawHeaders: ['__proto__', 'polluted', 'Proxy-Authorization', 'Basic cHJveHk6c2VjcmV0', 'Host', 'h'] }));
    await recorder.flush();
    const [line] = readRecordingLines(dir);
    expect(Object.entries(line?.headers ?? {})).toEqual([
      ['__proto__', 'polluted'],
      ['host', 'h'],
    ]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('names files recording-<UTC start time>-<sequence>.jsonl', () => {
    expect(recordingFileName(T0, 1)).toBe('recording-20261122T100000.123Z-000001.jsonl');
    expect(recordingFileName(T0, 1234567)).toBe('recording-20261122T100000.123Z-1234567.jsonl');
  });

  it('does nothing on the caller’s stack: no file operation, no serialization before the next turn', async () => {
    const calls: string[] = [];
    const storage = storageWith({
      makeDirectory: (d) => {
        calls.push('makeDirectory');
        return nodeRecordingStorage.makeDirectory(d);
      },
    });
    const { recorder } = recorderIn(dir, {}, { storage });
    const request = recorded('r1');
    const body = request.body as Buffer;
    // The body's base64 encoding is the costly part of a line: it must not run inside record().
    let encoded = false;
    body.toString = (...args: Parameters<Buffer['toString']>) => {
      encoded = true;
      return Buffer.prototype.toString.apply(body, args);
    };
    recorder.record(request);
    expect(calls).toEqual([]);
    expect(encoded).toBe(false);
    await recorder.flush();
    expect(encoded).toBe(true);
    expect(calls).toEqual(['makeDirectory']);
    expect(readRecordingLines(dir)).toHaveLength(1);
  });

  it('takes the next sequence when a file name is taken', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, recordingFileName(T0, 1)), '');
    const { recorder } = recorderIn(dir, {}, { now: () => T0 });
    recorder.record(recorded('r1'));
    await recorder.flush();
    expect(readdirSync(dir).sort()).toEqual([recordingFileName(T0, 1), recordingFileName(T0, 2)]);
    expect(readRecordingLines(dir).map((l) => l.requestId)).toEqual(['r1']);
  });
});

describe('file recorder: rotation and the directory cap', () => {
  /** A request whose line is about 1 KB. */
  const kb = (id: string) => recorded(id, { pad: 300 });

  it('starts a new file before a line would take the current one past RECORD_MAX_FILE_BYTES', async () => {
    const { recorder } = recorderIn(dir, { maxFileBytes: 4096 });
    const ids = Array.from({ length: 20 }, (_, i) => `r${String(i).padStart(2, '0')}`);
    for (const id of ids) recorder.record(kb(id));
    await recorder.flush();

    const files = recordingFiles(dir);
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      expect(Buffer.byteLength(file.text)).toBeLessThanOrEqual(4096);
      expect(file.text.endsWith('\n')).toBe(true);
    }
    // Every file but the last is full: the next line would not have fitted.
    const lineBytes = Buffer.byteLength(files[0]?.text.split('\n')[0] ?? '') + 1;
    for (const file of files.slice(0, -1)) expect(Buffer.byteLength(file.text) + lineBytes).toBeGreaterThan(4096);
    // Names sort in the order lines were recorded.
    expect(readRecordingLines(dir).map((l) => l.requestId)).toEqual(ids);
    expect(recorder.stats().filesCreated).toBe(files.length);
  });

  it('keeps the directory under RECORD_MAX_BYTES, removing the oldest recording files first and nothing else', async () => {
    mkdirSync(dir, { recursive: true });
    const older = 'recording-20200101T000000.000Z-000001.jsonl';
    writeFileSync(path.join(dir, older), 'x'.repeat(3000));
    writeFileSync(path.join(dir, 'notes.txt'), 'not a recording');
    const { recorder } = recorderIn(dir, { maxFileBytes: 4096, maxBytes: 10_000 });
    const ids = Array.from({ length: 40 }, (_, i) => `r${String(i).padStart(2, '0')}`);
    for (const id of ids) {
      recorder.record(kb(id));
      // A line at a time: the cap must hold after every rotation, not only at the end.
      await recorder.flush();
      const total = recordingFiles(dir).reduce((sum, f) => sum + Buffer.byteLength(f.text), 0);
      expect(total).toBeLessThanOrEqual(10_000);
    }

    const names = readdirSync(dir);
    expect(names).toContain('notes.txt');
    expect(names).not.toContain(older);
    // What is left is the newest lines, none missing in between.
    const kept = readRecordingLines(dir).map((l) => l.requestId);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept).toEqual(ids.slice(ids.length - kept.length));
    expect(recorder.stats().filesRemoved).toBe(recorder.stats().filesCreated + 1 - recordingFiles(dir).length);
  });

  it('removes the previous run’s files first when they leave no room for a new one', async () => {
    mkdirSync(dir, { recursive: true });
    const oldest = 'recording-20200101T000000.000Z-000001.jsonl';
    const newer = 'recording-20200102T000000.000Z-000001.jsonl';
    writeFileSync(path.join(dir, oldest), 'x'.repeat(4000));
    writeFileSync(path.join(dir, newer), 'y'.repeat(4000));
    const { recorder } = recorderIn(dir, { maxFileBytes: 4096, maxBytes: 9000 });
    recorder.record(kb('r1'));
    await recorder.flush();
    const names = readdirSync(dir).sort();
    expect(names).not.toContain(oldest);
    expect(names).toContain(newer);
    expect(recorder.stats().filesRemoved).toBe(1);
  });

  it('drops a line larger than RECORD_MAX_FILE_BYTES on its own, counted and warned about', async () => {
    const { recorder, logger } = recorderIn(dir, { maxFileBytes: 2048 });
    recorder.record(kb('small-1'));
    recorder.record(recorded('huge', { pad: 4000 }));
    recorder.record(kb('small-2'));
    await recorder.flush();
    expect(readRecordingLines(dir).map((l) => l.requestId)).toEqual(['small-1', 'small-2']);
    expect(recorder.stats().dropped).toEqual({ ...emptyRecorderStats().dropped, tooLarge: 1 });
    expect(warnings(logger).map((w) => w.message)).toEqual(['recording line larger than RECORD_MAX_FILE_BYTES dropped']);
  });
});

describe('file recorder: sampling', () => {
  it('records a request when the random draw is under RECORD_SAMPLE', async () => {
    const draws = [0.1, 0.7, 0.49, 0.5, 0.99, 0];
    const { recorder } = recorderIn(dir, { sample: 0.5 }, { random: () => draws.shift() ?? 1 });
    for (let i = 0; i < 6; i += 1) recorder.record(recorded(`r${i}`));
    await recorder.flush();
    expect(readRecordingLines(dir).map((l) => l.requestId)).toEqual(['r0', 'r2', 'r5']);
    expect(recorder.stats()).toMatchObject({ linesWritten: 3, sampledOut: 3, dropped: emptyRecorderStats().dropped });
  });

  it('records nothing at 0, and does not draw at 1', async () => {
    const none = recorderIn(dir, { sample: 0 }, { random: () => 0 });
    none.recorder.record(recorded('r1'));
    await none.recorder.flush();
    expect(none.recorder.stats()).toMatchObject({ linesWritten: 0, sampledOut: 1 });
    const neverDrawn = (): number => {
      throw new Error('drawn at RECORD_SAMPLE=1');
    };
    const all = recorderIn(dir, { sample: 1 }, { random: neverDrawn });
    all.recorder.record(recorded('r2'));
    await all.recorder.flush();
    expect(readRecordingLines(dir).map((l) => l.requestId)).toEqual(['r2']);
  });
});

describe('file recorder: a slow disk', () => {
  it('bounds the queue in bytes: past it, lines are dropped and counted, one throttled warning; the rest is written once the disk answers', async () => {
    const gated = gatedStorage();
    const { recorder, logger } = recorderIn(dir, {}, { storage: gated.storage, queueMaxBytes: 6000 });
    recorder.record(recorded('in-flight', { pad: 500 }));
    // The drain takes the first line and blocks in its append.
    await until(() => gated.appends() === 1);
    expect(gated.appends()).toBe(1);
    for (let i = 0; i < 20; i += 1) recorder.record(recorded(`q${i}`, { pad: 500 }));
    const blocked = recorder.stats();
    expect(blocked.queuedBytes).toBeLessThanOrEqual(6000);
    expect(blocked.queuedLines).toBeGreaterThan(0);
    expect(blocked.dropped.queueFull).toBe(20 - blocked.queuedLines);
    expect(blocked.linesWritten).toBe(0);
    const warned = logger.withMessage('recording queue full, lines dropped');
    expect(warned).toHaveLength(1);
    expect(warned[0]?.fields).toEqual({ dir, queuedBytes: expect.any(Number), queueMaxBytes: 6000, total: 1 });

    gated.release();
    await recorder.flush();
    expect(readRecordingLines(dir).map((l) => l.requestId)).toEqual(['in-flight', ...Array.from({ length: blocked.queuedLines }, (_, i) => `q${i}`)]);
    expect(recorder.stats()).toMatchObject({ linesWritten: 1 + blocked.queuedLines, queuedLines: 0, queuedBytes: 0 });
  });

  it('takes a line larger than the whole bound when the queue is empty', async () => {
    const { recorder } = recorderIn(dir, {}, { queueMaxBytes: 1000 });
    recorder.record(recorded('large', { pad: 3000 }));
    recorder.record(recorded('next'));
    await recorder.flush();
    expect(readRecordingLines(dir).map((l) => l.requestId)).toEqual(['large']);
    expect(recorder.stats().dropped.queueFull).toBe(1);
  });

  it('close() returns while an append hangs, dropping what is queued as shutdown', async () => {
    const gated = gatedStorage();
    const { recorder } = recorderIn(dir, {}, { storage: gated.storage });
    recorder.record(recorded('in-flight'));
    await until(() => gated.appends() === 1);
    recorder.record(recorded('queued-1'));
    recorder.record(recorded('queued-2'));
    await recorder.close();
    recorder.record(recorded('after-close'));
    expect(recorder.stats().dropped).toEqual({ ...emptyRecorderStats().dropped, shutdown: 3 });
    gated.release();
    await recorder.flush();
    // The append in flight still lands; its file is closed after it.
    expect(readRecordingLines(dir).map((l) => l.requestId)).toEqual(['in-flight']);
  });
});

describe('file recorder: a disk that cannot be written', () => {
  it.each([
    ['a full disk on append', 'append', 'ENOSPC'],
    ['no permission on the directory', 'makeDirectory', 'EACCES'],
    ['a read-only file system on create', 'create', 'EROFS'],
    ['an I/O error listing the directory', 'list', 'EIO'],
  ] as const)('%s: drops and counts, warns without a stack, backs off, then writes again', async (_label, operation, code) => {
    let clock = T0;
    let failing = true;
    const fail = (syscall: string) => {
      if (failing) throw systemError(code, syscall);
    };
    const storage = storageWith({
      makeDirectory: async (d) => {
        if (operation === 'makeDirectory') fail('mkdir');
        await nodeRecordingStorage.makeDirectory(d);
      },
      list: async (d) => {
        if (operation === 'list') fail('scandir');
        return nodeRecordingStorage.list(d);
      },
      create: async (file) => {
        if (operation === 'create') fail('open');
        const real = await nodeRecordingStorage.create(file);
        return {
          ...real,
          append: async (data) => {
            if (operation === 'append') fail('write');
            await real.append(data);
          },
        };
      },
    });
    const { recorder, logger } = recorderIn(dir, {}, { storage, now: () => clock });

    recorder.record(recorded('lost-1'));
    recorder.record(recorded('lost-2'));
    await recorder.flush();
    expect(recorder.stats().dropped).toEqual({ ...emptyRecorderStats().dropped, unwritable: 2 });
    const [warning] = logger.withMessage('recording cannot be written, lines dropped');
    expect(warning?.level).toBe('warn');
    expect(warning?.fields).toEqual({ dir, code, reason: expect.stringContaining(code), dropped: 2, retryInMs: 1000, total: 1 });
    expect(JSON.stringify(logger.lines)).not.toMatch(/stack|lost-1|client_id/);

    // Within the back-off, a line is dropped at once, without touching the disk.
    failing = false;
    clock += 999;
    recorder.record(recorded('lost-3'));
    expect(recorder.stats()).toMatchObject({ queuedLines: 0, dropped: { unwritable: 3 } });

    clock += 1;
    recorder.record(recorded('kept'));
    await recorder.flush();
    expect(readRecordingLines(dir).map((l) => l.requestId)).toEqual(['kept']);
    expect(logger.withMessage('recording again')[0]?.fields).toEqual({ dir, droppedWhileUnwritable: 3 });
    expect(recorder.stats()).toMatchObject({ linesWritten: 1, dropped: { unwritable: 3 } });
  });

  it('doubles the back-off while writes keep failing, up to 30 s, and starts over after a success', async () => {
    let clock = T0;
    const disk = fullDisk();
    const { storage } = disk;
    const { recorder, logger } = recorderIn(dir, {}, { storage, now: () => clock });
    const retries: unknown[] = [];
    for (let i = 0; i < 7; i += 1) {
      recorder.record(recorded(`r${i}`));
      await recorder.flush();
      const last = logger.lines.at(-1);
      retries.push(last?.fields['retryInMs']);
      clock += 60_000;
    }
    // The warning is throttled to one line per 10 s: a minute apart, each failure is logged.
    expect(retries).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    disk.setFull(false);
    recorder.record(recorded('ok'));
    await recorder.flush();
    disk.setFull(true);
    recorder.record(recorded('fails-again'));
    await recorder.flush();
    expect(logger.lines.at(-1)?.fields['retryInMs']).toBe(1000);
  });

  it('cuts a file back to its last whole line when an append fails halfway', async () => {
    let failNext = false;
    const storage = storageWith({
      create: async (file) => {
        const real = await nodeRecordingStorage.create(file);
        return {
          ...real,
          append: async (data) => {
            if (!failNext) return real.append(data);
            // The kernel took half the bytes, then the disk was full.
            await real.append(data.subarray(0, Math.floor(data.length / 2)));
            throw systemError('ENOSPC', 'write');
          },
        };
      },
    });
    let clock = T0;
    const { recorder } = recorderIn(dir, {}, { storage, now: () => clock });
    recorder.record(recorded('whole'));
    await recorder.flush();
    failNext = true;
    recorder.record(recorded('half'));
    await recorder.flush();
    failNext = false;
    clock += 1000;
    recorder.record(recorded('after'));
    await recorder.flush();
    // readRecordingLines fails on a broken-off line.
    expect(readRecordingLines(dir).map((l) => l.requestId)).toEqual(['whole', 'after']);
    expect(recordingFiles(dir)).toHaveLength(2);
  });

  it('notices its directory removed, and records into a new one', async () => {
    const { recorder } = recorderIn(dir);
    recorder.record(recorded('before'));
    await recorder.flush();
    rmSync(dir, { recursive: true });
    recorder.record(recorded('after'));
    await recorder.flush();
    expect(readRecordingLines(dir).map((l) => l.requestId)).toEqual(['after']);
    expect(recorder.stats()).toMatchObject({ linesWritten: 2, filesCreated: 2, dropped: emptyRecorderStats().dropped });
  });

  it('leaves no empty file behind after a failed first append', async () => {
    let clock = T0;
    const disk = fullDisk();
    const { storage } = disk;
    const { recorder } = recorderIn(dir, {}, { storage, now: () => clock });
    recorder.record(recorded('lost'));
    await recorder.flush();
    expect(readdirSync(dir)).toEqual([]);
    disk.setFull(false);
    clock += 1000;
    recorder.record(recorded('kept'));
    await recorder.flush();
    const [file] = readdirSync(dir);
    expect(statSync(path.join(dir, file ?? '')).size).toBeGreaterThan(0);
  });
});

describe('the no-op recorder', () => {
  it('records nothing and counts nothing', async () => {
    const recorder = createNoRecorder();
    recorder.record(recorded('r1'));
    await recorder.flush();
    await recorder.close();
    expect(recorder.stats()).toEqual(emptyRecorderStats());
  });
});
