import { connect } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startInProcessProxy, type InProcessProxy } from '../support/in-process-proxy';
import { createCaptureLogger } from '../support/capture-logger';
import { sendLegacy, taggedEvent, waitFor } from '../support/legacy-sender';
import { makeTempDir } from '../support/temp-dir';

const CONTEXT = JSON.stringify({ client: { client_id: 'c1' }, services: { mobile_analytics: { app_id: 'app-1' } } });

/** Sends raw bytes on a fresh connection; resolves with what came back when the server closes or `waitMs` passes. */
function rawExchange(url: string, chunks: string[], waitMs: number): Promise<{ text: string; closedAfterMs: number | undefined }> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(Number(port), '127.0.0.1');
    let text = '';
    let closedAfterMs: number | undefined;
    socket.on('data', (data: Buffer) => (text += data.toString('latin1')));
    socket.on('close', () => {
      closedAfterMs = Date.now() - started;
      resolve({ text, closedAfterMs });
    });
    socket.on('error', () => undefined);
    for (const chunk of chunks) socket.write(chunk);
    setTimeout(() => {
      socket.destroy();
      resolve({ text, closedAfterMs });
    }, waitMs).unref();
  });
}

/** A POST to the events path with the JS client's headers and a raw JSON body text. */
function postEvents(url: string, body: string, context = CONTEXT): Promise<Response> {
  return fetch(`${url}/2014-06-05/events`, {
    method: 'POST',
    headers: { 'x-amz-Client-Context': context, 'X-Amz-User-Agent': 'aws-sdk-js/2.1693.0', 'Content-Type': 'application/json' },
    body,
  });
}

describe('hardening: what is acknowledged can be delivered, and hostile input stays bounded', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let proxy: InProcessProxy | undefined;
  const start = async (env: Record<string, string> = {}, logger = createCaptureLogger()): Promise<InProcessProxy> => {
    proxy = await startInProcessProxy({ DATA_DIR: temp.dir, SINK: 'local', FORWARD_LINGER_MS: '0', ...env }, logger);
    return proxy;
  };
  const storedTypes = (): string[] => {
    const db = new Database(path.join(temp.dir, 'events.db'), { readonly: true });
    try {
      return db.prepare<[], string>('SELECT event_type FROM events ORDER BY id').pluck().all();
    } finally {
      db.close();
    }
  };

  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    temp.remove();
  });

  it.each([
    ['an unknown event property', (deep: string) => `{"events":[{"eventType":"d","timestamp":"2026-11-22T10:00:00.000Z","x":${deep}},{"eventType":"ok","timestamp":"2026-11-22T10:00:00.000Z"}]}`],
    ['the session', (deep: string) => `{"events":[{"eventType":"d","timestamp":"2026-11-22T10:00:00.000Z","session":{"id":"s","x":${deep}}}]}`],
  ])('refuses JSON nested 20 000 levels deep in %s with a 400, and stores the next request', async (_where, build) => {
    const { url, deps } = await start();
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const refused = await postEvents(url, build(deep));
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { message: string }).message).toMatch(/more than 8 levels deep/);
    const accepted = await postEvents(url, '{"events":[{"eventType":"after","timestamp":"2026-11-22T10:00:00.000Z"}]}');
    expect(accepted.status).toBe(202);
    await waitFor(() => deps.spool?.storedEvents() === 0, 10_000, 'delivery');
    expect(storedTypes()).toEqual(['after']);
  });

  it('drops unknown properties (nested a few levels) and stores the event', async () => {
    const { url, deps } = await start();
    const answer = await postEvents(url, '{"events":[{"eventType":"kept","timestamp":"2026-11-22T10:00:00.000Z","extra":{"a":[{"b":1}]}}],"other":true}');
    expect(answer.status).toBe(202);
    await waitFor(() => deps.spool?.storedEvents() === 0, 10_000, 'delivery');
    expect(storedTypes()).toEqual(['kept']);
  });

  it.each(['2026-02-30T10:00:00.000Z', '2026-04-31T10:00:00Z', '2026-02-28T24:00:00Z', '2026-13-01T00:00:00Z'])(
    'refuses a timestamp that names no real date or time: %s',
    async (timestamp) => {
      const { url } = await start();
      const answer = await postEvents(url, JSON.stringify({ events: [{ eventType: 'e', timestamp }] }));
      expect(answer.status).toBe(400);
      expect(((await answer.json()) as { message: string }).message).toMatch(/timestamp/);
    },
  );

  it('accepts February 29 of a leap year', async () => {
    const { url } = await start();
    expect((await postEvents(url, JSON.stringify({ events: [{ eventType: 'e', timestamp: '2024-02-29T10:00:00.000Z' }] }))).status).toBe(202);
  });

  it.each([
    ['a client id', '{"client":{"client_id":"dev\\ud800"},"services":{"mobile_analytics":{"app_id":"app-1"}}}', '{"events":[{"eventType":"e","timestamp":"2026-11-22T10:00:00.000Z"}]}'],
    ['an attribute value', CONTEXT, '{"events":[{"eventType":"e","timestamp":"2026-11-22T10:00:00.000Z","attributes":{"a":"x\\udbff"}}]}'],
    ['an attribute name', CONTEXT, '{"events":[{"eventType":"e","timestamp":"2026-11-22T10:00:00.000Z","attributes":{"\\udc00":"x"}}]}'],
  ])('refuses a lone surrogate in %s (it would collide with another string once hashed)', async (_where, context, body) => {
    const { url } = await start();
    const answer = await postEvents(url, body, context);
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { message: string }).message).toMatch(/not well-formed Unicode/);
  });

  it.each([
    ['a client id', '{"client":{"client_id":"b\\u0000c"},"services":{"mobile_analytics":{"app_id":"a"}}}'],
    ['an app id', '{"client":{"client_id":"c"},"services":{"mobile_analytics":{"app_id":"a\\u0000b"}}}'],
  ])('refuses NUL in %s (it separates the fields of the event id hash)', async (_where, context) => {
    const { url } = await start();
    const answer = await postEvents(url, '{"events":[{"eventType":"e","timestamp":"2026-11-22T10:00:00.000Z"}]}', context);
    expect(answer.status).toBe(400);
  });

  it('answers a stalled upload 408 within REQUEST_TIMEOUT_MS and closes it', async () => {
    const { url } = await start({ REQUEST_TIMEOUT_MS: '1000', HEADERS_TIMEOUT_MS: '1000' });
    const stalled = await rawExchange(
      url,
      [`POST /2014-06-05/events HTTP/1.1\r\nHost: x\r\nx-amz-Client-Context: ${CONTEXT}\r\nContent-Length: 1000\r\n\r\n{"events":[`],
      5000,
    );
    expect(stalled.text).toMatch(/^HTTP\/1\.1 408/);
    expect(stalled.closedAfterMs).toBeDefined();
    expect(stalled.closedAfterMs!).toBeLessThan(3000);
  });

  it('refuses Expect: 100-continue over BODY_LIMIT with 413, without asking for the body', async () => {
    const { url } = await start();
    const { text } = await rawExchange(
      url,
      [`POST /2014-06-05/events HTTP/1.1\r\nHost: x\r\nx-amz-Client-Context: ${CONTEXT}\r\nUser-Agent: aws-sdk-android/2.2.5\r\nContent-Length: 1153434\r\nExpect: 100-continue\r\n\r\n`],
      2000,
    );
    expect(text).not.toMatch(/100 Continue/);
    expect(text).toMatch(/^HTTP\/1\.1 413/);
  });

  it('asks for the body of an Expect: 100-continue within the limit, and stores it', async () => {
    const { url } = await start();
    const body = '{"events":[{"eventType":"continued","timestamp":"2026-11-22T10:00:00.000Z"}]}';
    const { text } = await rawExchange(
      url,
      [`POST /2014-06-05/events HTTP/1.1\r\nHost: x\r\nx-amz-Client-Context: ${CONTEXT}\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`, body],
      2000,
    );
    expect(text).toMatch(/^HTTP\/1\.1 100 Continue/);
    expect(text).toMatch(/HTTP\/1\.1 202/);
  });

  it('refuses an Expect: 100-continue whose app is not allowed without asking for the body', async () => {
    const { url } = await start({ APP_ID_ALLOWLIST: 'another-app' });
    const { text } = await rawExchange(
      url,
      [`POST /2014-06-05/events HTTP/1.1\r\nHost: x\r\nx-amz-Client-Context: ${CONTEXT}\r\nUser-Agent: aws-sdk-android/2.2.5\r\nContent-Length: 500\r\nExpect: 100-continue\r\n\r\n`],
      2000,
    );
    expect(text).not.toMatch(/100 Continue/);
    expect(text).toMatch(/^HTTP\/1\.1 403/);
  });

  it('caps the uploads in flight: past MAX_CONCURRENT_UPLOADS a client is told to retry later at once', async () => {
    const { url } = await start({ MAX_CONCURRENT_UPLOADS: '2' });
    const { port } = new URL(url);
    const stalled = [0, 1].map(() => {
      const socket = connect(Number(port), '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(`POST /2014-06-05/events HTTP/1.1\r\nHost: x\r\nx-amz-Client-Context: ${CONTEXT}\r\nContent-Length: 100000\r\n\r\n{"events":[`);
      return socket;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const events = [taggedEvent('over-cap', 'c9')];
    const android = await sendLegacy(url, { kind: 'android', clientId: 'c9', events });
    const js = await sendLegacy(url, { kind: 'js', clientId: 'c9', events });
    expect([android.status, js.status]).toEqual([503, 400]);
    expect(js.headers.get('x-amzn-errortype')).toBe('ThrottlingException');
    for (const socket of stalled) socket.destroy();
    await waitFor(async () => (await sendLegacy(url, { kind: 'android', clientId: 'c9', events })).status === 202, 5000, 'a free upload slot');
  });

  it('bounds the spool on disk with SPOOL_MAX_BYTES: past it, retry later and /readyz spool-full, nothing stored lost', async () => {
    // Pinpoint at a closed port: nothing leaves the spool, so it only grows.
    const { url, deps } = await start({ SPOOL_MAX_BYTES: '1mb', SINK: 'pinpoint', PINPOINT_ENDPOINT: 'http://127.0.0.1:9' });
    const statuses: number[] = [];
    for (let i = 0; i < 200 && !statuses.includes(503); i += 1) {
      const events = Array.from({ length: 20 }, (_, j) => ({ ...taggedEvent(`b${i}-${j}`, 'c1'), attributes: { tag: `b${i}-${j}`, pad: 'y'.repeat(900) } }));
      statuses.push((await sendLegacy(url, { kind: 'android', clientId: 'c1', events })).status);
    }
    const accepted = statuses.filter((s) => s === 202).length;
    expect(statuses.at(-1)).toBe(503);
    // About 1 MB of pages: each request stores about 20 KB.
    expect(accepted).toBeGreaterThan(20);
    expect(accepted).toBeLessThan(60);
    expect(deps.spool?.storedEvents()).toBe(accepted * 20);
    expect(deps.spool?.state().usedBytes).toBeLessThanOrEqual(1024 * 1024);
    const ready = await fetch(`${url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([503, { status: 'not-ready', reason: 'spool-full' }]);
  });

  it('says only ready or not on the public /readyz, and logs the details when it changes', async () => {
    const logger = createCaptureLogger();
    const { url } = await start({ SPOOL_MAX_EVENTS: '1', SINK: 'pinpoint', PINPOINT_ENDPOINT: 'http://127.0.0.1:9' }, logger);
    const ready = await fetch(`${url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
    expect((await sendLegacy(url, { kind: 'android', clientId: 'c1', events: [taggedEvent('one', 'c1')] })).status).toBe(202);
    const full = await fetch(`${url}/readyz`);
    expect([full.status, await full.json()]).toEqual([503, { status: 'not-ready', reason: 'spool-full' }]);
    expect(logger.withMessage('not ready')).toEqual([
      expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ reason: 'spool-full', storedEvents: 1, sinks: expect.any(Array) }) }),
    ]);
  });

  it('logs "retry later" once per interval without a stack, with the count, and one info line per request', async () => {
    const logger = createCaptureLogger();
    const { url } = await start({ SPOOL_MAX_EVENTS: '1', SINK: 'pinpoint', PINPOINT_ENDPOINT: 'http://127.0.0.1:9' }, logger);
    expect((await sendLegacy(url, { kind: 'android', clientId: 'c1', events: [taggedEvent('one', 'c1')] })).status).toBe(202);
    for (let i = 0; i < 20; i += 1) {
      expect((await sendLegacy(url, { kind: 'ios', clientId: 'c1', events: [taggedEvent(`r${i}`, 'c1')] })).status).toBe(503);
    }
    expect(logger.withMessage('request')).toHaveLength(21);
    const warnings = logger.withMessage('answering retry later');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toEqual(expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ reason: expect.stringMatching(/spool is full/), total: 1 }) }));
    expect(logger.lines.filter((line) => 'stack' in line.fields)).toEqual([]);
    expect(logger.lines.filter((line) => line.level === 'error')).toEqual([]);
  });
});
