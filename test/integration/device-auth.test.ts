import { gunzipSync, gzipSync } from 'node:zlib';
import AWS from 'aws-sdk';
import AWSLegacy from 'aws-sdk-legacy';
import { allClientFixtures } from '../fixtures/clients';
import { rawSdkClientContext } from '../fixtures/clients/aws-sdk-js';
import type { ClientFixture } from '../fixtures/clients/device-request';
import { createCaptureLogger } from '../support/capture-logger';
import { expectDeliveredIntact } from '../support/delivery-oracle';
import { FLEET_KEY, OTHER_APP_KEY, resignFixture, writeCredentialsFile, type DeviceKey } from '../support/device-keys';
import { pinpointStandInEnv, startInProcessProxy, type InProcessProxy } from '../support/in-process-proxy';
import { expectSdkSessionDelivered, replayFixture, sdkSessionEvents, type AwsSdkV2 } from '../support/legacy-clients';
import { waitFor } from '../support/legacy-sender';
import { startPinpointStandIn, type PinpointStandIn, type StandInEvent } from '../support/pinpoint-stand-in';
import { makeTempDir } from '../support/temp-dir';

/** A real aws-sdk v2 MobileAnalytics client holding a fleet key (no session token), aimed at the proxy. */
function keyedClient(sdk: AwsSdkV2, url: string, key: Pick<DeviceKey, 'accessKeyId' | 'secretAccessKey'>, options: AWS.MobileAnalytics.ClientConfiguration = {}): AWS.MobileAnalytics {
  return new sdk.MobileAnalytics({ endpoint: url, region: 'us-east-1', credentials: new sdk.Credentials(key.accessKeyId, key.secretAccessKey), maxRetries: 0, ...options });
}

const putSession = (client: AWS.MobileAnalytics): Promise<unknown> =>
  client.putEvents({ events: sdkSessionEvents, clientContext: JSON.stringify(rawSdkClientContext) }).promise();

/**
 * AUTH_MODE=sigv4 end to end, durable mode, the Pinpoint stand-in behind: what a key holder signs
 * (the real aws-sdk v2 client, every client generation's request re-signed with aws4) is stored
 * and delivered; everything else is answered 403 in its client kind's shape and stores nothing.
 */
describe('AUTH_MODE=sigv4: devices signing with a configured key', () => {
  const temp = makeTempDir();
  const logger = createCaptureLogger();
  let standIn: PinpointStandIn;
  let proxy: InProcessProxy;

  beforeAll(async () => {
    standIn = await startPinpointStandIn();
    proxy = await startInProcessProxy(
      {
        ...pinpointStandInEnv(standIn),
        ACK_MODE: 'durable',
        DATA_DIR: temp.dir,
        FORWARD_LINGER_MS: '20',
        AUTH_MODE: 'sigv4',
        AUTH_CREDENTIALS_FILE: writeCredentialsFile(temp.dir, [FLEET_KEY, OTHER_APP_KEY]),
        LOG_LEVEL: 'info',
      },
      logger,
    );
  });
  afterAll(async () => {
    await proxy?.close();
    await standIn?.close();
    temp.remove();
  });

  /** Waits until the spool is empty again, and returns what reached Pinpoint since `before`. */
  const drained = async (before: number): Promise<StandInEvent[]> => {
    await waitFor(() => proxy.deps.spool?.storedEvents() === 0, 20_000, 'spool drained');
    return standIn.delivered().slice(before);
  };

  it('says at start which checks guard the endpoint, counting keys, never naming them', () => {
    const line = logger.withMessage('access control')[0];
    expect(line?.fields).toEqual({ appIdAllowlist: 'off', clientRateLimit: 'off', appRateLimit: 'off', authMode: 'sigv4', accessKeys: 2 });
  });

  describe.each([
    ['aws-sdk 2.x', AWS],
    ['aws-sdk 2.96.0', AWSLegacy as unknown as typeof AWS],
  ])('the real %s MobileAnalytics client', (_name, sdk: AwsSdkV2) => {
    it('with the fleet key: 202, and Pinpoint gets every event intact', async () => {
      const before = standIn.delivered().length;
      const result = (await putSession(keyedClient(sdk, proxy.url, FLEET_KEY))) as { $response: AWS.Response<unknown, AWS.AWSError> };
      expect(result.$response.httpResponse.statusCode).toBe(202);
      expectSdkSessionDelivered(await drained(before));
    });

    it('with a wrong secret: InvalidSignatureException 403, not retried, nothing stored', async () => {
      const before = standIn.delivered().length;
      await expect(putSession(keyedClient(sdk, proxy.url, { ...FLEET_KEY, secretAccessKey: 'a-wrong-secret-for-the-fleet' }))).rejects.toMatchObject({
        statusCode: 403,
        code: 'InvalidSignatureException',
        retryable: false,
      });
      expect(proxy.deps.spool?.storedEvents()).toBe(0);
      expect(await drained(before)).toEqual([]);
    });

    it('with a key not in the file: UnrecognizedClientException 403', async () => {
      await expect(putSession(keyedClient(sdk, proxy.url, { accessKeyId: 'AKIDNOTINTHEFILE0001', secretAccessKey: FLEET_KEY.secretAccessKey }))).rejects.toMatchObject({
        statusCode: 403,
        code: 'UnrecognizedClientException',
      });
      expect(proxy.deps.spool?.storedEvents()).toBe(0);
    });

    it('with a key given for another app: AccessDeniedException 403', async () => {
      await expect(putSession(keyedClient(sdk, proxy.url, OTHER_APP_KEY))).rejects.toMatchObject({ statusCode: 403, code: 'AccessDeniedException' });
      expect(proxy.deps.spool?.storedEvents()).toBe(0);
    });
  });

  it('a client whose clock is 20 minutes slow gets RequestTimeTooSkewed; with correctClockSkew (as the JS library sets it) the SDK corrects its clock from the answer and succeeds', async () => {
    const slow = { systemClockOffset: -20 * 60_000 };
    await expect(putSession(keyedClient(AWS, proxy.url, FLEET_KEY, slow))).rejects.toMatchObject({ statusCode: 403, code: 'RequestTimeTooSkewed' });
    expect(proxy.deps.spool?.storedEvents()).toBe(0);
    const before = standIn.delivered().length;
    const corrected = keyedClient(AWS, proxy.url, FLEET_KEY, { ...slow, correctClockSkew: true, maxRetries: 1 });
    await putSession(corrected);
    expectSdkSessionDelivered(await drained(before));
  });

  describe.each(allClientFixtures().map((f) => [f.name, f] as const))('%s, re-signed with the fleet key (aws4)', (_name, fixture) => {
    const sign = (f: ClientFixture = fixture, key: Pick<DeviceKey, 'accessKeyId' | 'secretAccessKey'> = FLEET_KEY, at = Date.now()): ClientFixture => resignFixture(f, key, at);

    it('passes: an empty 202, and Pinpoint gets every event intact', async () => {
      const before = standIn.delivered().length;
      const answer = await replayFixture(proxy.url, sign());
      expect([answer.status, answer.body]).toEqual([202, '']);
      expectDeliveredIntact(fixture, standIn, await drained(before));
    });

    /** A second body: the first event's type changed by one character (gzipped again when the client gzips). */
    const tamperedBody = (f: ClientFixture): Buffer => {
      const gzipped = f.headers['Content-Encoding'] === 'gzip';
      const text = (gzipped ? gunzipSync(f.body) : f.body).toString('utf8').replace(f.events[0]?.eventType ?? '', 'tampered.event');
      return gzipped ? gzipSync(text) : Buffer.from(text);
    };

    const refusals: Array<[string, () => ClientFixture, string]> = [
      [
        'a tampered body',
        () => {
          const signed = sign();
          const body = tamperedBody(signed);
          return { ...signed, body, headers: { ...signed.headers, 'Content-Length': String(body.length) } };
        },
        fixture.headers['X-Amz-Content-Sha256'] === undefined ? 'InvalidSignatureException' : 'XAmzContentSHA256Mismatch',
      ],
      [
        'a tampered client context',
        () => {
          const signed = sign();
          const name = Object.keys(signed.headers).find((n) => n.toLowerCase() === 'x-amz-client-context') as string;
          const base64 = Object.keys(signed.headers).some((n) => n.toLowerCase() === 'x-amz-client-context-encoding');
          const context = { ...fixture.clientContext, client: { ...fixture.clientContext.client, client_id: 'someone-else' } };
          const text = JSON.stringify(context);
          return { ...signed, headers: { ...signed.headers, [name]: base64 ? Buffer.from(text).toString('base64') : text } };
        },
        'InvalidSignatureException',
      ],
      ['a key not in the file', () => sign(fixture, { accessKeyId: 'AKIDNOTINTHEFILE0001', secretAccessKey: FLEET_KEY.secretAccessKey }), 'UnrecognizedClientException'],
      ['a wrong secret', () => sign(fixture, { ...FLEET_KEY, secretAccessKey: 'a-wrong-secret-for-the-fleet' }), 'InvalidSignatureException'],
      ['a stale date (signed 20 minutes ago)', () => sign(fixture, FLEET_KEY, Date.now() - 20 * 60_000), 'RequestTimeTooSkewed'],
      [
        'no signature',
        () => {
          const { Authorization: _auth, ...headers } = sign().headers;
          return { ...fixture, headers };
        },
        'MissingAuthenticationTokenException',
      ],
    ];

    it.each(refusals)('refuses %s: 403 in its kind’s shape, nothing stored', async (_what, make, code) => {
      const before = standIn.delivered().length;
      const answer = await replayFixture(proxy.url, make());
      expect(answer.status).toBe(403);
      if (fixture.kind === 'ios') {
        // iOS gets 4xx errors bare: an error type would make it keep and resend the batch forever.
        expect([answer.body, answer.headers['x-amzn-errortype']]).toEqual(['', undefined]);
      } else {
        expect(answer.headers['x-amzn-errortype']).toBe(code);
        expect(JSON.parse(answer.body)).toMatchObject({ __type: code });
      }
      expect(proxy.deps.spool?.storedEvents()).toBe(0);
      expect(await drained(before)).toEqual([]);
    });
  });

  it('never writes a device credential to the log: no Authorization header, signature, key id or secret', () => {
    const logged = JSON.stringify(logger.lines);
    expect(logger.withMessage('request').length).toBeGreaterThan(50);
    for (const secret of [FLEET_KEY.secretAccessKey, FLEET_KEY.accessKeyId, OTHER_APP_KEY.secretAccessKey, OTHER_APP_KEY.accessKeyId, 'AWS4-HMAC-SHA256', 'Signature=']) {
      expect(logged).not.toContain(secret);
    }
    const refused = logger.withMessage('request').filter((l) => l.fields['status'] === 403);
    expect(new Set(refused.map((l) => l.fields['error']))).toEqual(
      new Set(['InvalidSignatureException', 'XAmzContentSHA256Mismatch', 'UnrecognizedClientException', 'AccessDeniedException', 'RequestTimeTooSkewed', 'MissingAuthenticationTokenException']),
    );
  });
});
