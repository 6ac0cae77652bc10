import type { AccessKeys } from '../../src/access/access-keys';
import type { RequestHead } from '../../src/access/request-head';
import { MAX_PRESIGNED_EXPIRES_SECONDS, parsePresignedQuery } from '../../src/access/sigv4-presigned-query';
import { createSigV4Verifier, LEGACY_SIGNING, PINPOINT_SIGNING, type SigV4Verifier } from '../../src/access/sigv4-verifier';
import { ForbiddenError } from '../../src/errors';
import { FLEET_KEY, OTHER_APP_KEY, PINPOINT_KEY, presignWithAws4, presignWithSmithy, type DeviceKey, type PinpointRequestToSign } from '../support/device-keys';

const NOW = Date.parse('2026-11-22T10:00:00.000Z');
const APP = PINPOINT_KEY.appIds[0] as string;
const HOST = 'pinpoint.us-east-1.amazonaws.com';

const keys: AccessKeys = new Map(
  [FLEET_KEY, OTHER_APP_KEY, PINPOINT_KEY].map((k: DeviceKey) => [k.accessKeyId, { secret: k.secretAccessKey, appIds: new Set(k.appIds) }]),
);

/**
 * What Amplify JS v5 sends when a web session stops: captured from the real client
 * (`@aws-amplify/analytics` 6.5.14 with `@aws-amplify/core` 5.8.14, the packages of
 * aws-amplify 5.3.27) by calling `AWSPinpointProvider._pinpointSendStopSession` with
 * PINPOINT_KEY, a session token, its clock offset set to NOW, and a `navigator.sendBeacon` that
 * kept the URL and body it was given. The browser sends the string body as UTF-8 with
 * `content-type: text/plain;charset=UTF-8`, to the URL's host.
 */
const AMPLIFY_BEACON = {
  path:
    `/v1/apps/${APP}/events/legacy?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDPINPOINTWEB00003%2F20261122%2Fus-east-1%2Fmobiletargeting%2Faws4_request` +
    '&X-Amz-Date=20261122T100000Z&X-Amz-SignedHeaders=host&X-Amz-Security-Token=IQoJb3JpZ2luX2VjE%2Btest%2Fsession%3Dtoken%3D%3D' +
    '&X-Amz-Signature=679e459ca1e58ad2b6663cc0daf59bdff2ce0315355b682526bb500f40586c00',
  body:
    '{"BatchItem":{"6f1c4e32-0a9b-4f7e-9b0d-2c1d3e4f5a6b":{"Endpoint":{},"Events":{"3b4c5d6e-7f8a-4b9c-8d0e-3f4a5b6c7d8e":{"EventType":"_session.stop",' +
    '"Timestamp":"2026-11-22T10:00:00.000Z","Attributes":{},"Metrics":{},"Session":{"Id":"a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d","Duration":300000,' +
    '"StartTimestamp":"2026-11-22T09:55:00.000Z","StopTimestamp":"2026-11-22T10:00:00.000Z"}}}}}}',
};

/** A request as the route hands it over. */
interface Received {
  head: RequestHead;
  body: Buffer;
}

const beaconHeaders = (body: Buffer): Record<string, string> => ({ host: HOST, 'content-type': 'text/plain;charset=UTF-8', 'content-length': String(body.length) });

function received(url: string, body: Buffer, method = 'POST'): Received {
  return { head: { method, url, headers: beaconHeaders(body) }, body };
}

const amplifyBeacon = (): Received => received(AMPLIFY_BEACON.path, Buffer.from(AMPLIFY_BEACON.body));

/** Runs both steps; returns the error thrown (undefined when the request passes). */
function verify(verifier: SigV4Verifier, request: Received, appId = APP): unknown {
  try {
    verifier(request.head, appId)(request.body);
    return undefined;
  } catch (err: unknown) {
    return err;
  }
}

/** The error the head step alone throws, before any body. */
function refusedBeforeBody(verifier: SigV4Verifier, request: Received, appId = APP): unknown {
  try {
    verifier(request.head, appId);
    return undefined;
  } catch (err: unknown) {
    return err;
  }
}

const expectRefused = (err: unknown, code: string, message?: RegExp): void => {
  expect(err).toBeInstanceOf(ForbiddenError);
  expect((err as ForbiddenError).code).toBe(code);
  if (message) expect((err as ForbiddenError).message).toMatch(message);
  for (const secret of [PINPOINT_KEY.accessKeyId, PINPOINT_KEY.secretAccessKey, FLEET_KEY.secretAccessKey]) expect((err as Error).message).not.toContain(secret);
};

const pinpointAt = (at: number): SigV4Verifier => createSigV4Verifier(keys, () => at, PINPOINT_SIGNING);
const pinpoint = pinpointAt(NOW);

const beaconBody = Buffer.from(AMPLIFY_BEACON.body);
const toSign = (body: Buffer = beaconBody, path = `/v1/apps/${APP}/events/legacy`, method = 'POST'): PinpointRequestToSign => ({
  method,
  path,
  headers: method === 'GET' ? { host: HOST } : beaconHeaders(body),
  ...(method === 'GET' ? {} : { body }),
});

describe('presigned Pinpoint requests: the beacon Amplify JS v5 sends', () => {
  it('passes the real client’s beacon (no X-Amz-Expires, only host signed, the session token among the signed parameters)', () => {
    const parsed = parsePresignedQuery(AMPLIFY_BEACON.path);
    expect(parsed.expiresSeconds).toBeUndefined();
    expect(parsed.authorization.signedHeaders).toEqual(['host']);
    expect(verify(pinpoint, amplifyBeacon())).toBeUndefined();
  });

  it('refuses it with another body: the body’s SHA-256 is what it signed, not UNSIGNED-PAYLOAD', () => {
    const beacon = amplifyBeacon();
    const body = Buffer.from(AMPLIFY_BEACON.body.replace('"Duration":300000', '"Duration":300001'));
    expectRefused(verify(pinpoint, { head: { ...beacon.head, headers: beaconHeaders(body) }, body }), 'InvalidSignatureException', /does not match/);
  });

  it.each([
    ['a parameter added', `${AMPLIFY_BEACON.path}&endpoint=other`],
    ['the session token changed', AMPLIFY_BEACON.path.replace('session%3Dtoken', 'session%3Dtokem')],
    ['the session token left out', AMPLIFY_BEACON.path.replace(/&X-Amz-Security-Token=[^&]*/, '')],
    ['another application id in the path', AMPLIFY_BEACON.path.replace(`/apps/${APP}/`, `/apps/${APP.replace('0123', '3210')}/`)],
  ])('refuses it with %s', (_name, path) => {
    expectRefused(verify(pinpoint, received(path, beaconBody), APP), 'InvalidSignatureException', /does not match/);
  });

  it('refuses it sent to another host than the one it signed', () => {
    const beacon = amplifyBeacon();
    const moved = { ...beacon, head: { ...beacon.head, headers: { ...beacon.head.headers, host: 'analytics.example.com' } } };
    expectRefused(verify(pinpoint, moved), 'InvalidSignatureException', /does not match/);
  });

  it('without X-Amz-Expires, gives it the window of a header signature: 14 minutes either way passes, 16 minutes late is RequestTimeTooSkewed', () => {
    expect(verify(pinpointAt(NOW + 14 * 60_000), amplifyBeacon())).toBeUndefined();
    expect(verify(pinpointAt(NOW - 14 * 60_000), amplifyBeacon())).toBeUndefined();
    expectRefused(refusedBeforeBody(pinpointAt(NOW + 16 * 60_000), amplifyBeacon()), 'RequestTimeTooSkewed', /more than 15 minutes/);
  });

  it('passes the same shape presigned by aws4, with and without a session token', () => {
    expect(verify(pinpoint, received(presignWithAws4(toSign(), PINPOINT_KEY, { at: NOW }), beaconBody))).toBeUndefined();
    const withToken = presignWithAws4(toSign(), PINPOINT_KEY, { at: NOW, sessionToken: 'token+with/odd=chars' });
    expect(withToken).toContain('X-Amz-Security-Token=token%2Bwith%2Fodd%3Dchars');
    expect(verify(pinpoint, received(withToken, beaconBody))).toBeUndefined();
  });

  it('is refused on the legacy route, which never accepts presigned requests', () => {
    const legacy = createSigV4Verifier(keys, () => NOW, LEGACY_SIGNING);
    expectRefused(refusedBeforeBody(legacy, amplifyBeacon()), 'MissingAuthenticationTokenException', /Presigned \(query-string\) requests are not accepted/);
  });
});

describe('presigned Pinpoint requests made by @smithy/signature-v4 (the AWS SDK v3 signer)', () => {
  it('passes, with the headers it signed as sent (content-length, content-type, host)', async () => {
    const url = await presignWithSmithy(toSign(), PINPOINT_KEY, { at: NOW, expiresIn: 900 });
    expect(url).toContain('&X-Amz-Expires=900&');
    expect(url).toContain('&X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost');
    expect(verify(pinpoint, received(url, beaconBody))).toBeUndefined();
  });

  it('passes a GET (GetEndpoint) without a body, and one with a session token', async () => {
    const get = await presignWithSmithy(toSign(undefined, `/v1/apps/${APP}/endpoints/6f1c4e32-0a9b-4f7e-9b0d-2c1d3e4f5a6b`, 'GET'), PINPOINT_KEY, { at: NOW, expiresIn: 60 });
    expect(verify(pinpoint, { head: { method: 'GET', url: get, headers: { host: HOST } }, body: Buffer.alloc(0) })).toBeUndefined();
    const withToken = await presignWithSmithy(toSign(), PINPOINT_KEY, { at: NOW, expiresIn: 60, sessionToken: 'FwoGZXIvYXdzE+token/==' });
    expect(verify(pinpoint, received(withToken, beaconBody))).toBeUndefined();
  });

  it('honours X-Amz-Expires: valid up to X-Amz-Date + X-Amz-Expires (beyond the 15 minutes of a header signature), expired one second later', async () => {
    const url = await presignWithSmithy(toSign(), PINPOINT_KEY, { at: NOW, expiresIn: 3600 });
    expect(verify(pinpointAt(NOW + 3600_000), received(url, beaconBody))).toBeUndefined();
    expectRefused(refusedBeforeBody(pinpointAt(NOW + 3601_000), received(url, beaconBody)), 'InvalidSignatureException', /^Signature expired: .*valid until 20261122T110000Z; the server's time is 20261122T110001Z/);
  });

  it('refuses one dated more than 15 minutes ahead of the server, whatever its X-Amz-Expires', async () => {
    const url = await presignWithSmithy(toSign(), PINPOINT_KEY, { at: NOW + 16 * 60_000, expiresIn: 3600 });
    expectRefused(refusedBeforeBody(pinpoint, received(url, beaconBody)), 'RequestTimeTooSkewed');
  });

  it('refuses a tampered body and a tampered query', async () => {
    const url = await presignWithSmithy(toSign(), PINPOINT_KEY, { at: NOW, expiresIn: 900 });
    const body = Buffer.from(AMPLIFY_BEACON.body.replace('_session.stop', '_session.stap'));
    expectRefused(verify(pinpoint, { head: received(url, body).head, body }), 'InvalidSignatureException', /does not match/);
    expectRefused(verify(pinpoint, received(url.replace('X-Amz-Expires=900', 'X-Amz-Expires=901'), beaconBody)), 'InvalidSignatureException', /does not match/);
  });

  it("refuses a signature for the legacy service, naming 'mobiletargeting'", async () => {
    const url = await presignWithSmithy(toSign(), PINPOINT_KEY, { at: NOW, expiresIn: 900, service: 'mobileanalytics' });
    expectRefused(refusedBeforeBody(pinpoint, received(url, beaconBody)), 'InvalidSignatureException', /scoped to the service 'mobiletargeting'/);
  });

  it("refuses a key the file does not list for the path's application id, and a key it does not hold", async () => {
    const other = await presignWithSmithy(toSign(), OTHER_APP_KEY, { at: NOW, expiresIn: 900 });
    expectRefused(refusedBeforeBody(pinpoint, received(other, beaconBody)), 'AccessDeniedException', new RegExp(`may not be used for the application id '${APP}'`));
    const unknown = await presignWithSmithy(toSign(), { accessKeyId: 'AKIDNOTINTHEFILE0001', secretAccessKey: 'x'.repeat(20) }, { at: NOW, expiresIn: 900 });
    expectRefused(refusedBeforeBody(pinpoint, received(unknown, beaconBody)), 'UnrecognizedClientException');
  });
});

describe('presigned Pinpoint requests: X-Amz-Expires bounds and malformed queries', () => {
  it(`accepts X-Amz-Expires up to ${MAX_PRESIGNED_EXPIRES_SECONDS} seconds (7 days) and refuses one second more, before the body`, () => {
    const week = presignWithAws4(toSign(), PINPOINT_KEY, { at: NOW, expires: MAX_PRESIGNED_EXPIRES_SECONDS });
    expect(verify(pinpointAt(NOW + 6 * 86_400_000), received(week, beaconBody))).toBeUndefined();
    const longer = presignWithAws4(toSign(), PINPOINT_KEY, { at: NOW, expires: MAX_PRESIGNED_EXPIRES_SECONDS + 1 });
    expectRefused(refusedBeforeBody(pinpoint, received(longer, beaconBody)), 'IncompleteSignatureException', /X-Amz-Expires must be a whole number of seconds from 1 to 604800/);
  });

  const good = (): string => presignWithAws4(toSign(), PINPOINT_KEY, { at: NOW, expires: 900 });
  it.each([
    ['no X-Amz-Algorithm', (url: string) => url.replace('X-Amz-Algorithm=AWS4-HMAC-SHA256&', ''), /must carry X-Amz-Algorithm/],
    ['SigV4a', (url: string) => url.replace('X-Amz-Algorithm=AWS4-HMAC-SHA256', 'X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256'), /X-Amz-Algorithm must be AWS4-HMAC-SHA256/],
    ['two signatures', (url: string) => `${url}&X-Amz-Signature=${'0'.repeat(64)}`, /must carry X-Amz-Signature once/],
    ['no X-Amz-SignedHeaders', (url: string) => url.replace(/X-Amz-SignedHeaders=[^&]*&?/, ''), /must carry X-Amz-SignedHeaders/],
    ['a short credential scope', (url: string) => url.replace('%2Fus-east-1%2F', '%2F'), /X-Amz-Credential must be/],
    ['X-Amz-Expires 0', (url: string) => url.replace('X-Amz-Expires=900', 'X-Amz-Expires=0'), /X-Amz-Expires must be/],
    ['X-Amz-Expires not a number', (url: string) => url.replace('X-Amz-Expires=900', 'X-Amz-Expires=15m'), /X-Amz-Expires must be/],
    ['a signature that is not hex', (url: string) => url.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${'Z'.repeat(64)}`), /X-Amz-Signature must be 64/],
  ])('refuses %s as IncompleteSignatureException', (_name, change, message) => {
    expectRefused(refusedBeforeBody(pinpoint, received(change(good()), beaconBody)), 'IncompleteSignatureException', message);
  });

  it('refuses a missing X-Amz-Date', () => {
    expectRefused(refusedBeforeBody(pinpoint, received(good().replace(/X-Amz-Date=[^&]*&/, ''), beaconBody)), 'IncompleteSignatureException', /must carry X-Amz-Date/);
  });

  it('says what it needs when a Pinpoint request carries no signature at all', () => {
    expectRefused(refusedBeforeBody(pinpoint, received(`/v1/apps/${APP}/events`, beaconBody)), 'MissingAuthenticationTokenException', /Authorization header or presigned query/);
  });
});
