import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { android223 } from '../fixtures/clients/android';
import { awsSdkJsLegacy } from '../fixtures/clients/aws-sdk-js';
import { readHar } from '../../src/replay/har-reader';
import { createHttpSender, type SendableRequest } from '../../src/replay/http-sender';
import { outgoingHeaders } from '../../src/replay/outgoing-headers';
import type { ReplayAnswer } from '../../src/replay/replay-answer';
import { createReplayPacer } from '../../src/replay/replay-pacer';
import { clientKindOf, type ReplayRequest } from '../../src/replay/replay-request';
import { runReplay } from '../../src/replay/replay-runner';
import { createSummaryCollector, replayExitCode } from '../../src/replay/replay-summary';
import { toAmzDate } from '../../src/access/sigv4-verifier';
import { signRequest } from '../../src/replay/request-signer';
import { recordableHeaders } from '../../src/recording/recording-line';
import { createSigV4Verifier, PINPOINT_SIGNING } from '../../src/access/sigv4-verifier';
import { systemClock } from '../../src/clock';
import { createFakeClock } from '../support/fake-clock';
import { expectSignedBy, type ReceivedRequest } from '../support/sigv4-check';


/** A loopback HTTP server that records what it gets and answers what `answer` says. */
async function startTarget(answer: (received: ReceivedRequest) => { status: number; headers?: Record<string, string>; body?: string } = () => ({ status: 202 })) {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const got: ReceivedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')])),
        body: Buffer.concat(chunks),
      };
      received.push(got);
      const { status, headers = {}, body = '' } = answer(got);
      response.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A recorded request of a client fixture, as a recording holds it. */
function sendable(fixture = android223(), source = 'r.jsonl:1'): SendableRequest {
  return { source, clientKind: fixture.kind, method: fixture.method, url: fixture.path, headers: recordableHeaders(fixture.headers), body: fixture.body };
}

const CREDENTIALS = { accessKeyId: 'AKIDREPLAY', secretAccessKey: 'replay-secret', sessionToken: 'replay-session-token' };

/** The Chrome export of an Amplify JS session: UpdateEndpoint, PutEvents, the sendBeacon (presigned). */
const AMPLIFY_SESSION_HAR = path.resolve(__dirname, '..', 'fixtures', 'har', 'amplify-js-browser-session.har');
const PINPOINT_APP = '0123456789abcdef0123456789abcdef';

describe('replay: the headers sent', () => {
  it('sends the recorded headers as recorded, except hop-by-hop and length headers, which are the new request\'s', () => {
    const recorded = { host: 'mobileanalytics.us-east-1.amazonaws.com', 'content-length': '999', connection: 'close', 'transfer-encoding': 'chunked', 'keep-alive': 'timeout=5', expect: '100-continue', 'x-amz-client-context': '{"a":1}', 'content-encoding': 'gzip', 'User-Agent': 'aws-sdk-android/2.2.3' };
    expect(outgoingHeaders(recorded, 'staging.example.com:8443', Buffer.from('12345'))).toEqual({
      'x-amz-client-context': '{"a":1}',
      'content-encoding': 'gzip',
      'user-agent': 'aws-sdk-android/2.2.3',
      host: 'staging.example.com:8443',
      'content-length': '5',
    });
  });

  it('puts the recorded bytes and headers on the wire, to the target\'s base path', async () => {
    const target = await startTarget();
    const sender = createHttpSender({ target: new URL(`${target.url}/staging/`), maxSockets: 2, now: Date.now });
    try {
      const request = sendable();
      const answer = await sender.send(request);
      expect(answer).toEqual(expect.objectContaining({ source: 'r.jsonl:1', clientKind: 'android', status: 202 }));
      const [got] = target.received;
      expect(got?.url).toBe('/staging/2014-06-05/events');
      expect(got?.body).toEqual(request.body);
      for (const [name, value] of Object.entries(request.headers)) if (name !== 'host' && name !== 'content-length') expect(got?.headers[name]).toBe(value);
      expect(got?.headers['host']).toBe(new URL(target.url).host);
      expect(got?.headers['content-length']).toBe(String(request.body.length));
      expect(got?.headers['authorization']).toBeUndefined();
    } finally {
      sender.close();
      await target.close();
    }
  });

  it('counts answers with their status and error type, and a refused connection or a timeout as error', async () => {
    const target = await startTarget(() => ({ status: 400, headers: { 'x-amzn-ErrorType': 'BadRequestException:http://internal' }, body: '{"__type":"BadRequestException"}' }));
    const sender = createHttpSender({ target: new URL(target.url), maxSockets: 1, now: Date.now });
    try {
      expect(await sender.send(sendable())).toEqual(expect.objectContaining({ status: 400, detail: 'BadRequestException' }));
    } finally {
      sender.close();
      await target.close();
    }
    const refused = createHttpSender({ target: new URL(target.url), maxSockets: 1, now: Date.now });
    expect(await refused.send(sendable())).toEqual(expect.objectContaining({ status: 'error', detail: expect.stringMatching(/^ECONNREFUSED/) }));
    refused.close();
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const slow = createHttpSender({ target: new URL(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`), maxSockets: 1, now: Date.now, timeoutMs: 100 });
    expect(await slow.send(sendable())).toEqual(expect.objectContaining({ status: 'error', detail: 'no answer within 100 ms' }));
    slow.close();
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  });
});

describe('replay --sign', () => {
  it('signs again for mobileanalytics in the region: the signature verifies, the token is the new one, no header is invented', async () => {
    const target = await startTarget();
    const now = Date.parse('2026-11-29T12:00:00.000Z');
    const fixture = awsSdkJsLegacy();
    // As a HAR holds it: with the device's own signature, date and token.
    const captured = Object.fromEntries(Object.entries(fixture.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const request = { ...sendable(fixture), headers: captured };
    const sender = createHttpSender({ target: new URL(target.url), maxSockets: 1, now: () => now, sign: { region: 'eu-west-1', credentials: async () => CREDENTIALS } });
    try {
      expect((await sender.send(request)).status).toBe(202);
    } finally {
      sender.close();
      await target.close();
    }
    const [got] = target.received as [ReceivedRequest];
    expectSignedBy(got, CREDENTIALS, 'eu-west-1', 'mobileanalytics');
    expect(got.headers['x-amz-date']).toBe(toAmzDate(now));
    expect(got.headers['x-amz-security-token']).toBe(CREDENTIALS.sessionToken);
    expect(got.headers['authorization']).not.toContain('ASIADEVICE');
    // aws-sdk-js < 2.97 sent no Content-Type; aws4 would add one unless told not to touch the headers.
    expect(got.headers['content-type']).toBeUndefined();
    expect(got.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(fixture.body).digest('hex'));
    expect(got.body).toEqual(fixture.body);
  });

  it('signs every header it sends but those a proxy may change, and no token without one', () => {
    const signed = signRequest(
      { method: 'POST', path: '/2014-06-05/events', headers: { host: 'h', 'content-length': '2', 'x-amz-client-context': '{}', 'user-agent': 'ua', authorization: 'old', 'x-amz-security-token': 'old' }, body: Buffer.from('{}') },
      { region: 'us-east-1', service: 'mobileanalytics' },
      { accessKeyId: 'AKID', secretAccessKey: 's' },
      0,
    );
    expect(signed.headers['x-amz-security-token']).toBeUndefined();
    expect(signed.headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=AKID\/19700101\/us-east-1\/mobileanalytics\/aws4_request, SignedHeaders=content-length;host;x-amz-client-context;x-amz-date, Signature=[0-9a-f]{64}$/);
    expect(signed.path).toBe('/2014-06-05/events');
  });
});

describe('replay --sign: Pinpoint calls', () => {
  it('signs them again for mobiletargeting with an Authorization header; a HAR\'s presigned beacon loses its query credentials', async () => {
    const target = await startTarget();
    const now = Date.parse('2026-11-29T12:00:00.000Z');
    const { requests } = await readHar(AMPLIFY_SESSION_HAR);
    const sender = createHttpSender({ target: new URL(target.url), maxSockets: 1, now: () => now, sign: { region: 'us-east-1', credentials: async () => CREDENTIALS } });
    try {
      const fromHar = requests.map((request): SendableRequest => ({ ...request, clientKind: clientKindOf(request), body: request.body as Buffer }));
      for (const request of [...fromHar, sendable(awsSdkJsLegacy())]) expect((await sender.send(request)).status).toBe(202);
    } finally {
      sender.close();
      await target.close();
    }
    const [update, putEvents, beacon, legacy] = target.received as [ReceivedRequest, ReceivedRequest, ReceivedRequest, ReceivedRequest];
    // The service's own check of Pinpoint signatures, with the replaying key allowed for the app.
    const verify = createSigV4Verifier(new Map([[CREDENTIALS.accessKeyId, { secret: CREDENTIALS.secretAccessKey, appIds: new Set([PINPOINT_APP]) }]]), () => now, PINPOINT_SIGNING);
    for (const got of [update, putEvents, beacon]) {
      expect(() => verify({ method: got.method, url: got.url, headers: got.headers }, PINPOINT_APP)(got.body)).not.toThrow();
      expectSignedBy(got, CREDENTIALS, 'us-east-1', 'mobiletargeting');
      expect(got.headers['x-amz-security-token']).toBe(CREDENTIALS.sessionToken);
      expect(got.headers['x-amz-date']).toBe(toAmzDate(now));
    }
    expect([update.method, update.url]).toEqual(['PUT', `/v1/apps/${PINPOINT_APP}/endpoints/6f1c4e32-0a9b-4f7e-9b0d-2c1d3e4f5a6b`]);
    expect(beacon.url).toBe(`/v1/apps/${PINPOINT_APP}/events/legacy`);
    expect(beacon.headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDREPLAY\/20261129\/us-east-1\/mobiletargeting\/aws4_request, /);
    expect(beacon.body).toEqual(requests[2]?.body);
    expectSignedBy(legacy, CREDENTIALS, 'us-east-1', 'mobileanalytics');
  });

  it('removes every presigned query parameter, whatever its case or escaping, and keeps the others in order', () => {
    const query = 'b=2&X-Amz-Algorithm=AWS4-HMAC-SHA256&x-amz-credential=ASIAX%2F20261122&X-Amz-Date=20261122T100000Z&X%2DAmz%2DExpires=60&X-Amz-Security-Token=t&X-Amz-SignedHeaders=host&X-Amz-Signature=00&a=1';
    const signed = signRequest(
      { method: 'POST', path: `/v1/apps/${PINPOINT_APP}/events/legacy?${query}`, headers: { host: 'h', 'content-length': '2' }, body: Buffer.from('{}') },
      { region: 'us-east-1', service: 'mobiletargeting' },
      { accessKeyId: 'AKID', secretAccessKey: 's' },
      0,
    );
    expect(signed.path).toBe(`/v1/apps/${PINPOINT_APP}/events/legacy?b=2&a=1`);
    expect(signed.headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=AKID\/19700101\/us-east-1\/mobiletargeting\/aws4_request, SignedHeaders=content-length;host;x-amz-date, /);
  });
});

describe('replay runner and summary', () => {
  /** A recorded request with a body, or without one. */
  const request = (i: number, body: Buffer | null = Buffer.from('{}')): ReplayRequest => ({ source: `r.jsonl:${i}`, time: i, method: 'POST', url: '/2014-06-05/events', headers: { 'user-agent': 'aws-sdk-iOS/2.8.4 iOS/11.2 en_US' }, body });

  async function* requests(list: ReplayRequest[]): AsyncGenerator<ReplayRequest> {
    for (const r of list) yield r;
  }

  it('keeps at most --concurrency requests in flight, and counts every answer and every request without body', async () => {
    let inFlight = 0;
    let most = 0;
    const collector = createSummaryCollector(202);
    await runReplay(requests([request(1), request(2), request(3, null), request(4), request(5), request(6)]), {
      concurrency: 2,
      pacer: createReplayPacer({ retime: false }, systemClock),
      send: async (r) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 10));
        inFlight -= 1;
        return { source: r.source, clientKind: r.clientKind, status: r.source.endsWith(':5') ? 503 : 202, ms: Number(r.source.slice(-1)) };
      },
      onAnswer: collector.add,
      onNotSent: collector.notSent,
    });
    expect(most).toBe(2);
    const summary = collector.summary();
    expect({ answers: summary.answers, unexpected: summary.unexpected, notSent: summary.notSent }).toEqual({ answers: 5, unexpected: 1, notSent: 1 });
    expect(summary.counts).toEqual(new Map([[202, new Map([['ios', 4]])], [503, new Map([['ios', 1]])]]));
    expect(summary.failed.map((a) => a.source)).toEqual(['r.jsonl:5']);
    expect(summary.slowest.map((a) => a.ms)).toEqual([6, 5, 4, 2, 1]);
    expect(summary.notSentExamples).toEqual([{ source: 'r.jsonl:3', reason: 'the capture holds no body' }]);
    expect(replayExitCode(summary)).toBe(1);
  });

  it('keeps each Pinpoint endpoint\'s order: a request waits for the answer of the one in flight for its endpoint, the others run alongside', async () => {
    const app = `/v1/apps/${PINPOINT_APP}`;
    const putEvents = (endpointIds: string[]): Buffer => Buffer.from(JSON.stringify({ BatchItem: Object.fromEntries(endpointIds.map((id) => [id, { Endpoint: {}, Events: {} }])) }));
    const pinpoint = (i: number, method: string, url: string, body: Buffer, headers: Record<string, string> = {}): ReplayRequest => ({ source: `r.jsonl:${i}`, time: i, method, url, headers, body });
    const log: string[] = [];
    await runReplay(
      requests([
        pinpoint(1, 'PUT', `${app}/endpoints/a`, Buffer.from('{}')),
        pinpoint(2, 'POST', `${app}/events`, putEvents(['b'])),
        // gzip-encoded: its endpoints are read all the same.
        pinpoint(3, 'POST', `${app}/events/legacy`, gzipSync(putEvents(['c', 'a'])), { 'content-encoding': 'gzip' }),
        request(4),
        pinpoint(5, 'POST', `${app}/events`, putEvents(['c'])),
      ]),
      {
        concurrency: 8,
        pacer: createReplayPacer({ retime: false }, systemClock),
        send: async (r) => {
          log.push(`start ${r.source}`);
          await new Promise((resolve) => setTimeout(resolve, r.source.endsWith(':1') ? 40 : 10));
          log.push(`end ${r.source}`);
          return { source: r.source, clientKind: r.clientKind, status: 202, ms: 0 };
        },
        onAnswer: () => undefined,
        onNotSent: () => undefined,
      },
    );
    const at = (entry: string): number => log.indexOf(entry);
    expect(log.filter((entry) => entry.startsWith('start'))).toEqual([1, 2, 3, 4, 5].map((i) => `start r.jsonl:${i}`));
    expect(at('start r.jsonl:2')).toBeLessThan(at('end r.jsonl:1'));
    expect(at('start r.jsonl:3')).toBeGreaterThan(at('end r.jsonl:1'));
    expect(at('start r.jsonl:4')).toBeLessThan(at('end r.jsonl:3'));
    expect(at('start r.jsonl:5')).toBeGreaterThan(at('end r.jsonl:3'));
  });

  it('exits 0 when every answer is the expected one, whatever it is, and 1 on a network error', () => {
    const answer = (status: ReplayAnswer['status']): ReplayAnswer => ({ source: 's', clientKind: 'js', status, ms: 1 });
    const all400 = createSummaryCollector(400);
    all400.add(answer(400));
    expect(replayExitCode(all400.summary())).toBe(0);
    const withError = createSummaryCollector(202);
    withError.add(answer(202));
    withError.add(answer('error'));
    expect(replayExitCode(withError.summary())).toBe(1);
  });

  it('paces on its clock: with --rate the next request waits, in flight or not', async () => {
    const clock = createFakeClock(0);
    const sent: number[] = [];
    const run = runReplay(requests([request(1), request(2), request(3)]), {
      concurrency: 8,
      pacer: createReplayPacer({ rate: 1, retime: false }, clock),
      send: async (r) => {
        sent.push(clock.now());
        return { source: r.source, clientKind: r.clientKind, status: 202, ms: 0 };
      },
      onAnswer: () => undefined,
      onNotSent: () => undefined,
    });
    await clock.runUntil(() => sent.length === 3, { stepMs: 50 });
    await run;
    expect(sent).toEqual([0, 1000, 2000]);
  });
});
