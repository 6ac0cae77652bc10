import { deflateSync, gzipSync } from 'node:zlib';
import request from 'supertest';
import type { Response } from 'supertest';
import { allClientFixtures } from '../fixtures/clients';
import { android223 } from '../fixtures/clients/android';
import { awsSdkJsModern, BROWSER_ORIGIN, browserPreflightHeaders, browserTextPlain } from '../fixtures/clients/aws-sdk-js';
import type { ClientFixture } from '../fixtures/clients/device-request';
import { iosLater } from '../fixtures/clients/ios';
import { jsLibraryBatchOfBytes } from '../fixtures/clients/js-library';
import { expectDeliveredIntact } from '../support/delivery-oracle';
import { pinpointStandInEnv, startInProcessProxy, useUpstreamProxy } from '../support/in-process-proxy';
import type { PinpointStandIn } from '../support/pinpoint-stand-in';

const upstream = useUpstreamProxy();

/**
 * superagent JSON-encodes a Buffer body when Content-Type looks like JSON; this serializer
 * leaves the bytes alone (it is typed for strings, superagent hands it the Buffer as is).
 */
const asIs = (data: string): string => data;

/** Sends a fixture exactly as captured; `headers` overrides (undefined removes a header); the body is never re-serialized. */
function send(fixture: ClientFixture, options: { headers?: Record<string, string | undefined>; body?: Buffer } = {}): Promise<Response> {
  const body = options.body ?? fixture.body;
  const headers: Record<string, string | undefined> = { ...fixture.headers, 'Content-Length': String(body.length), ...options.headers };
  let req = request(upstream.proxy.app).post(fixture.path);
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) req = req.set(name, value);
  }
  return req.serialize(asIs).send(body);
}

function deliveredSince(before: number): ReturnType<PinpointStandIn['delivered']> {
  return upstream.standIn.delivered().slice(before);
}

describe('POST /2014-06-05/events with every client generation', () => {
  it.each(allClientFixtures().map((f) => [f.name, f] as const))('%s: 202, empty body, every event delivered intact', async (_name, fixture) => {
    const before = upstream.standIn.delivered().length;
    const response = await send(fixture);
    expect(response.status).toBe(202);
    expect(response.text).toBe('');
    expect(response.headers['content-length']).toBe('0');
    expect(response.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['x-amzn-errortype']).toBeUndefined();
    const delivered = deliveredSince(before);
    expect(delivered).toHaveLength(fixture.events.length);
    expectDeliveredIntact(fixture, upstream.standIn, delivered);
    expect(upstream.standIn.calls).toHaveLength(Math.ceil(fixture.events.length / 100));
  });

  it('splits the 151-event JS library batch into calls of 100 and 51', async () => {
    const fixture = allClientFixtures().find((f) => f.events.length === 151) as ClientFixture;
    await send(fixture);
    expect(upstream.standIn.calls.map((c) => c.eventIds.length).sort((a, b) => b - a)).toEqual([100, 51]);
  });

  it('maps the client context onto the endpoint and every event (Android)', async () => {
    const before = upstream.standIn.delivered().length;
    await send(android223());
    const first = deliveredSince(before)[0];
    expect(first?.endpoint).toEqual({
      Demographic: { Make: 'LGE', Model: 'Nexus 5', Platform: 'ANDROID', PlatformVersion: '5.1.1', Locale: 'en_US', AppVersion: '2.3.1' },
    });
    expect(first?.event).toMatchObject({ AppPackageName: 'com.example.android', AppTitle: 'Android App', AppVersionCode: '231', SdkName: 'aws-sdk-android', ClientSdkVersion: '2.2.3' });
  });

  it('swaps the iOS version fields and keeps model_version', async () => {
    const before = upstream.standIn.delivered().length;
    await send(iosLater());
    const first = deliveredSince(before)[0];
    expect(first?.endpoint.Demographic).toMatchObject({ AppVersion: '1.2.0', ModelVersion: 'Unknown', Make: 'apple', Locale: 'en_US' });
    expect(first?.event.AppVersionCode).toBe('57');
    expect(first?.endpointId).toBe('B4C3D2E1-F0A9-4B8C-9D7E-6F5A4B3C2D1E');
  });
});

describe('body decoding', () => {
  it.each([
    ['no Content-Type', undefined],
    ['an empty Content-Type', ''],
    ['application/json', 'application/json'],
    ['application/x-amz-json-1.0', 'application/x-amz-json-1.0'],
    ['application/x-amz-json-1.1', 'application/x-amz-json-1.1'],
    ['text/plain;charset=UTF-8', 'text/plain;charset=UTF-8'],
    ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded'],
  ])('parses the body as JSON with %s', async (_name, contentType) => {
    const fixture = awsSdkJsModern();
    const before = upstream.standIn.delivered().length;
    const response = await send(fixture, { headers: { 'Content-Type': contentType } });
    expect(response.status).toBe(202);
    expectDeliveredIntact(fixture, upstream.standIn, deliveredSince(before));
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
  ])('inflates Content-Encoding: %s', async (encoding, compress) => {
    const fixture = awsSdkJsModern();
    const before = upstream.standIn.delivered().length;
    const response = await send(fixture, { headers: { 'Content-Encoding': encoding }, body: compress(fixture.body) });
    expect(response.status).toBe(202);
    expectDeliveredIntact(fixture, upstream.standIn, deliveredSince(before));
  });

  it('answers 413 to a gzip bomb (50 MB of zeros) without inflating it all, and keeps serving', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const response = await send(android223(), { body: bomb });
    expect(response.status).toBe(413);
    expect(response.headers['x-amzn-errortype']).toBe('RequestEntityTooLarge');
    expect(upstream.standIn.calls).toEqual([]);
    expect((await request(upstream.proxy.app).get('/healthz')).status).toBe(200);
  });

  it('answers 413 RequestEntityTooLarge to a body over 1 MiB', async () => {
    const response = await send(awsSdkJsModern(), { body: Buffer.alloc(1024 * 1024 + 1, 0x20) });
    expect(response.status).toBe(413);
    expect(response.headers['x-amzn-errortype']).toBe('RequestEntityTooLarge');
    expect(JSON.parse(response.text)).toMatchObject({ __type: 'RequestEntityTooLarge' });
    expect(upstream.standIn.calls).toEqual([]);
  });

  it('accepts a 256 000-byte JS library batch (the library default batchSizeLimit)', async () => {
    const fixture = jsLibraryBatchOfBytes(256_000);
    expect(fixture.body.length).toBe(256_011);
    const before = upstream.standIn.delivered().length;
    const response = await send(fixture);
    expect(response.status).toBe(202);
    expectDeliveredIntact(fixture, upstream.standIn, deliveredSince(before));
  });
});

describe('malformed requests get 400 BadRequestException naming the problem', () => {
  it.each([
    ['invalid JSON', { body: Buffer.from('{"events":[') }, /not valid JSON/],
    ['an empty body', { body: Buffer.alloc(0) }, /body is empty/],
    ['a body without events', { body: Buffer.from('{"records":[]}') }, /event payload is invalid/],
    ['a missing client context', { headers: { 'x-amz-Client-Context': undefined } }, /Client context is malformed or missing/],
    ['an invalid base64 client context', { headers: { 'x-amz-Client-Context': '%%%not-base64%%%', 'x-amz-Client-Context-Encoding': 'base64' } }, /Client context/],
    ['a client context without app_id', { headers: { 'x-amz-Client-Context': '{"client":{"client_id":"c"},"services":{"mobile_analytics":{}}}' } }, /client context is invalid.*app_id/],
    ['an undecodable gzip body', { headers: { 'Content-Encoding': 'gzip' }, body: Buffer.from('not gzip') }, /could not be decoded/],
    [
      'a timestamp of the right shape that names no date',
      { body: Buffer.from('{"events":[{"eventType":"e","timestamp":"2024-13-01T00:00:00.000Z"}]}') },
      /\/events\/0\/timestamp must be an ISO 8601 timestamp naming a real date and time/,
    ],
  ] as const)('%s', async (_name, options, message) => {
    const response = await send(awsSdkJsModern(), options);
    expect(response.status).toBe(400);
    expect(response.headers['x-amzn-errortype']).toBe('BadRequestException');
    const body = JSON.parse(response.text) as { __type: string; message: string };
    expect(body.__type).toBe('BadRequestException');
    expect(body.message).toMatch(message);
    expect(upstream.standIn.calls).toEqual([]);
  });

  it('gives iOS an empty 400 without x-amzn-ErrorType', async () => {
    const response = await send(iosLater(), { body: Buffer.from('{"events":[') });
    expect(response.status).toBe(400);
    expect(response.text).toBe('');
    expect(response.headers['x-amzn-errortype']).toBeUndefined();
  });
});

describe('answers translated from Pinpoint', () => {
  it('still answers 202 when Pinpoint refuses single events inside its 202', async () => {
    const fixture = android223();
    upstream.standIn.setBehavior(({ eventIds }) => ({ status: 202, rejectEventIds: eventIds.slice(0, 2), message: 'Event rejected' }));
    const response = await send(fixture);
    expect(response.status).toBe(202);
    expect(response.text).toBe('');
  });

  it.each([
    [400, 'BadRequestException', 400, 'BadRequestException'],
    [403, 'ForbiddenException', 403, 'AccessDeniedException'],
    [404, 'NotFoundException', 503, 'ServiceUnavailableException'],
    [413, 'PayloadTooLargeException', 413, 'RequestEntityTooLarge'],
  ] as const)('Pinpoint %s %s → Android %s %s', async (status, code, clientStatus, clientCode) => {
    upstream.standIn.setBehavior(() => ({ status, code }));
    const response = await send(android223());
    expect(response.status).toBe(clientStatus);
    expect(response.headers['x-amzn-errortype']).toBe(clientCode);
    expect(upstream.standIn.rejectedRequests).toEqual([]);
  });

  describe.each([429, 500, 503] as const)('persistent Pinpoint %s', (status) => {
    beforeEach(() => upstream.standIn.setBehavior(() => ({ status })));

    it.each([
      ['Android', android223()],
      ['iOS', iosLater()],
    ])('→ 503 for %s', async (_kind, fixture) => {
      const response = await send(fixture);
      expect(response.status).toBe(503);
      expect(upstream.standIn.calls.length).toBeGreaterThanOrEqual(1);
      expect(upstream.standIn.calls.every((c) => c.status === status)).toBe(true);
    });

    it.each([
      ['aws-sdk-nodejs', awsSdkJsModern()],
      ['browser aws-sdk-js', browserTextPlain()],
    ])('→ 400 ThrottlingException for %s', async (_kind, fixture) => {
      const response = await send(fixture);
      expect(response.status).toBe(400);
      expect(response.headers['x-amzn-errortype']).toBe('ThrottlingException');
      expect(JSON.parse(response.text)).toMatchObject({ __type: 'ThrottlingException' });
    });
  });

  it('retries a transient 503 and answers 202 when Pinpoint recovers', async () => {
    const fixture = android223();
    upstream.standIn.setBehavior(({ index }) => (index === 0 ? { status: 503 } : undefined));
    const before = upstream.standIn.delivered().length;
    const response = await send(fixture);
    expect(response.status).toBe(202);
    expectDeliveredIntact(fixture, upstream.standIn, deliveredSince(before));
  });
});

describe('CORS and health', () => {
  it('answers the browser preflight with the headers the SDK needs', async () => {
    let req = request(upstream.proxy.app).options('/2014-06-05/events');
    for (const [name, value] of Object.entries(browserPreflightHeaders())) req = req.set(name, value);
    const response = await req;
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['access-control-allow-methods']).toMatch(/POST/);
    const allowed = String(response.headers['access-control-allow-headers']).split(/,\s*/);
    for (const name of ['authorization', 'content-type', 'x-amz-client-context', 'x-amz-client-context-encoding', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-security-token', 'x-amz-user-agent']) {
      expect(allowed).toContain(name);
    }
  });

  it('puts Access-Control-Allow-Origin and exposed headers on POST answers', async () => {
    const response = await send(browserTextPlain());
    expect(response.status).toBe(202);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['access-control-expose-headers']).toMatch(/x-amzn-RequestId/);
    const error = await send(browserTextPlain(), { body: Buffer.from('nope') });
    expect(error.headers['access-control-allow-origin']).toBe('*');
  });

  it('echoes an allowed origin and refuses others when CORS_ORIGINS is a list', async () => {
    const restricted = await startInProcessProxy({ ...pinpointStandInEnv(upstream.standIn), ACK_MODE: 'upstream', CORS_ORIGINS: BROWSER_ORIGIN });
    const ok = await request(restricted.app).options('/2014-06-05/events').set('Origin', BROWSER_ORIGIN).set('Access-Control-Request-Method', 'POST');
    expect(ok.status).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe(BROWSER_ORIGIN);
    const refused = await request(restricted.app).options('/2014-06-05/events').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    await restricted.close();
  });

  it('GET /healthz answers 200', async () => {
    const response = await request(upstream.proxy.app).get('/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });
});
