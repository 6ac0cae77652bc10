import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { Output } from '../../src/cli/output';
import { runCli, type CliContext } from '../../src/cli/program';
import { createReplayProgress } from '../../src/cli/replay-progress';
import { PLAIN_PROGRESS_INTERVAL_MS } from '../../src/cli/progress-display';
import { android223 } from '../fixtures/clients/android';
import { awsSdkJsModern } from '../fixtures/clients/aws-sdk-js';
import { iosLater } from '../fixtures/clients/ios';
import { recordingLineOf, writeRecording } from '../support/recordings';
import { makeTempDir } from '../support/temp-dir';

const T0 = Date.parse('2026-11-22T10:00:00.000Z');

/** The recorded body of a request whose only event has an impossible timestamp. */
function invalidBody(): string {
  return Buffer.from('{"events":[{"eventType":"e","timestamp":"2026-02-30T10:00:00Z"}]}').toString('base64');
}

describe('ma2pinpoint replay (in-process)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let out: string[];
  let err: string[];
  const io: Output = { out: (text) => out.push(text), err: (text) => err.push(text) };
  const context = (env: NodeJS.ProcessEnv = { DATA_DIR: temp.dir }): CliContext => ({
    io,
    env,
    now: Date.now,
    progress: { isTTY: false, write: () => true },
    serve: () => undefined,
    openKpiQueries: () => {
      throw new Error('not used');
    },
  });
  const lines = (): Array<Record<string, unknown>> => out.map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeEach(() => {
    temp = makeTempDir();
    out = [];
    err = [];
  });
  afterEach(() => temp.remove());

  it('is listed in the help, with its options and exit codes', async () => {
    expect(await runCli(['--help'], context())).toBe(0);
    expect(out.join('\n')).toMatch(/^ {2}replay /m);
    out = [];
    expect(await runCli(['replay', '--help'], context())).toBe(0);
    for (const option of ['--target', '--rate', '--concurrency', '--retime', '--sign', '--expect', '--dry-run', '--format']) expect(out.join('\n')).toContain(option);
    expect(out.join('\n')).toContain('Exit code 0 when every answer was --expect');
  });

  it.each([
    [['replay'], "error: missing required argument 'paths'"],
    [['replay', 'r.jsonl'], 'error: --target <url> is required (or --dry-run)'],
    [['replay', 'r.jsonl', '--dry-run', '--target', 'http://localhost:8080', '--sign'], 'error: --dry-run sends nothing: leave out --target, --sign'],
    [['replay', 'r.jsonl', '--dry-run', '--concurrency', '2'], 'error: --dry-run sends nothing: leave out --concurrency'],
    [['replay', 'r.jsonl', '--target', 'http://localhost:8080', '--format', 'event-stream'], 'error: --format applies to --dry-run only'],
    [['replay', 'r.jsonl', '--dry-run', '--format', 'csv'], "error: option '--format <format>' argument 'csv' is invalid. Allowed choices are putevents, event-stream."],
    [['replay', 'r.jsonl', '--target', 'ftp://host'], "error: option '--target <url>' argument 'ftp://host' is invalid. expected an http:// or https:// URL."],
    [['replay', 'r.jsonl', '--target', 'http://host/?a=1'], "error: option '--target <url>' argument 'http://host/?a=1' is invalid. expected a base URL without query or fragment (the recorded path and query are appended)."],
    [['replay', 'r.jsonl', '--target', 'http://host', '--rate', '0'], "error: option '--rate <n>' argument '0' is invalid. expected a number greater than 0."],
    [['replay', 'r.jsonl', '--target', 'http://host', '--expect', '2020'], "error: option '--expect <status>' argument '2020' is invalid. expected an HTTP status code (100 to 599)."],
  ])('answers %j with the usage, the error and exit code 2', async (args, message) => {
    expect(await runCli(args, context())).toBe(2);
    expect(out).toEqual([]);
    const [usage, error] = err.join('\n').split('\n');
    expect(usage).toMatch(/^Usage: ma2pinpoint replay /);
    expect(error).toBe(message);
  });

  it('dry run: one JSON line per request, PutEvents for accepted ones, the answer and why for refused ones, the summary on stderr', async () => {
    const file = writeRecording(temp.dir, 'r.jsonl', [
      recordingLineOf(android223(), T0),
      recordingLineOf(iosLater(), T0 + 1000, { body: invalidBody() }),
      recordingLineOf(awsSdkJsModern(), T0 + 2000, { body: invalidBody() }),
      recordingLineOf(android223(), T0 + 3000, { body: null, status: 503 }),
    ]);
    expect(await runCli(['replay', file, '--dry-run'], context())).toBe(1);
    const [accepted, ios, js, skipped] = lines();
    expect(accepted).toEqual(expect.objectContaining({ source: `${file}:1`, clientKind: 'android', recordedStatus: 202, status: 202 }));
    const calls = accepted?.['putEvents'] as Array<{ ApplicationId: string; EventsRequest: { BatchItem: Record<string, { Endpoint: unknown; Events: Record<string, unknown> }> } }>;
    expect(calls.map((c) => c.ApplicationId)).toEqual(['ma-app-android']);
    expect(Object.keys(calls[0]?.EventsRequest.BatchItem ?? {})).toEqual(['9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d']);
    expect(Object.keys(calls[0]?.EventsRequest.BatchItem['9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d']?.Events ?? {})).toHaveLength(6);
    // iOS gets no error type for a 4xx (it would resend forever); the reason is there all the same.
    expect(ios).toEqual({
      source: `${file}:2`,
      call: 'LegacyPutEvents',
      clientKind: 'ios',
      recordedStatus: 202,
      status: 400,
      errorType: null,
      reason: 'The event payload is invalid: /events/0/timestamp must be an ISO 8601 timestamp naming a real date and time.',
    });
    expect(js).toEqual(expect.objectContaining({ status: 400, errorType: 'BadRequestException' }));
    expect(skipped).toEqual({ source: `${file}:4`, call: 'LegacyPutEvents', clientKind: 'android', recordedStatus: 503, skipped: 'the capture holds no body' });
    expect(err.join('\n')).toMatch(/^ANSWER +android +ios +js +ALL\n202 +1 +0 +0 +1\n400 +0 +1 +1 +2\n\nanswered 202 as expected: 1 of 3\n1 not sent: the capture holds no body/);
    expect(err.join('\n')).toContain(`first answers that were not 202:\n  ${file}:2  400  BadRequestException\n  ${file}:3  400  BadRequestException`);
  });

  it('dry run: event-stream records with the recorded time as arrival time, the app id map and the body limits of the environment', async () => {
    const big = Buffer.from(`{"events":[],"pad":"${'x'.repeat(2000)}"}`);
    const file = writeRecording(temp.dir, 'r.jsonl', [recordingLineOf(android223(), T0), recordingLineOf(awsSdkJsModern(), T0 + 5, { body: big.toString('base64') })]);
    const env = { DATA_DIR: temp.dir, PINPOINT_APP_ID_MAP: 'ma-app-android=pinpoint-app-1', BODY_LIMIT: '1kb' };
    expect(await runCli(['replay', file, '--dry-run', '--format', 'event-stream'], context(env))).toBe(1);
    const [records, tooLarge] = lines();
    const list = records?.['records'] as Array<{ arrival_timestamp: number; application: { app_id: string }; event_id: string }>;
    expect(list).toHaveLength(6);
    expect(new Set(list.map((r) => r.arrival_timestamp))).toEqual(new Set([T0]));
    expect(new Set(list.map((r) => r.application.app_id))).toEqual(new Set(['pinpoint-app-1']));
    expect(tooLarge).toEqual(expect.objectContaining({ status: 413, errorType: 'RequestEntityTooLarge', reason: 'The payload cannot exceed 1024 bytes.' }));
  });

  it('dry run of a gzip body as sent: the same events as the plain one', async () => {
    const plain = awsSdkJsModern();
    const gzipped = { ...recordingLineOf(plain, T0), body: gzipSync(plain.body).toString('base64') };
    gzipped.headers = { ...gzipped.headers, 'content-encoding': 'gzip' };
    const file = writeRecording(temp.dir, 'r.jsonl', [recordingLineOf(plain, T0), gzipped]);
    expect(await runCli(['replay', file, '--dry-run'], context())).toBe(0);
    const [a, b] = lines();
    expect(b?.['putEvents']).toEqual(a?.['putEvents']);
  });

  describe('sending', () => {
    let server: Server;
    let target: string;
    let paths: string[];
    beforeEach(async () => {
      paths = [];
      server = createServer((request, response) => {
        paths.push(request.url ?? '');
        request.resume();
        request.on('end', () => {
          const ios = (request.headers['user-agent'] ?? '').startsWith('aws-sdk-iOS');
          response.writeHead(ios ? 503 : 202, ios ? { 'x-amzn-ErrorType': 'ServiceUnavailableException', 'Content-Length': '0' } : { 'Content-Length': '0' });
          response.end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterEach(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('sends every request to the target and prints the answers by status and client kind; exit code 1 when one was not --expect', async () => {
      const file = writeRecording(temp.dir, 'r.jsonl', [recordingLineOf(android223(), T0), recordingLineOf(iosLater(), T0 + 1), recordingLineOf(awsSdkJsModern(), T0 + 2)]);
      expect(await runCli(['replay', file, '--target', `${target}/base`, '--concurrency', '1'], context())).toBe(1);
      expect(paths).toEqual(['/base/2014-06-05/events', '/base/2014-06-05/events', '/base/2014-06-05/events']);
      const report = out.join('\n');
      expect(report).toMatch(/^ANSWER +android +ios +js +ALL\n202 +1 +0 +1 +2\n503 +0 +1 +0 +1\n\nanswered 202 as expected: 2 of 3\n/);
      expect(report).toMatch(/\nslowest:\n {2}.*r\.jsonl:\d {2}\d{3} {2}\d+ ms/);
      expect(report).toContain(`first answers that were not 202:\n  ${file}:2  503  ServiceUnavailableException`);
      expect(err).toEqual([]);
    });

    it('exits 0 when every answer is the expected one', async () => {
      const file = writeRecording(temp.dir, 'r.jsonl', [recordingLineOf(android223(), T0), recordingLineOf(awsSdkJsModern(), T0 + 1)]);
      expect(await runCli(['replay', file, '--target', target, '--rate', '100', '--retime'], context())).toBe(0);
      expect(paths).toHaveLength(2);
      const ios = writeRecording(temp.dir, 'ios.jsonl', [recordingLineOf(iosLater(), T0)]);
      expect(await runCli(['replay', ios, '--target', target, '--expect', '503'], context())).toBe(0);
    });

    it('sends nothing when an input cannot be read, or holds no request: exit code 1, the reason on stderr', async () => {
      const good = writeRecording(temp.dir, 'a.jsonl', [recordingLineOf(android223(), T0)]);
      const bad = writeRecording(temp.dir, 'b.jsonl', [JSON.stringify({ ...recordingLineOf(android223(), T0), v: 2 })]);
      expect(await runCli(['replay', good, bad, '--target', target], context())).toBe(1);
      expect(err).toEqual([expect.stringMatching(/b\.jsonl:1: recording line format version 2 is not one this ma2pinpoint reads/)]);
      err = [];
      const empty = writeRecording(temp.dir, 'empty.jsonl', []);
      expect(await runCli(['replay', empty, '--target', target], context())).toBe(1);
      expect(err).toEqual([`no requests to replay (legacy or Pinpoint PutEvents, UpdateEndpoint) found in ${empty}`]);
      expect(paths).toEqual([]);
    });
  });
});

describe('replay progress display', () => {
  it('prints a plain line at most every few seconds when stderr is not a terminal', () => {
    const written: string[] = [];
    let now = 0;
    const display = createReplayProgress({ isTTY: false, write: (text: string) => written.push(text) }, () => now, 200, 202);
    for (let done = 1; done <= 200; done += 1) {
      now += 100;
      display.update({ done, unexpected: Math.floor(done / 50) });
    }
    display.stop();
    expect(written).toHaveLength(Math.floor(20_000 / PLAIN_PROGRESS_INTERVAL_MS));
    expect(written[0]).toBe('replaying: 50 of 200 requests (25%), 1 not answered 202\n');
    expect(written.every((line) => !line.includes('\x1b'))).toBe(true);
  });

  it('draws a bar of the requests done on a terminal, and ends it', () => {
    let written = '';
    const display = createReplayProgress({ isTTY: true, write: (text: string) => (written += text) }, () => 0, 4, 202);
    display.update({ done: 4, unexpected: 1 });
    display.stop();
    expect(written).toMatch(/replaying \[[█░]+\] 100% \| 4 of 4 requests \| 1 not answered 202/);
    expect(written.endsWith('\n')).toBe(true);
  });
});
