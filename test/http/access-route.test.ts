import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import type { Response } from 'supertest';
import type { ClientKind } from '../../src/legacy/types';
import { startInProcessProxy, type InProcessProxy } from '../support/in-process-proxy';
import { makeTempDir } from '../support/temp-dir';

/** The User-Agent headers each client kind sends (unknown: none the proxy recognizes). */
const USER_AGENTS: Record<ClientKind, Record<string, string>> = {
  android: { 'User-Agent': 'aws-sdk-android/2.2.5 Linux/3.4.0 Dalvik/2.1.0/0 en_US com.amazonaws.mobileconnectors.amazonmobileanalytics.MobileAnalyticsManager/2.2.5' },
  ios: { 'User-Agent': 'aws-sdk-iOS/2.4.1 iPhone-OS/9.3 en_US' },
  js: { 'User-Agent': 'aws-sdk-nodejs/2.1693.0 linux/v20.20.2 callback' },
  unknown: { 'User-Agent': 'curl/8.5.0' },
};
const KINDS: ClientKind[] = ['android', 'ios', 'js', 'unknown'];

/** The client context header(s) of a device of `appId`: base64 for Android, raw for the others. */
function contextHeaders(kind: ClientKind, appId: string, clientId: string): Record<string, string> {
  const json = JSON.stringify({ client: { client_id: clientId }, env: { platform: 'ANDROID', locale: 'en_US' }, services: { mobile_analytics: { app_id: appId } } });
  return kind === 'android' ? { 'x-amz-Client-Context': Buffer.from(json).toString('base64'), 'x-amz-Client-Context-Encoding': 'base64' } : { 'x-amz-Client-Context': json };
}

/** A two-event PutEvents as `kind` sends it (Android gzips its body). */
function post(app: InProcessProxy['app'], kind: ClientKind, appId: string, clientId: string): Promise<Response> {
  const json = JSON.stringify({ events: ['a', 'b'].map((t) => ({ eventType: `access.${t}`, timestamp: '2026-11-22T10:00:00.000Z', attributes: { tag: t } })) });
  const body = kind === 'android' ? gzipSync(json) : Buffer.from(json);
  let req = request(app).post('/2014-06-05/events');
  const headers = { ...USER_AGENTS[kind], ...contextHeaders(kind, appId, clientId), ...(kind === 'android' ? { 'Content-Encoding': 'gzip' } : {}), Origin: 'https://game.example' };
  for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
  return req.serialize((data: string) => data).send(body);
}

/** `body`: 'empty', or the `__type` of the JSON error body. */
type Expected = { status: number; errorType: string | undefined; body: string };
const typed = (status: number, errorType: string): Expected => ({ status, errorType, body: errorType });

/** Checks an answer's status, error type and body shape, and the headers every answer carries. */
function expectAnswer(response: Response, expected: Expected): void {
  expect(response.status).toBe(expected.status);
  expect(response.headers['x-amzn-errortype']).toBe(expected.errorType);
  expect(response.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
  expect(response.headers['access-control-allow-origin']).toBe('*');
  if (expected.body === 'empty') {
    expect(response.text).toBe('');
  } else {
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(response.text) as { __type: string; message: string };
    expect(body.__type).toBe(expected.body);
    expect(typeof body.message).toBe('string');
  }
}

/**
 * A durable proxy whose Pinpoint is a closed port: nothing leaves the spool, so its count is
 * exactly what was accepted.
 */
async function startProxy(env: Record<string, string>, dataDir: string): Promise<InProcessProxy> {
  return startInProcessProxy({ ACK_MODE: 'durable', SINK: 'pinpoint', PINPOINT_ENDPOINT: 'http://127.0.0.1:9', DATA_DIR: dataDir, ...env });
}

describe('APP_ID_ALLOWLIST through the HTTP layer', () => {
  const temp = makeTempDir();
  let proxy: InProcessProxy;
  beforeAll(async () => {
    proxy = await startProxy({ APP_ID_ALLOWLIST: 'app-allowed,app-also' }, temp.dir);
  });
  afterAll(async () => {
    await proxy.close();
    temp.remove();
  });

  const refused: Record<ClientKind, Expected> = {
    android: typed(403, 'AccessDeniedException'),
    // iOS gets 4xx errors bare: an error type would make it keep and resend the batch forever.
    ios: { status: 403, errorType: undefined, body: 'empty' },
    js: typed(403, 'AccessDeniedException'),
    unknown: typed(403, 'AccessDeniedException'),
  };

  it.each(KINDS)('%s: a listed app id is accepted (202, empty) and stored', async (kind) => {
    const before = proxy.deps.spool?.storedEvents() ?? 0;
    expectAnswer(await post(proxy.app, kind, kind === 'js' ? 'app-also' : 'app-allowed', `allow-${kind}`), { status: 202, errorType: undefined, body: 'empty' });
    expect(proxy.deps.spool?.storedEvents()).toBe(before + 2);
  });

  it.each(KINDS)('%s: another app id is refused 403 in its kind’s shape, the connection closed, nothing stored', async (kind) => {
    const before = proxy.deps.spool?.storedEvents();
    const response = await post(proxy.app, kind, 'app-not-listed', `refuse-${kind}`);
    expectAnswer(response, refused[kind]);
    expect(response.headers['connection']).toBe('close');
    if (kind !== 'ios') expect(JSON.parse(response.text).message).toBe("The application id 'app-not-listed' is not accepted by this endpoint.");
    expect(proxy.deps.spool?.storedEvents()).toBe(before);
  });

  it('answers a request whose client context names no app id 400, as malformed', async () => {
    const response = await request(proxy.app)
      .post('/2014-06-05/events')
      .set({ ...USER_AGENTS.js, Origin: 'https://game.example' })
      .set('x-amz-Client-Context', JSON.stringify({ client: { client_id: 'c' }, services: { mobile_analytics: {} } }))
      .send('{"events":[]}');
    expectAnswer(response, typed(400, 'BadRequestException'));
  });

  it('refuses from the headers alone: the answer comes while the body is still being sent', async () => {
    const { port } = new URL(proxy.url);
    const context = JSON.stringify({ client: { client_id: 'slow' }, services: { mobile_analytics: { app_id: 'app-not-listed' } } });
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1');
      let text = '';
      socket.on('data', (data: Buffer) => {
        text += data.toString('latin1');
        if (text.includes('\r\n\r\n')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', () => undefined);
      // 100 000 bytes announced, 11 sent: a refusal that waited for the body would never come.
      socket.write(`POST /2014-06-05/events HTTP/1.1\r\nHost: x\r\nUser-Agent: ${USER_AGENTS.android['User-Agent']}\r\nx-amz-Client-Context: ${context}\r\nContent-Length: 100000\r\n\r\n{"events":[`);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 403/);
    expect(answer).toMatch(/\r\nx-amzn-ErrorType: AccessDeniedException\r\n/i);
    expect(answer).toMatch(/\r\nConnection: close\r\n/i);
  });
});

describe('rate limits through the HTTP layer', () => {
  const temp = makeTempDir();
  let proxy: InProcessProxy;
  beforeAll(async () => {
    // One request per client id, five per app id, refilled only after minutes: the test sees the burst.
    proxy = await startProxy({ RATE_LIMIT_CLIENT_PER_SECOND: '0.001', RATE_LIMIT_CLIENT_BURST: '1', RATE_LIMIT_APP_PER_SECOND: '0.001', RATE_LIMIT_APP_BURST: '5' }, temp.dir);
  });
  afterAll(async () => {
    await proxy.close();
    temp.remove();
  });

  /** Each client kind's "retry later": JS libraries keep their batch only on 400 ThrottlingException. */
  const retryLater: Record<ClientKind, Expected> = {
    android: typed(503, 'RateLimited'),
    ios: typed(503, 'RateLimited'),
    js: typed(400, 'ThrottlingException'),
    unknown: typed(503, 'RateLimited'),
  };

  it.each(KINDS)('%s: past its client id’s burst, the retry-later answer of its kind, nothing stored', async (kind) => {
    expectAnswer(await post(proxy.app, kind, `app-client-${kind}`, `device-${kind}`), { status: 202, errorType: undefined, body: 'empty' });
    const before = proxy.deps.spool?.storedEvents();
    const response = await post(proxy.app, kind, `app-client-${kind}`, `device-${kind}`);
    expectAnswer(response, retryLater[kind]);
    expect(response.headers['connection']).toBe('close');
    expect(JSON.parse(response.text).message).toBe('Too many requests from this client; retry later.');
    expect(proxy.deps.spool?.storedEvents()).toBe(before);
    // Another device of the same app is not held back by this one.
    expect((await post(proxy.app, kind, `app-client-${kind}`, `other-device-${kind}`)).status).toBe(202);
  });

  it.each(KINDS)('%s: past its app id’s burst, every device of the app gets the retry-later answer of its kind', async (kind) => {
    const appId = `app-busy-${kind}`;
    for (let i = 0; i < 5; i += 1) expect((await post(proxy.app, kind, appId, `busy-${kind}-${i}`)).status).toBe(202);
    const response = await post(proxy.app, kind, appId, `busy-${kind}-new`);
    expectAnswer(response, retryLater[kind]);
    expect(JSON.parse(response.text).message).toBe('Too many requests for this application; retry later.');
    expect((await post(proxy.app, kind, `app-quiet-${kind}`, `busy-${kind}-new`)).status).toBe(202);
  });
});
