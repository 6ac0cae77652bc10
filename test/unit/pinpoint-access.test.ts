import { createAccessControl, type AccessControl, type PinpointTarget } from '../../src/access/access-control';
import type { AccessKeys } from '../../src/access/access-keys';
import { createRateLimiter } from '../../src/access/rate-limiter';
import type { RequestHead } from '../../src/access/request-head';
import { createSigV4Verifiers } from '../../src/access/sigv4-verifier';
import type { RateLimitsConfig } from '../../src/config';
import { ProxyError } from '../../src/errors';
import { FLEET_KEY, OTHER_APP_KEY, PINPOINT_KEY, presignWithAws4, signWithAws4, signWithSmithy, type DeviceKey } from '../support/device-keys';
import { createFakeClock } from '../support/fake-clock';

const NOW = Date.parse('2026-11-22T10:00:00.000Z');
const APP = PINPOINT_KEY.appIds[0] as string;
const OTHER_APP = 'fedcba9876543210fedcba9876543210';
const ENDPOINT = '6f1c4e32-0a9b-4f7e-9b0d-2c1d3e4f5a6b';
const HOST = '127.0.0.1:8080';

const keys: AccessKeys = new Map(
  [FLEET_KEY, OTHER_APP_KEY, PINPOINT_KEY].map((k: DeviceKey) => [k.accessKeyId, { secret: k.secretAccessKey, appIds: new Set(k.appIds) }]),
);

const putEventsBody = Buffer.from(JSON.stringify({ BatchItem: { [ENDPOINT]: { Endpoint: {}, Events: { e1: { EventType: 'pageView', Timestamp: '2026-11-22T10:00:00.000Z' } } } } }));
const endpointBody = Buffer.from(JSON.stringify({ RequestId: 'r1', EffectiveDate: '2026-11-22T10:00:00.000Z', Demographic: { Platform: 'Web' } }));

/** A Pinpoint call as the route hands it over: its head, its body, and what its path names. */
interface Call {
  head: RequestHead;
  body: Buffer;
  target: PinpointTarget;
}

type Operation = 'PutEvents' | 'UpdateEndpoint' | 'GetEndpoint';

function unsigned(operation: Operation, appId = APP, endpointId = ENDPOINT): { method: string; path: string; body: Buffer; target: PinpointTarget } {
  switch (operation) {
    case 'PutEvents':
      return { method: 'POST', path: `/v1/apps/${appId}/events`, body: putEventsBody, target: { applicationId: appId } };
    case 'UpdateEndpoint':
      return { method: 'PUT', path: `/v1/apps/${appId}/endpoints/${endpointId}`, body: endpointBody, target: { applicationId: appId, endpointId } };
    case 'GetEndpoint':
      return { method: 'GET', path: `/v1/apps/${appId}/endpoints/${endpointId}`, body: Buffer.alloc(0), target: { applicationId: appId, endpointId } };
  }
}

/** `operation` signed by the AWS SDK v3's signer (`@aws-sdk/client-pinpoint`'s) with `key`, for `service`. */
async function sdkSigned(operation: Operation, key: Pick<DeviceKey, 'accessKeyId' | 'secretAccessKey'> = PINPOINT_KEY, options: { appId?: string; service?: string; endpointId?: string } = {}): Promise<Call> {
  const call = unsigned(operation, options.appId, options.endpointId);
  const headers: Record<string, string> = { host: HOST, ...(call.method === 'GET' ? {} : { 'content-type': 'application/json' }) };
  const signed = await signWithSmithy({ method: call.method, path: call.path, headers, ...(call.method === 'GET' ? {} : { body: call.body }) }, key, { at: NOW, ...(options.service === undefined ? {} : { service: options.service }) });
  return { head: { method: call.method, url: signed.url, headers: signed.headers }, body: call.body, target: call.target };
}

/** `operation` signed with aws4 over host and content-type, no x-amz-content-sha256 (the body hash is only in the signature). */
function aws4Signed(operation: Operation, key: Pick<DeviceKey, 'accessKeyId' | 'secretAccessKey'> = PINPOINT_KEY, service = 'mobiletargeting'): Call {
  const call = unsigned(operation);
  const headers = signWithAws4({ method: call.method, path: call.path, headers: { Host: HOST, 'Content-Type': 'application/json' }, body: call.body }, key, { at: NOW, signed: ['host', 'content-type'], service });
  return { head: { method: call.method, url: call.path, headers: Object.fromEntries(Object.entries(headers).map(([n, v]) => [n.toLowerCase(), v])) }, body: call.body, target: call.target };
}

/** 'admitted', or the status and code of the refusal, from the head step and (when `body`) the body step. */
function outcome(access: AccessControl, call: Pick<Call, 'head' | 'target'> & { body?: Buffer }): string {
  try {
    const checkBody = access.admitPinpoint(call.head, call.target);
    if (call.body !== undefined) checkBody(call.body);
    return 'admitted';
  } catch (err: unknown) {
    return err instanceof ProxyError ? `${err.status} ${err.code}` : String(err);
  }
}

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (err: unknown) {
    return (err as Error).message;
  }
  return '';
}

const limits = (limitsConfig: Partial<RateLimitsConfig>): RateLimitsConfig => ({ client: undefined, app: undefined, ...limitsConfig });

describe('admitPinpoint with AUTH_MODE=sigv4: signatures for mobiletargeting', () => {
  const access = createAccessControl({ appIdAllowlist: undefined, rateLimiter: undefined, verifiers: createSigV4Verifiers(keys, () => NOW) });

  it.each<Operation>(['PutEvents', 'UpdateEndpoint', 'GetEndpoint'])('admits %s signed by the AWS SDK v3 signer', async (operation) => {
    expect(outcome(access, await sdkSigned(operation))).toBe('admitted');
  });

  it.each<Operation>(['PutEvents', 'UpdateEndpoint'])('admits %s signed by aws4, and refuses it once its body is changed', (operation) => {
    const call = aws4Signed(operation);
    expect(outcome(access, call)).toBe('admitted');
    expect(outcome(access, { ...call, body: Buffer.from(call.body.toString().replace('2026-11-22', '2026-11-23')) })).toBe('403 InvalidSignatureException');
  });

  it('refuses a tampered body signed by the SDK (x-amz-content-sha256 no longer matches it)', async () => {
    const call = await sdkSigned('PutEvents');
    expect(outcome(access, { ...call, body: Buffer.from(call.body.toString().replace('pageView', 'pageVieW')) })).toBe('403 XAmzContentSHA256Mismatch');
  });

  it("refuses a request signed for the legacy service 'mobileanalytics', naming 'mobiletargeting'; the legacy route refuses 'mobiletargeting', naming 'mobileanalytics'", async () => {
    const legacySigned = await sdkSigned('PutEvents', PINPOINT_KEY, { service: 'mobileanalytics' });
    expect(outcome(access, legacySigned)).toBe('403 InvalidSignatureException');
    expect(messageOf(() => access.admitPinpoint(legacySigned.head, legacySigned.target))).toBe("The credential must be scoped to the service 'mobiletargeting'.");
    expect(outcome(access, aws4Signed('PutEvents', PINPOINT_KEY, 'mobileanalytics'))).toBe('403 InvalidSignatureException');

    const clientContext = JSON.stringify({ client: { client_id: 'c1' }, services: { mobile_analytics: { app_id: 'ma-app-js' } } });
    const body = Buffer.from('{"events":[]}');
    const headers = signWithAws4({ path: '/2014-06-05/events', headers: { Host: HOST, 'x-amz-Client-Context': clientContext }, body }, FLEET_KEY, { at: NOW, signed: ['host', 'x-amz-client-context'], service: 'mobiletargeting' });
    const legacyHead: RequestHead = { method: 'POST', url: '/2014-06-05/events', headers: Object.fromEntries(Object.entries(headers).map(([n, v]) => [n.toLowerCase(), v])) };
    expect(messageOf(() => access.admit(legacyHead))).toBe("The credential must be scoped to the service 'mobileanalytics'.");
  });

  it("takes the application id from the path: a key must list the path's {ApplicationId}", async () => {
    expect(messageOf(() => access.admitPinpoint(aws4Signed('PutEvents', FLEET_KEY).head, { applicationId: APP }))).toBe(`This access key may not be used for the application id '${APP}'.`);
    expect(outcome(access, await sdkSigned('UpdateEndpoint', OTHER_APP_KEY))).toBe('403 AccessDeniedException');
    // A key given OTHER_APP, signing a path of OTHER_APP: the key's app ids are what count, not the path alone.
    const otherKeys: AccessKeys = new Map([[PINPOINT_KEY.accessKeyId, { secret: PINPOINT_KEY.secretAccessKey, appIds: new Set([OTHER_APP]) }]]);
    const onlyOther = createAccessControl({ appIdAllowlist: undefined, rateLimiter: undefined, verifiers: createSigV4Verifiers(otherKeys, () => NOW) });
    expect(outcome(onlyOther, await sdkSigned('PutEvents', PINPOINT_KEY, { appId: OTHER_APP }))).toBe('admitted');
    expect(outcome(onlyOther, await sdkSigned('PutEvents'))).toBe('403 AccessDeniedException');
  });

  it('admits a presigned request on a Pinpoint route; the legacy route still refuses presigned requests', () => {
    const call = unsigned('PutEvents');
    const url = presignWithAws4({ method: 'POST', path: `/v1/apps/${APP}/events/legacy`, headers: { host: HOST }, body: call.body }, PINPOINT_KEY, { at: NOW });
    expect(outcome(access, { head: { method: 'POST', url, headers: { host: HOST } }, body: call.body, target: call.target })).toBe('admitted');
    const legacyPresigned: RequestHead = { method: 'POST', url: `/2014-06-05/events?${url.split('?')[1] ?? ''}`, headers: { host: HOST, 'x-amz-client-context': JSON.stringify({ services: { mobile_analytics: { app_id: 'ma-app-js' } } }) } };
    expect(messageOf(() => access.admit(legacyPresigned))).toMatch(/^Presigned \(query-string\) requests are not accepted/);
  });
});

describe('admitPinpoint: the allowlist and the rate limits', () => {
  it("refuses an application id the allowlist does not list, from the path, before the rate limits (a refused app spends no tokens)", () => {
    const clock = createFakeClock(NOW);
    const access = createAccessControl({ appIdAllowlist: new Set([APP]), rateLimiter: createRateLimiter(limits({ app: { perSecond: 1, burst: 1 } }), clock.now), verifiers: undefined });
    const head: RequestHead = { method: 'POST', url: `/v1/apps/${OTHER_APP}/events`, headers: {} };
    expect(outcome(access, { head, target: { applicationId: OTHER_APP } })).toBe('403 AccessDeniedException');
    expect(messageOf(() => access.admitPinpoint(head, { applicationId: OTHER_APP }))).toBe(`The application id '${OTHER_APP}' is not accepted by this endpoint.`);
    expect(outcome(access, { head, target: { applicationId: APP } })).toBe('admitted');
    expect(outcome(access, { head, target: { applicationId: APP } })).toBe('503 RateLimited');
  });

  it('checks the signature head before the rate limits: a request with an unknown key spends no tokens', async () => {
    const clock = createFakeClock(NOW);
    const access = createAccessControl({ appIdAllowlist: undefined, rateLimiter: createRateLimiter(limits({ app: { perSecond: 1, burst: 1 } }), clock.now), verifiers: createSigV4Verifiers(keys, clock.now) });
    expect(outcome(access, await sdkSigned('PutEvents', { accessKeyId: 'AKIDNOTINTHEFILE0001', secretAccessKey: 'x'.repeat(20) }))).toBe('403 UnrecognizedClientException');
    expect(outcome(access, await sdkSigned('PutEvents'))).toBe('admitted');
    expect(outcome(access, await sdkSigned('PutEvents'))).toBe('503 RateLimited');
  });

  it("limits by the path's endpoint id (UpdateEndpoint, GetEndpoint), per application; PutEvents, which names none, only by the app", async () => {
    const clock = createFakeClock(NOW);
    const access = createAccessControl({ appIdAllowlist: undefined, rateLimiter: createRateLimiter(limits({ client: { perSecond: 1, burst: 1 } }), clock.now), verifiers: undefined });
    const at = (op: Operation, appId = APP, endpointId = ENDPOINT): Pick<Call, 'head' | 'target'> => {
      const call = unsigned(op, appId, endpointId);
      return { head: { method: call.method, url: call.path, headers: {} }, target: call.target };
    };
    expect(outcome(access, at('UpdateEndpoint'))).toBe('admitted');
    expect(outcome(access, at('GetEndpoint'))).toBe('503 RateLimited');
    expect(outcome(access, at('UpdateEndpoint', APP, 'another-endpoint'))).toBe('admitted');
    expect(outcome(access, at('UpdateEndpoint', OTHER_APP))).toBe('admitted');
    for (let i = 0; i < 3; i += 1) expect(outcome(access, at('PutEvents'))).toBe('admitted');
    await clock.advance(1000);
    expect(outcome(access, at('GetEndpoint'))).toBe('admitted');
  });

  it('limits by the application id of the path', () => {
    const clock = createFakeClock(NOW);
    const access = createAccessControl({ appIdAllowlist: undefined, rateLimiter: createRateLimiter(limits({ app: { perSecond: 1, burst: 2 } }), clock.now), verifiers: undefined });
    const put = (applicationId: string): Pick<Call, 'head' | 'target'> => ({ head: { method: 'POST', url: `/v1/apps/${applicationId}/events`, headers: {} }, target: { applicationId } });
    expect([outcome(access, put(APP)), outcome(access, put(APP)), outcome(access, put(APP))]).toEqual(['admitted', 'admitted', '503 RateLimited']);
    expect(outcome(access, put(OTHER_APP))).toBe('admitted');
  });

  it("shares a device's bucket between the routes: a legacy client id is its Pinpoint endpoint id", () => {
    const clock = createFakeClock(NOW);
    const access = createAccessControl({ appIdAllowlist: undefined, rateLimiter: createRateLimiter(limits({ client: { perSecond: 1, burst: 1 } }), clock.now), verifiers: undefined });
    const clientContext = JSON.stringify({ client: { client_id: ENDPOINT }, services: { mobile_analytics: { app_id: APP } } });
    access.admit({ method: 'POST', url: '/2014-06-05/events', headers: { 'x-amz-client-context': clientContext } });
    const call = unsigned('UpdateEndpoint');
    expect(outcome(access, { head: { method: call.method, url: call.path, headers: {} }, target: call.target })).toBe('503 RateLimited');
  });
});

describe('admitPinpoint with its settings off', () => {
  /** A head whose every read throws: passing it shows the checks read nothing of the request. */
  const unreadable = new Proxy({} as RequestHead, {
    get() {
      throw new Error('the head was read');
    },
  });

  it('costs nothing when every check is off: the head is not read, and the body check checks nothing', () => {
    const access = createAccessControl({ appIdAllowlist: undefined, rateLimiter: undefined, verifiers: undefined });
    const checkBody = access.admitPinpoint(unreadable, { applicationId: APP, endpointId: ENDPOINT });
    expect(() => checkBody(Buffer.from('anything'))).not.toThrow();
  });

  it('reads only the path’s ids, never the head, with the allowlist and rate limits on but AUTH_MODE off', () => {
    const clock = createFakeClock(NOW);
    const access = createAccessControl({
      appIdAllowlist: new Set([APP]),
      rateLimiter: createRateLimiter(limits({ client: { perSecond: 1, burst: 5 }, app: { perSecond: 1, burst: 5 } }), clock.now),
      verifiers: undefined,
    });
    expect(outcome(access, { head: unreadable, target: { applicationId: APP, endpointId: ENDPOINT }, body: Buffer.from('x') })).toBe('admitted');
  });
});
