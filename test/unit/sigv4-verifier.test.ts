import { createHash } from 'node:crypto';
import AWS from 'aws-sdk';
import AWSLegacy from 'aws-sdk-legacy';
import { createSigV4Verifier, LEGACY_SIGNING, MAX_CLOCK_SKEW_MS, type SigV4Verifier } from '../../src/access/sigv4-verifier';
import type { AccessKeys } from '../../src/access/access-keys';
import type { RequestHead } from '../../src/access/request-head';
import { BadRequestError, ForbiddenError } from '../../src/errors';
import { allClientFixtures } from '../fixtures/clients';
import { awsSdkJsModern, rawSdkClientContext } from '../fixtures/clients/aws-sdk-js';
import { android223 } from '../fixtures/clients/android';
import type { ClientFixture } from '../fixtures/clients/device-request';
import { FLEET_KEY, OTHER_APP_KEY, resignFixture, sdkSignedRequest, signWithAws4, type DeviceKey } from '../support/device-keys';
import { sdkSessionEvents, type AwsSdkV2 } from '../support/legacy-clients';

const NOW = Date.parse('2026-11-22T10:00:00.000Z');

const keys: AccessKeys = new Map(
  [FLEET_KEY, OTHER_APP_KEY].map((k: DeviceKey) => [k.accessKeyId, { secret: k.secretAccessKey, appIds: new Set(k.appIds) }]),
);

/** A request as the route hands it over: lower-case header names, the path as received. */
interface Received {
  head: RequestHead;
  body: Buffer;
  appId: string | undefined;
}

function received(fixture: Pick<ClientFixture, 'path' | 'headers' | 'body' | 'clientContext'>, url: string = fixture.path): Received {
  const headers = Object.fromEntries(Object.entries(fixture.headers).map(([name, value]) => [name.toLowerCase(), value]));
  return { head: { method: 'POST', url, headers }, body: fixture.body, appId: fixture.clientContext.services.mobile_analytics.app_id };
}

/** Runs both steps; returns the error thrown (undefined when the request passes). */
function verify(verifier: SigV4Verifier, request: Received): unknown {
  try {
    verifier(request.head, request.appId)(request.body);
    return undefined;
  } catch (err: unknown) {
    return err;
  }
}

/** The error the head step alone throws, before any body. */
function refusedBeforeBody(verifier: SigV4Verifier, request: Received): unknown {
  try {
    verifier(request.head, request.appId);
    return undefined;
  } catch (err: unknown) {
    return err;
  }
}

const atNow = createSigV4Verifier(keys, () => NOW, LEGACY_SIGNING);
const signedNow = (fixture: ClientFixture, key: Pick<DeviceKey, 'accessKeyId' | 'secretAccessKey'> = FLEET_KEY, at = NOW): Received =>
  received(resignFixture(fixture, key, at));

function withHeaders(request: Received, headers: Record<string, string | undefined>): Received {
  const merged: Record<string, string | readonly string[] | undefined> = { ...request.head.headers, ...headers };
  for (const [name, value] of Object.entries(headers)) if (value === undefined) delete merged[name];
  return { ...request, head: { ...request.head, headers: merged } };
}

const expectRefused = (err: unknown, code: string, message?: RegExp): void => {
  expect(err).toBeInstanceOf(ForbiddenError);
  expect((err as ForbiddenError).status).toBe(403);
  expect((err as ForbiddenError).code).toBe(code);
  if (message) expect((err as ForbiddenError).message).toMatch(message);
  // Never a credential in what is answered and logged.
  for (const secret of [FLEET_KEY.accessKeyId, FLEET_KEY.secretAccessKey, OTHER_APP_KEY.secretAccessKey]) expect((err as Error).message).not.toContain(secret);
};

describe('SigV4 verifier: signatures made with aws4', () => {
  it.each(allClientFixtures({ largeBatches: false }).map((f) => [f.name, f] as const))('%s, re-signed with a fleet key, passes', (_name, fixture) => {
    expect(verify(atNow, signedNow(fixture))).toBeUndefined();
  });

  it('passes a gzipped body: the hash is over the bytes as sent', () => {
    const fixture = android223();
    expect(fixture.headers['Content-Encoding']).toBe('gzip');
    expect(verify(atNow, signedNow(fixture))).toBeUndefined();
  });

  it('passes any region: the credential scope says which', () => {
    const fixture = awsSdkJsModern();
    const { Authorization: _a, ...headers } = fixture.headers;
    const signed = signWithAws4({ path: fixture.path, headers, body: fixture.body }, FLEET_KEY, { at: NOW, signed: ['host', 'x-amz-client-context', 'x-amz-content-sha256'], region: 'eu-west-1' });
    expect(signed['Authorization']).toContain('/eu-west-1/mobileanalytics/aws4_request');
    expect(verify(atNow, received({ ...fixture, headers: signed }))).toBeUndefined();
  });

  it('passes a query string that was signed, and refuses one added after signing', () => {
    const fixture = awsSdkJsModern();
    const { Authorization: _a, ...headers } = fixture.headers;
    const signed = signWithAws4({ path: `${fixture.path}?b=2&a=1`, headers, body: fixture.body }, FLEET_KEY, { at: NOW, signed: ['host', 'x-amz-client-context'] });
    expect(verify(atNow, received({ ...fixture, headers: signed }, `${fixture.path}?b=2&a=1`))).toBeUndefined();
    expectRefused(verify(atNow, received({ ...fixture, headers: signed }, `${fixture.path}?b=2&a=1&c=3`)), 'InvalidSignatureException');
  });

  it(`passes an X-Amz-Date up to ${MAX_CLOCK_SKEW_MS / 60_000} minutes off either way`, () => {
    for (const offset of [-14 * 60_000, 14 * 60_000]) expect(verify(atNow, signedNow(awsSdkJsModern(), FLEET_KEY, NOW + offset))).toBeUndefined();
  });
});

describe.each([
  ['aws-sdk 2.x', AWS],
  ['aws-sdk 2.96.0', AWSLegacy as unknown as typeof AWS],
])('SigV4 verifier: signatures made by the real %s signer', (_name, sdk: AwsSdkV2) => {
  const realClock = createSigV4Verifier(keys, Date.now, LEGACY_SIGNING);
  const sdkRequest = async (key: DeviceKey = FLEET_KEY): Promise<Received> => {
    const request = await sdkSignedRequest(sdk, key, { events: sdkSessionEvents, clientContext: JSON.stringify(rawSdkClientContext) });
    return { head: { method: request.method, url: request.path, headers: request.headers }, body: request.body, appId: 'ma-app-rawsdk' };
  };

  it('passes, the client context among the signed headers', async () => {
    const request = await sdkRequest();
    expect(request.head.headers['authorization']).toMatch(/SignedHeaders=[^,]*x-amz-client-context/);
    expect(verify(realClock, request)).toBeUndefined();
  });

  it('refuses a tampered body (x-amz-content-sha256 no longer matches it)', async () => {
    const request = await sdkRequest();
    expectRefused(verify(realClock, { ...request, body: Buffer.from(request.body.toString().replace('level.complete', 'level.c0mplete')) }), 'XAmzContentSHA256Mismatch');
  });

  it('refuses a tampered client context', async () => {
    const request = await sdkRequest();
    const tampered = JSON.stringify({ ...rawSdkClientContext, client: { ...rawSdkClientContext.client, client_id: 'someone-else' } });
    expectRefused(verify(realClock, withHeaders(request, { 'x-amz-client-context': tampered })), 'InvalidSignatureException');
  });

  it('refuses a key the file does not hold, and a wrong secret', async () => {
    expectRefused(verify(realClock, await sdkRequest({ ...FLEET_KEY, accessKeyId: 'AKIDNOTINTHEFILE0001' })), 'UnrecognizedClientException');
    expectRefused(verify(realClock, await sdkRequest({ ...FLEET_KEY, secretAccessKey: 'not-the-fleet-secret-at-all' })), 'InvalidSignatureException');
  });

  it('refuses a key signing for an app id it is not given', async () => {
    expectRefused(verify(realClock, await sdkRequest(OTHER_APP_KEY)), 'AccessDeniedException', /may not be used for the application id 'ma-app-rawsdk'/);
  });
});

describe('SigV4 verifier: refusals', () => {
  const good = (): Received => signedNow(awsSdkJsModern());

  it('refuses a tampered body without x-amz-content-sha256 (Android signs none): the signature no longer matches', () => {
    const request = signedNow(android223());
    expect(request.head.headers['x-amz-content-sha256']).toBeUndefined();
    const body = Buffer.from(request.body);
    body.writeUInt8(body.readUInt8(body.length - 9) ^ 1, body.length - 9);
    expectRefused(verify(atNow, { ...request, body }), 'InvalidSignatureException');
  });

  it('refuses x-amz-content-sha256 that is not the hash of the body, UNSIGNED-PAYLOAD included', () => {
    const request = good();
    expectRefused(verify(atNow, withHeaders(request, { 'x-amz-content-sha256': createHash('sha256').update('other').digest('hex') })), 'XAmzContentSHA256Mismatch');
    expectRefused(verify(atNow, withHeaders(request, { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' })), 'XAmzContentSHA256Mismatch');
  });

  it.each([
    ['16 minutes old', -16 * 60_000],
    ['16 minutes ahead', 16 * 60_000],
    ['a day old', -86_400_000],
  ])('refuses an X-Amz-Date %s as RequestTimeTooSkewed, before the body', (_name, offset) => {
    const request = signedNow(awsSdkJsModern(), FLEET_KEY, NOW + offset);
    expectRefused(refusedBeforeBody(atNow, request), 'RequestTimeTooSkewed', /more than 15 minutes from the server's time 20261122T100000Z/);
  });

  it('refuses a request without a signature, and says so for a presigned one', () => {
    const request = withHeaders(good(), { authorization: undefined });
    expectRefused(refusedBeforeBody(atNow, request), 'MissingAuthenticationTokenException', /not signed/);
    const presigned = { ...request, head: { ...request.head, url: '/2014-06-05/events?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20261122&X-Amz-Signature=00' } };
    expectRefused(refusedBeforeBody(atNow, presigned), 'MissingAuthenticationTokenException', /Presigned/);
  });

  it.each([
    ['SigV2', 'AWS AKIDFLEETDEVICES0001:c2lnbmF0dXJl'],
    ['SigV4a', 'AWS4-ECDSA-P256-SHA256 Credential=AKIDFLEETDEVICES0001/20261122/mobileanalytics/aws4_request, SignedHeaders=host, Signature=00'],
    ['no Signature', 'AWS4-HMAC-SHA256 Credential=AKIDFLEETDEVICES0001/20261122/us-east-1/mobileanalytics/aws4_request, SignedHeaders=host'],
    ['a short scope', 'AWS4-HMAC-SHA256 Credential=AKIDFLEETDEVICES0001/20261122/us-east-1/aws4_request, SignedHeaders=host, Signature=' + 'a'.repeat(64)],
    ['a signature that is not hex', 'AWS4-HMAC-SHA256 Credential=AKIDFLEETDEVICES0001/20261122/us-east-1/mobileanalytics/aws4_request, SignedHeaders=host, Signature=' + 'Z'.repeat(64)],
    ['upper-case signed headers', 'AWS4-HMAC-SHA256 Credential=AKIDFLEETDEVICES0001/20261122/us-east-1/mobileanalytics/aws4_request, SignedHeaders=Host, Signature=' + 'a'.repeat(64)],
  ])('refuses a malformed Authorization header (%s) as IncompleteSignatureException', (_name, authorization) => {
    expectRefused(refusedBeforeBody(atNow, withHeaders(good(), { authorization })), 'IncompleteSignatureException');
  });

  it('reads the Authorization header with or without spaces after its commas', () => {
    const request = good();
    const compact = String(request.head.headers['authorization']).replaceAll(', ', ',');
    expect(verify(atNow, withHeaders(request, { authorization: compact }))).toBeUndefined();
  });

  it('refuses a signature for another service', () => {
    const fixture = awsSdkJsModern();
    const request = signedNow(fixture);
    const otherService = String(request.head.headers['authorization']).replace('/mobileanalytics/', '/mobiletargeting/');
    expectRefused(refusedBeforeBody(atNow, withHeaders(request, { authorization: otherService })), 'InvalidSignatureException', /scoped to the service 'mobileanalytics'/);
  });

  it("refuses a credential scope dated another day than X-Amz-Date, a missing X-Amz-Date, and 'host' left unsigned", () => {
    const request = good();
    const auth = String(request.head.headers['authorization']);
    expectRefused(refusedBeforeBody(atNow, withHeaders(request, { authorization: auth.replace('/20261122/', '/20261121/') })), 'InvalidSignatureException', /date/);
    expectRefused(refusedBeforeBody(atNow, withHeaders(request, { 'x-amz-date': undefined })), 'IncompleteSignatureException', /X-Amz-Date/);
    expectRefused(refusedBeforeBody(atNow, withHeaders(request, { 'x-amz-date': '20261122T250000Z' })), 'IncompleteSignatureException', /X-Amz-Date/);
    const hostless = auth.replace('SignedHeaders=host;', 'SignedHeaders=');
    expectRefused(refusedBeforeBody(atNow, withHeaders(request, { authorization: hostless })), 'InvalidSignatureException', /'host' must be a signed header/);
  });

  it('refuses a signed header that is not there', () => {
    expectRefused(refusedBeforeBody(atNow, withHeaders(good(), { 'x-amz-client-context': undefined })), 'InvalidSignatureException', /'x-amz-client-context' is missing/);
  });

  it('answers a request without an app id 400, as ingest would', () => {
    expect(refusedBeforeBody(atNow, { ...good(), appId: undefined })).toBeInstanceOf(BadRequestError);
  });

  it('refuses a wrong secret (aws4), as InvalidSignatureException and only once the body is read', () => {
    const request = signedNow(awsSdkJsModern(), { accessKeyId: FLEET_KEY.accessKeyId, secretAccessKey: 'wrong-secret-wrong-secret' });
    expect(refusedBeforeBody(atNow, request)).toBeUndefined();
    expectRefused(verify(atNow, request), 'InvalidSignatureException', /does not match/);
  });
});
