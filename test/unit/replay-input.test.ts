import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { EventsRequest } from '@aws-sdk/client-pinpoint';
import { android210, android223, android290 } from '../fixtures/clients/android';
import { browserTextPlain } from '../fixtures/clients/aws-sdk-js';
import { iosEarly, iosLater } from '../fixtures/clients/ios';
import { readHar } from '../../src/replay/har-reader';
import { readRecording, type RecordingNotes } from '../../src/replay/recording-reader';
import { detectFormat, replayRequests, scanReplayInput } from '../../src/replay/replay-input';
import { ReplayInputError } from '../../src/replay/replay-input-error';
import { clientKindOf, type ReplayRequest } from '../../src/replay/replay-request';
import { recordingLineOf, writeRecording } from '../support/recordings';
import { makeTempDir } from '../support/temp-dir';

const HAR_DIR = path.resolve(__dirname, '..', 'fixtures', 'har');
const T0 = Date.parse('2026-11-22T10:00:00.000Z');

async function all(requests: AsyncIterable<ReplayRequest>): Promise<ReplayRequest[]> {
  const list: ReplayRequest[] = [];
  for await (const request of requests) list.push(request);
  return list;
}

/** A HAR document with the given entries, written to `dir`. */
function writeHar(dir: string, name: string, entries: unknown[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify({ log: { version: '1.2', creator: { name: 'test', version: '1' }, entries } }, null, 2));
  return file;
}

/** A HAR entry of a POST (or `method`) to `url` with `postData` (left out when undefined). */
function harEntry(url: string, postData: Record<string, unknown> | undefined, headers: Array<{ name: string; value: string }> = [], method = 'POST'): Record<string, unknown> {
  return {
    startedDateTime: '2026-11-22T10:00:01.500Z',
    request: { method, url, httpVersion: 'HTTP/1.1', headers, cookies: [], queryString: [], headersSize: -1, bodySize: -1, ...(postData ? { postData } : {}) },
    response: { status: 202, statusText: 'Accepted', headers: [], content: { size: 0, mimeType: 'application/json' } },
  };
}

const EVENTS_URL = 'https://mobileanalytics.us-east-1.amazonaws.com/2014-06-05/events';
const PINPOINT_APP = '0123456789abcdef0123456789abcdef';
/** The endpoint of the Amplify JS fixtures (the HAR session and `pinpoint-requests/amplify-js-put-events.json`). */
const AMPLIFY_ENDPOINT = '6f1c4e32-0a9b-4f7e-9b0d-2c1d3e4f5a6b';

/** The Amplify JS PutEvents fixture: a session's start, a page view and its stop. */
function amplifyJsPutEvents(): EventsRequest {
  return JSON.parse(readFileSync(path.resolve(__dirname, '..', 'fixtures', 'pinpoint-requests', 'amplify-js-put-events.json'), 'utf8')) as EventsRequest;
}

describe('replay input: recordings', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (temp = makeTempDir()));
  afterEach(() => temp.remove());

  it('reads every line as the request it records: headers, body bytes, time, status and client kind', async () => {
    const fixtures = [android223(), iosLater()];
    const file = writeRecording(temp.dir, 'r.jsonl', [recordingLineOf(fixtures[0]!, T0), '', recordingLineOf(fixtures[1]!, T0 + 1500, { status: 503 })]);
    const requests = await all(readRecording(file));
    expect(requests.map((r) => r.source)).toEqual([`${file}:1`, `${file}:3`]);
    expect(requests[0]).toEqual(
      expect.objectContaining({ time: T0, method: 'POST', url: '/2014-06-05/events', recordedStatus: 202, clientKind: 'android', body: fixtures[0]!.body }),
    );
    expect(requests[0]?.headers['content-encoding']).toBe('gzip');
    expect(requests[0]?.headers['authorization']).toBeUndefined();
    expect(requests[1]).toEqual(expect.objectContaining({ time: T0 + 1500, recordedStatus: 503, clientKind: 'ios' }));
  });

  it('reads a body as large as a Pinpoint PutEvents may be (4 MB), and larger', async () => {
    const body = Buffer.alloc(6 * 1024 * 1024, 0x7b);
    const file = writeRecording(temp.dir, 'r.jsonl', [recordingLineOf(android210(), T0, { body: body.toString('base64') })]);
    expect((await all(readRecording(file)))[0]?.body).toEqual(body);
  });

  it('keeps a null body as null (the service answered without reading it)', async () => {
    const file = writeRecording(temp.dir, 'r.jsonl', [recordingLineOf(android210(), T0, { body: null, status: 503 })]);
    expect((await all(readRecording(file)))[0]?.body).toBeNull();
  });

  it.each([
    [{ v: 2 }, /r\.jsonl:2: recording line format version 2 is not one this ma2pinpoint reads \(it reads version 1\)/],
    [{ v: '1' }, /r\.jsonl:2: recording line format version "1" is not one/],
    [{ v: undefined }, /r\.jsonl:2: not a recording line: it has no line format version/],
    [{ headers: { authorization: 'x' } }, /r\.jsonl:2: not a valid recording line: \/headers/],
    [{ time: '2026-13-40T10:00:00Z' }, /r\.jsonl:2: not a valid recording line: \/time must match format "date-time"/],
    [{ body: 'not base64!' }, /r\.jsonl:2: not a valid recording line: \/body is not base64/],
    [{ body: 'QUJD=' }, /r\.jsonl:2: not a valid recording line: \/body is not base64/],
    [{ body: 'QU===' }, /r\.jsonl:2: not a valid recording line: \/body is not base64/],
    [{ clientKind: 'windows' }, /r\.jsonl:2: not a valid recording line: \/clientKind/],
  ])('refuses a line %j, naming the file and line', async (change, message) => {
    const good = recordingLineOf(android210(), T0);
    const file = writeRecording(temp.dir, 'r.jsonl', [good, JSON.stringify({ ...good, ...change }), good]);
    await expect(all(readRecording(file))).rejects.toThrow(message);
    await expect(all(readRecording(file))).rejects.toBeInstanceOf(ReplayInputError);
  });

  it('refuses a line that is not JSON, naming it; leaves out a last line that no newline ends (being written)', async () => {
    const good = JSON.stringify(recordingLineOf(android210(), T0));
    const broken = path.join(temp.dir, 'broken.jsonl');
    writeFileSync(broken, `${good}\n{"v":1,"time"\n${good}\n`);
    await expect(all(readRecording(broken))).rejects.toThrow(`${broken}:2: not a recording line: it is not JSON`);
    const cut = path.join(temp.dir, 'cut.jsonl');
    writeFileSync(cut, `${good}\r\n${good}\n${good.slice(0, 40)}`);
    const notes: RecordingNotes = {};
    expect(await all(readRecording(cut, notes))).toHaveLength(2);
    expect(notes.cutOffLine).toBe(`${cut}:3`);
  });
});

describe('replay input: HAR files', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (temp = makeTempDir()));
  afterEach(() => temp.remove());

  it('takes postData.text as UTF-8, and as base64 where postData.encoding says so', async () => {
    const android = android290();
    const text = '{"events":[{"eventType":"ü","timestamp":"2026-11-22T10:00:00Z"}]}';
    const file = writeHar(temp.dir, 'c.har', [
      harEntry(EVENTS_URL, { mimeType: 'application/json', text }, [{ name: 'Content-Type', value: 'application/json' }]),
      harEntry(EVENTS_URL, { mimeType: 'application/x-amz-json-1.0', text: android.body.toString('base64'), encoding: 'base64' }, [{ name: 'Content-Encoding', value: 'gzip' }]),
    ]);
    const { requests, otherEntries } = await readHar(file);
    expect(otherEntries).toBe(0);
    expect(requests[0]?.body).toEqual(Buffer.from(text, 'utf8'));
    expect(requests[0]).toEqual(expect.objectContaining({ source: `${file}#entries[0]`, time: Date.parse('2026-11-22T10:00:01.500Z'), url: '/2014-06-05/events', recordedStatus: 202 }));
    expect(requests[1]?.body).toEqual(android.body);
    expect(requests[1]?.headers['content-encoding']).toBe('gzip');
  });

  it('leaves out other URLs and methods (pages, preflights, other APIs), and keeps a PutEvents without postData as a request without body', async () => {
    const file = writeHar(temp.dir, 'c.har', [
      { startedDateTime: '2026-11-22T10:00:00Z', request: { method: 'GET', url: 'https://app.example.com/', headers: [] } },
      { startedDateTime: '2026-11-22T10:00:00Z', request: { method: 'OPTIONS', url: EVENTS_URL, headers: [] } },
      harEntry('https://cognito-identity.us-east-1.amazonaws.com/', { text: '{}' }),
      harEntry('https://mobileanalytics.us-east-1.amazonaws.com/2014-06-05/events/extra', { text: '{}' }),
      harEntry(EVENTS_URL, undefined),
      harEntry('https://staging.example.com/base/2014-06-05/events?trace=1', { text: '{}' }),
    ]);
    const { requests, otherEntries } = await readHar(file);
    expect(otherEntries).toBe(4);
    expect(requests.map((r) => [r.source, r.url, r.body])).toEqual([
      [`${file}#entries[4]`, '/2014-06-05/events', null],
      [`${file}#entries[5]`, '/base/2014-06-05/events?trace=1', Buffer.from('{}')],
    ]);
  });

  it('reads headers as name/value pairs: lower-case names, repeats joined, HTTP/2 pseudo-headers left out', async () => {
    const file = writeHar(temp.dir, 'c.har', [
      harEntry(EVENTS_URL, { text: '{}' }, [
        { name: ':authority', value: 'mobileanalytics.us-east-1.amazonaws.com' },
        { name: ':path', value: '/2014-06-05/events' },
        { name: 'X-Amz-Client-Context', value: '{"a":1}' },
        { name: 'Accept', value: 'a' },
        { name: 'accept', value: 'b' },
      ]),
    ]);
    expect((await readHar(file)).requests[0]?.headers).toEqual({ 'x-amz-client-context': '{"a":1}', accept: 'a, b' });
  });

  it('drops Content-Encoding from a body the exporter wrote decoded (mitmproxy), keeps it on one still compressed', async () => {
    const json = '{"events":[]}';
    const file = writeHar(temp.dir, 'c.har', [
      harEntry(EVENTS_URL, { text: json }, [{ name: 'Content-Encoding', value: 'gzip' }]),
      harEntry(EVENTS_URL, { text: gzipSync(json).toString('base64'), encoding: 'base64' }, [{ name: 'Content-Encoding', value: 'gzip' }]),
    ]);
    const [decoded, compressed] = (await readHar(file)).requests;
    expect(decoded?.headers['content-encoding']).toBeUndefined();
    expect(decoded?.body?.toString()).toBe(json);
    expect(compressed?.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(compressed?.body as Buffer).toString()).toBe(json);
  });

  it('refuses a file over the size bound, one that is not JSON or has no log.entries, and an entry without a date', async () => {
    const file = writeHar(temp.dir, 'c.har', [harEntry(EVENTS_URL, { text: '{}' })]);
    await expect(readHar(file, 100)).rejects.toThrow(/c\.har: a HAR file is read whole, and this one is \d+ bytes, more than 100/);
    writeFileSync(path.join(temp.dir, 'bad.har'), '{"log": {"entries": [');
    await expect(readHar(path.join(temp.dir, 'bad.har'))).rejects.toThrow(/bad\.har: not a HAR file: /);
    writeFileSync(path.join(temp.dir, 'none.har'), '{"log": {}}');
    await expect(readHar(path.join(temp.dir, 'none.har'))).rejects.toThrow('none.har: not a HAR file: it has no log.entries list');
    const undated = writeHar(temp.dir, 'u.har', [{ ...harEntry(EVENTS_URL, { text: '{}' }), startedDateTime: 'yesterday' }]);
    await expect(readHar(undated)).rejects.toThrow(`${undated}#entries[0]: startedDateTime is not a date`);
  });

  it('takes the Pinpoint calls too, with their methods: PutEvents, its events/legacy beacon (presigned query kept), UpdateEndpoint; GetEndpoint and preflights left out', async () => {
    const base = `https://pinpoint.us-east-1.amazonaws.com/v1/apps/${PINPOINT_APP}`;
    const presigned = 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAX%2F20261122%2Fus-east-1%2Fmobiletargeting%2Faws4_request&X-Amz-Signature=00';
    const file = writeHar(temp.dir, 'p.har', [
      harEntry(`${base}/endpoints/ep-1`, { text: '{"Demographic":{"Platform":"web"}}' }, [], 'PUT'),
      { startedDateTime: '2026-11-22T10:00:00Z', request: { method: 'GET', url: `${base}/endpoints/ep-1`, headers: [] } },
      { startedDateTime: '2026-11-22T10:00:00Z', request: { method: 'OPTIONS', url: `${base}/events`, headers: [] } },
      harEntry(`${base}/events`, { text: '{"BatchItem":{}}' }),
      harEntry(`${base}/events/legacy?${presigned}`, { mimeType: 'text/plain;charset=UTF-8', text: '{"BatchItem":{}}' }),
      harEntry(`${base}/endpoints/ep-1`, { text: '{}' }),
    ]);
    const { requests, otherEntries } = await readHar(file);
    expect(otherEntries).toBe(3);
    expect(requests.map((r) => [r.method, r.url])).toEqual([
      ['PUT', `/v1/apps/${PINPOINT_APP}/endpoints/ep-1`],
      ['POST', `/v1/apps/${PINPOINT_APP}/events`],
      ['POST', `/v1/apps/${PINPOINT_APP}/events/legacy?${presigned}`],
    ]);
    expect(requests[0]?.body?.toString()).toBe('{"Demographic":{"Platform":"web"}}');
  });

  it('reads an Amplify JS browser session as Chrome exports it: UpdateEndpoint, then PutEvents, then the sendBeacon at the session\'s end', async () => {
    const file = path.join(HAR_DIR, 'amplify-js-browser-session.har');
    const { requests, otherEntries } = await readHar(file);
    expect(otherEntries).toBe(3);
    const base = `/v1/apps/${PINPOINT_APP}`;
    const [update, putEvents, beacon] = requests;
    expect(requests.map((r) => [r.method, r.url.split('?')[0], r.recordedStatus, clientKindOf(r)])).toEqual([
      ['PUT', `${base}/endpoints/${AMPLIFY_ENDPOINT}`, 202, 'amplify-js'],
      ['POST', `${base}/events`, 202, 'amplify-js'],
      // sendBeacon cannot set headers: nothing but the browser's User-Agent names the sender.
      ['POST', `${base}/events/legacy`, 202, 'unknown'],
    ]);
    expect(requests.map((r) => r.time)).toEqual([Date.parse('2026-05-01T09:59:59.500Z'), Date.parse('2026-05-01T10:00:10.080Z'), Date.parse('2026-05-01T10:05:00.050Z')]);
    expect(Object.keys(update?.headers ?? {}).filter((name) => name.startsWith(':'))).toEqual([]);
    expect(update?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(update?.body?.toString() ?? '')).toEqual(expect.objectContaining({ Demographic: expect.objectContaining({ Platform: 'Linux x86_64' }) }));
    expect(beacon?.headers['content-type']).toBe('text/plain;charset=UTF-8');
    expect(beacon?.url).toMatch(/\?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=.*&X-Amz-Signature=c{64}$/);
    // The two calls carry the fixture's session, its stop sent by the beacon.
    const events = [putEvents, beacon].map((r) => (JSON.parse(r?.body?.toString() ?? '') as EventsRequest).BatchItem?.[AMPLIFY_ENDPOINT]?.Events);
    expect(Object.keys(events[1] ?? {})).toHaveLength(1);
    expect({ ...events[0], ...events[1] }).toEqual(amplifyJsPutEvents().BatchItem?.[AMPLIFY_ENDPOINT]?.Events);
  });

  it('reads the fixtures as their exporters wrote them: Chrome (HTTP/2, sanitized), mitmproxy (bodies decoded) and base64 bodies', async () => {
    const chrome = await readHar(path.join(HAR_DIR, 'chrome-browser.har'));
    expect(chrome.otherEntries).toBe(2);
    expect(chrome.requests[0]?.body).toEqual(browserTextPlain().body);
    expect(chrome.requests[0]?.headers[':authority']).toBeUndefined();
    const mitmproxy = await readHar(path.join(HAR_DIR, 'mitmproxy-devices.har'));
    expect(mitmproxy.otherEntries).toBe(2);
    expect(mitmproxy.requests[1]?.body).toEqual(gunzipSync(android223().body));
    expect(mitmproxy.requests[1]?.headers['content-encoding']).toBeUndefined();
    const binary = await readHar(path.join(HAR_DIR, 'gzip-bodies-base64.har'));
    expect(binary.requests.map((r) => r.body)).toEqual([android290().body, iosEarly().body]);
  });
});

describe('replay input: files and directories', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (temp = makeTempDir()));
  afterEach(() => temp.remove());

  it('tells the format by content, not name', async () => {
    const recording = writeRecording(temp.dir, 'capture.har', [recordingLineOf(android210(), T0)]);
    const har = writeHar(temp.dir, 'recording.jsonl', []);
    writeFileSync(path.join(temp.dir, 'compact.txt'), `\uFEFF{"log":{"entries":[]}}`);
    writeFileSync(path.join(temp.dir, 'empty'), '');
    writeFileSync(path.join(temp.dir, 'gz'), gzipSync('{}'));
    writeFileSync(path.join(temp.dir, 'csv'), 'a,b\n');
    expect(await detectFormat(recording)).toBe('recording');
    expect(await detectFormat(har)).toBe('har');
    expect(await detectFormat(path.join(temp.dir, 'compact.txt'))).toBe('har');
    expect(await detectFormat(path.join(temp.dir, 'empty'))).toBe('recording');
    await expect(detectFormat(path.join(temp.dir, 'gz'))).rejects.toThrow(/gz: gzip-compressed; decompress it first/);
    await expect(detectFormat(path.join(temp.dir, 'csv'))).rejects.toThrow(/csv: neither a recording \(JSON Lines\) nor a HAR file/);
  });

  it('walks directories in name order (hidden entries skipped), counts requests before sending, and streams them in that order', async () => {
    mkdirSync(path.join(temp.dir, 'rec', '2026-11-22'), { recursive: true });
    writeRecording(path.join(temp.dir, 'rec'), 'b.jsonl', [recordingLineOf(iosLater(), T0 + 2)]);
    writeRecording(path.join(temp.dir, 'rec'), 'a.jsonl', [recordingLineOf(android210(), T0), recordingLineOf(android223(), T0 + 1)]);
    writeRecording(path.join(temp.dir, 'rec', '2026-11-22'), 'c.jsonl', [recordingLineOf(iosEarly(), T0 + 3)]);
    writeRecording(path.join(temp.dir, 'rec'), '.hidden.jsonl', ['not a recording']);
    const har = writeHar(temp.dir, 'x.har', [harEntry(EVENTS_URL, { text: '{}' }), harEntry('https://example.com/', { text: '' })]);
    const input = await scanReplayInput([path.join(temp.dir, 'rec'), har]);
    expect(input.files.map((f) => [path.relative(temp.dir, f.path), f.format, f.requests])).toEqual([
      ['rec/2026-11-22/c.jsonl', 'recording', 1],
      ['rec/a.jsonl', 'recording', 2],
      ['rec/b.jsonl', 'recording', 1],
      ['x.har', 'har', 1],
    ]);
    expect(input.requests).toBe(5);
    expect(input.otherHarEntries).toBe(1);
    expect((await all(replayRequests(input))).map((r) => r.time)).toEqual([T0 + 3, T0, T0 + 1, T0 + 2, Date.parse('2026-11-22T10:00:01.500Z')]);
  });

  it('refuses input with a bad line or a missing path before anything is read for sending', async () => {
    const good = writeRecording(temp.dir, 'a.jsonl', [recordingLineOf(android210(), T0)]);
    const bad = writeRecording(temp.dir, 'b.jsonl', [recordingLineOf(android210(), T0), JSON.stringify({ ...recordingLineOf(android210(), T0), v: 9 })]);
    await expect(scanReplayInput([good, bad])).rejects.toThrow(`${bad}:2: recording line format version 9`);
    await expect(scanReplayInput([good, path.join(temp.dir, 'missing')])).rejects.toThrow(/cannot read .*missing: no such file or directory \(ENOENT\)/);
  });

  it('names a file removed between the check and the sending', async () => {
    const file = writeRecording(temp.dir, 'a.jsonl', [recordingLineOf(android210(), T0)]);
    const input = await scanReplayInput([file]);
    rmSync(file);
    await expect(all(replayRequests(input))).rejects.toThrow(new ReplayInputError(`cannot read ${file}: ENOENT: no such file or directory, open '${file}'`));
  });
});
