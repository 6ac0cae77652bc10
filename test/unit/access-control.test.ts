import { createAccessControl } from '../../src/access/access-control';
import { checkAppAllowed } from '../../src/access/app-allowlist';
import { readDeviceIdentity } from '../../src/access/device-identity';
import { createRateLimiter } from '../../src/access/rate-limiter';
import type { RequestHead } from '../../src/access/request-head';
import { createSigV4Verifiers } from '../../src/access/sigv4-verifier';
import { BadRequestError, ForbiddenError, ProxyError, RetryLaterError } from '../../src/errors';
import { awsSdkJsModern } from '../fixtures/clients/aws-sdk-js';
import { FLEET_KEY, resignFixture } from '../support/device-keys';
import { createFakeClock } from '../support/fake-clock';

const context = (appId: string | undefined, client: Record<string, string> = { client_id: 'c1' }): string =>
  JSON.stringify({ client, services: { mobile_analytics: appId === undefined ? {} : { app_id: appId } } });

const head = (clientContext: string | undefined, extra: Record<string, string> = {}): RequestHead => ({
  method: 'POST',
  url: '/2014-06-05/events',
  headers: { ...(clientContext === undefined ? {} : { 'x-amz-client-context': clientContext }), ...extra },
});

function outcome(run: () => unknown): string {
  try {
    run();
    return 'admitted';
  } catch (err: unknown) {
    return err instanceof ProxyError ? `${err.status} ${err.code}` : String(err);
  }
}

describe('device identity from the client context header', () => {
  it.each([
    ['Android/JS: client_id', context('app', { client_id: 'cid' }), undefined, { appId: 'app', clientId: 'cid' }],
    ['iOS: client_id first', context('app', { client_id: 'cid', installation_id: 'iid' }), undefined, { appId: 'app', clientId: 'cid' }],
    ['iOS: installation_id without client_id', context('app', { installation_id: 'iid' }), undefined, { appId: 'app', clientId: 'iid' }],
    ['base64 (Android 2.1.7+)', Buffer.from(context('app')).toString('base64'), 'base64', { appId: 'app', clientId: 'c1' }],
    ['no app id', context(undefined), undefined, { appId: undefined, clientId: 'c1' }],
    ['ids that are not strings', JSON.stringify({ client: { client_id: 7 }, services: { mobile_analytics: { app_id: ['x'] } } }), undefined, { appId: undefined, clientId: undefined }],
  ])('%s', (_name, header, encoding, expected) => {
    expect(readDeviceIdentity(header, encoding)).toEqual(expected);
  });

  it('refuses a missing or malformed client context as ingest does (400)', () => {
    expect(() => readDeviceIdentity(undefined, undefined)).toThrow(BadRequestError);
    expect(() => readDeviceIdentity('{not json', undefined)).toThrow(/Client context is malformed/);
  });
});

describe('app id allowlist', () => {
  const allowed = new Set(['app-1', 'app-2']);
  it('admits listed app ids and refuses others 403, quoting a bounded part of the id', () => {
    expect(() => checkAppAllowed(allowed, 'app-2')).not.toThrow();
    expect(() => checkAppAllowed(allowed, 'App-1')).toThrow(ForbiddenError);
    let message = '';
    try {
      checkAppAllowed(allowed, 'x'.repeat(5000));
    } catch (err: unknown) {
      message = (err as Error).message;
    }
    expect(message.length).toBeLessThan(200);
  });

  it('answers a request without an app id 400 (malformed), not 403', () => {
    expect(() => checkAppAllowed(allowed, undefined)).toThrow(BadRequestError);
  });
});

describe('access control', () => {
  it('admits everything without reading the client context when every check is off', () => {
    const access = createAccessControl({ appIdAllowlist: undefined, rateLimiter: undefined, verifiers: undefined });
    expect(outcome(() => access.admit(head(undefined))(Buffer.alloc(0)))).toBe('admitted');
    expect(outcome(() => access.admit(head('{not json'))(Buffer.alloc(0)))).toBe('admitted');
  });

  it('checks the allowlist before the rate limits: a refused app spends no tokens', () => {
    const clock = createFakeClock();
    const access = createAccessControl({
      appIdAllowlist: new Set(['app-1']),
      rateLimiter: createRateLimiter({ client: undefined, app: { perSecond: 1, burst: 1 } }, clock.now),
      verifiers: undefined,
    });
    expect(outcome(() => access.admit(head(context('app-2'))))).toBe('403 AccessDeniedException');
    expect(outcome(() => access.admit(head(context('app-1'))))).toBe('admitted');
    expect(outcome(() => access.admit(head(context('app-1'))))).toBe('503 RateLimited');
  });

  it('checks the signature head before the rate limits: a request with an unknown key spends no tokens', () => {
    const clock = createFakeClock(Date.parse('2026-11-22T10:00:00.000Z'));
    const keys = new Map([[FLEET_KEY.accessKeyId, { secret: FLEET_KEY.secretAccessKey, appIds: new Set(FLEET_KEY.appIds) }]]);
    const access = createAccessControl({
      appIdAllowlist: undefined,
      rateLimiter: createRateLimiter({ client: undefined, app: { perSecond: 1, burst: 1 } }, clock.now),
      verifiers: createSigV4Verifiers(keys, clock.now),
    });
    const fixture = awsSdkJsModern();
    const lower = (headers: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(headers).map(([n, v]) => [n.toLowerCase(), v]));
    const unknownKey = resignFixture(fixture, { accessKeyId: 'AKIDNOTINTHEFILE0001', secretAccessKey: 'x'.repeat(20) }, clock.now());
    expect(outcome(() => access.admit({ method: 'POST', url: fixture.path, headers: lower(unknownKey.headers) }))).toBe('403 UnrecognizedClientException');
    const good = resignFixture(fixture, FLEET_KEY, clock.now());
    const admitted = access.admit({ method: 'POST', url: fixture.path, headers: lower(good.headers) });
    expect(outcome(() => admitted(good.body))).toBe('admitted');
    expect(outcome(() => admitted(Buffer.from('{"events":[]}')))).toBe('403 XAmzContentSHA256Mismatch');
    expect(outcome(() => access.admit({ method: 'POST', url: fixture.path, headers: lower(good.headers) }))).toBe('503 RateLimited');
  });

  it('throws RetryLaterError for rate limits and ForbiddenError for refusals, so toLegacyResponse answers each per client kind', () => {
    const access = createAccessControl({
      appIdAllowlist: new Set(['app-1']),
      rateLimiter: createRateLimiter({ client: { perSecond: 1, burst: 1 }, app: undefined }, createFakeClock().now),
      verifiers: undefined,
    });
    const errorOf = (run: () => unknown): unknown => {
      try {
        run();
      } catch (err: unknown) {
        return err;
      }
      return undefined;
    };
    expect(errorOf(() => access.admit(head(context('app-9'))))).toBeInstanceOf(ForbiddenError);
    access.admit(head(context('app-1')));
    expect(errorOf(() => access.admit(head(context('app-1'))))).toBeInstanceOf(RetryLaterError);
  });
});
