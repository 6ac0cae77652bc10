import { writeFileSync } from 'node:fs';
import path from 'node:path';
import aws4 from 'aws4';
import type AWS from 'aws-sdk';
import type { ClientFixture } from '../fixtures/clients/device-request';
import type { AwsSdkV2 } from './legacy-clients';

/** An access key a test fleet is given (AUTH_MODE=sigv4), with the app ids it may send for. */
export interface DeviceKey {
  accessKeyId: string;
  secretAccessKey: string;
  appIds: string[];
}

/** The fleet's key: every app id of the client fixtures and of the real-client helpers. */
export const FLEET_KEY: DeviceKey = {
  accessKeyId: 'AKIDFLEETDEVICES0001',
  secretAccessKey: 'fleet-secret/key+for-device-tests',
  appIds: ['ma-app-rawsdk', 'ma-app-android', 'ma-app-ios', 'ma-app-js', 'ma-app-jslib', 'app-1'],
};

/** Another valid key, for another app only. */
export const OTHER_APP_KEY: DeviceKey = {
  accessKeyId: 'AKIDOTHERAPPKEY00002',
  secretAccessKey: 'other-app-secret-key-000000002',
  appIds: ['ma-app-other'],
};

/** `keys` as `AUTH_CREDENTIALS_FILE` holds them. */
export function credentialsJson(keys: readonly DeviceKey[]): string {
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k.accessKeyId, { secret: k.secretAccessKey, appIds: k.appIds }])), null, 2);
}

/** Writes `keys` to `credentials.json` in `dir` and returns its path. */
export function writeCredentialsFile(dir: string, keys: readonly DeviceKey[] = [FLEET_KEY, OTHER_APP_KEY]): string {
  const file = path.join(dir, 'credentials.json');
  writeFileSync(file, credentialsJson(keys));
  return file;
}

/** `YYYYMMDDTHHMMSSZ` of a Unix ms time. */
export function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[:-]|\.\d{3}/g, '');
}

/** The signed header names of a SigV4 Authorization header. */
export function signedHeaderNames(authorization: string): string[] {
  return (/SignedHeaders=([^,\s]+)/.exec(authorization)?.[1] ?? '').split(';');
}

/**
 * Signs a request the way a device holding `key` would, with aws4: SigV4 for `mobileanalytics`
 * in `region`, dated `at`, over the headers named in `signed` (the others are sent unsigned) and
 * the body bytes as given. Returns the headers with `X-Amz-Date` and `Authorization`.
 */
export function signWithAws4(
  request: { path: string; headers: Record<string, string>; body: Buffer },
  key: Pick<DeviceKey, 'accessKeyId' | 'secretAccessKey'>,
  options: { at: number; signed: readonly string[]; region?: string },
): Record<string, string> {
  const headers: Record<string, string> = { ...request.headers, 'X-Amz-Date': amzDate(options.at) };
  const names = [...new Set([...options.signed.map((n) => n.toLowerCase()), 'x-amz-date'])];
  const toSign = Object.fromEntries(Object.entries(headers).filter(([name]) => names.includes(name.toLowerCase())));
  const signing: aws4.Request & { extraHeadersToInclude: Record<string, boolean> } = {
    method: 'POST',
    path: request.path,
    headers: toSign,
    body: request.body,
    service: 'mobileanalytics',
    region: options.region ?? 'us-east-1',
    doNotModifyHeaders: true,
    extraHeadersToInclude: Object.fromEntries(names.map((n) => [n, true])),
  };
  const signer = new aws4.RequestSigner(signing, { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey });
  signer.datetime = headers['X-Amz-Date'];
  signer.sign();
  return { ...headers, Authorization: String(signer.request.headers?.['Authorization']) };
}

/**
 * A client fixture as the same client generation would send it holding `key` at time `at`: its
 * own headers and body bytes, its own list of signed headers, but a long-term key (no session
 * token) and a fresh X-Amz-Date.
 */
export function resignFixture(fixture: ClientFixture, key: Pick<DeviceKey, 'accessKeyId' | 'secretAccessKey'>, at: number): ClientFixture {
  const { Authorization: original, ...rest } = fixture.headers;
  const headers = Object.fromEntries(Object.entries(rest).filter(([name]) => !/^x-amz-(security-token|date)$/i.test(name)));
  const signed = signedHeaderNames(original ?? '').filter((n) => n !== 'x-amz-security-token');
  return { ...fixture, headers: signWithAws4({ path: fixture.path, headers, body: fixture.body }, key, { at, signed }) };
}

/**
 * What the real aws-sdk v2 (any version) `MobileAnalytics.putEvents` puts on the wire, signed by
 * its own SigV4 signer with `key` now (the real clock: aws-sdk 2.96.0 has no per-client clock
 * offset), without sending it.
 */
export function sdkSignedRequest(
  sdk: AwsSdkV2,
  key: Pick<DeviceKey, 'accessKeyId' | 'secretAccessKey'>,
  params: AWS.MobileAnalytics.PutEventsInput,
  endpoint = 'http://127.0.0.1:8080',
): Promise<{ method: string; path: string; headers: Record<string, string>; body: Buffer }> {
  const client = new sdk.MobileAnalytics({
    endpoint,
    region: 'us-east-1',
    credentials: new sdk.Credentials(key.accessKeyId, key.secretAccessKey),
    maxRetries: 0,
  });
  // runTo is aws-sdk v2's own (untyped) way to run a request's states up to one: 'send' comes right after signing.
  const request = client.putEvents(params) as AWS.Request<unknown, AWS.AWSError> & { runTo(state: string, done: (err: unknown) => void): void };
  return new Promise((resolve, reject) => {
    request.runTo('send', (err: unknown) => {
      if (err) {
        reject(err instanceof Error ? err : new Error('aws-sdk could not build the request'));
        return;
      }
      const http = request.httpRequest;
      const headers = Object.fromEntries(Object.entries(http.headers).map(([name, value]) => [name.toLowerCase(), String(value)]));
      resolve({ method: http.method, path: http.path, headers, body: Buffer.from(http.body) });
    });
  });
}

