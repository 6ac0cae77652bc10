import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Sha256Js } from '@smithy/core/checksum';
import { buildQueryString } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
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

/** A key for Pinpoint-native senders: one Pinpoint application id (32 hex digits, as Pinpoint makes them). */
export const PINPOINT_KEY: DeviceKey = {
  accessKeyId: 'AKIDPINPOINTWEB00003',
  secretAccessKey: 'pinpoint-web-secret/key+for-beacon-tests',
  appIds: ['0123456789abcdef0123456789abcdef'],
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
 * Signs a request the way a device holding `key` would, with aws4: SigV4 for `service`
 * (`mobileanalytics` unless told) in `region`, dated `at`, over the headers named in `signed` (the
 * others are sent unsigned) and the body bytes as given. Returns the headers with `X-Amz-Date` and
 * `Authorization`.
 */
export function signWithAws4(
  request: { method?: string; path: string; headers: Record<string, string>; body: Buffer },
  key: Pick<DeviceKey, 'accessKeyId' | 'secretAccessKey'>,
  options: { at: number; signed: readonly string[]; region?: string; service?: string },
): Record<string, string> {
  const headers: Record<string, string> = { ...request.headers, 'X-Amz-Date': amzDate(options.at) };
  const names = [...new Set([...options.signed.map((n) => n.toLowerCase()), 'x-amz-date'])];
  const toSign = Object.fromEntries(Object.entries(headers).filter(([name]) => names.includes(name.toLowerCase())));
  const signing: aws4.Request & { extraHeadersToInclude: Record<string, boolean> } = {
    method: request.method ?? 'POST',
    path: request.path,
    headers: toSign,
    body: request.body,
    service: options.service ?? 'mobileanalytics',
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


/** A request to sign for a Pinpoint-native route: `headers` must hold `host`, lower-case names. */
export interface PinpointRequestToSign {
  method: string;
  /** The path without a query. */
  path: string;
  query?: Record<string, string>;
  headers: Record<string, string>;
  body?: Buffer;
}

/** How a test device signs: when, for which service (Pinpoint's `mobiletargeting` unless told), in which region, with which session token. */
export interface SigningOptions {
  at: number;
  service?: string;
  region?: string;
  sessionToken?: string;
}

type SmithyRequest = Parameters<SignatureV4['presign']>[0];

function smithySigner(key: Pick<DeviceKey, 'accessKeyId' | 'secretAccessKey'>, options: SigningOptions): SignatureV4 {
  return new SignatureV4({
    service: options.service ?? 'mobiletargeting',
    region: options.region ?? 'us-east-1',
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, ...(options.sessionToken === undefined ? {} : { sessionToken: options.sessionToken }) },
    // The SDK's pure-JS SHA-256: nothing shared with node:crypto, which the verifier uses.
    sha256: Sha256Js,
  });
}

function smithyRequest(request: PinpointRequestToSign): SmithyRequest {
  const host = request.headers['host'] ?? '';
  return { method: request.method, protocol: 'https:', hostname: host, path: request.path, query: { ...request.query }, headers: { ...request.headers }, ...(request.body === undefined ? {} : { body: request.body }) };
}

/** The path and query as the SDK's HTTP handler puts them on the wire. */
function wireUrl(path: string, query: SmithyRequest['query']): string {
  const text = query === undefined ? '' : buildQueryString(query);
  return text === '' ? path : `${path}?${text}`;
}

/**
 * Signs a Pinpoint-native request as the AWS SDK v3 does (`@smithy/signature-v4`, what
 * `@aws-sdk/client-pinpoint` runs): an Authorization header over every header given, X-Amz-Date
 * and x-amz-content-sha256 (the body's hash) added. Returns the path and query, and the headers as sent.
 */
export async function signWithSmithy(
  request: PinpointRequestToSign,
  key: Pick<DeviceKey, 'accessKeyId' | 'secretAccessKey'>,
  options: SigningOptions,
): Promise<{ url: string; headers: Record<string, string> }> {
  const signed = await smithySigner(key, options).sign(smithyRequest(request), { signingDate: new Date(options.at) });
  return { url: wireUrl(signed.path, signed.query), headers: signed.headers };
}

/**
 * Presigns a Pinpoint-native request with `@smithy/signature-v4`'s `presign` (X-Amz-Expires
 * `expiresIn` seconds, the body's hash signed, as the SDK computes it). Returns the path and query.
 */
export async function presignWithSmithy(
  request: PinpointRequestToSign,
  key: Pick<DeviceKey, 'accessKeyId' | 'secretAccessKey'>,
  options: SigningOptions & { expiresIn: number },
): Promise<string> {
  const presigned = await smithySigner(key, options).presign(smithyRequest(request), { signingDate: new Date(options.at), expiresIn: options.expiresIn });
  return wireUrl(presigned.path, presigned.query);
}

/**
 * Presigns a request with aws4 (`signQuery`) in the shape Amplify JS v5's sendBeacon sends:
 * only `host` signed, the SHA-256 of the body as the payload hash, the session token (if any)
 * among the signed parameters, and no X-Amz-Expires unless `expires` is given (aws4 adds one only
 * for S3). Returns the path and query.
 */
export function presignWithAws4(
  request: PinpointRequestToSign,
  key: Pick<DeviceKey, 'accessKeyId' | 'secretAccessKey'>,
  options: SigningOptions & { expires?: number },
): string {
  const query = new URLSearchParams(request.query);
  if (options.expires !== undefined) query.set('X-Amz-Expires', String(options.expires));
  const queryText = query.toString();
  const signing: aws4.Request & { signQuery: boolean } = {
    method: request.method,
    path: queryText === '' ? request.path : `${request.path}?${queryText}`,
    headers: { host: request.headers['host'] ?? '' },
    body: request.body ?? '',
    service: options.service ?? 'mobiletargeting',
    region: options.region ?? 'us-east-1',
    signQuery: true,
    doNotModifyHeaders: true,
  };
  const signer = new aws4.RequestSigner(signing, {
    accessKeyId: key.accessKeyId,
    secretAccessKey: key.secretAccessKey,
    ...(options.sessionToken === undefined ? {} : { sessionToken: options.sessionToken }),
  });
  signer.datetime = amzDate(options.at);
  return String(signer.sign().path);
}
