import aws4 from 'aws4';
import { LEGACY_SIGNING, PINPOINT_SIGNING, toAmzDate } from '../access/sigv4-verifier';
import { recordableUrl } from '../recording/recording-line';
import { isPinpointCall, replayCallOf } from './replay-call';

/** AWS credentials as the standard chain resolves them. */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** The SigV4 service legacy Mobile Analytics requests are signed for (the one the service verifies). */
export const LEGACY_SIGNING_SERVICE = LEGACY_SIGNING.service;

/** The SigV4 service Pinpoint API requests are signed for (the Pinpoint model's signing name). */
export const PINPOINT_SIGNING_SERVICE = PINPOINT_SIGNING.service;

/** Headers of the recorded signature, replaced by the new one (a stale date or token would void it). */
const SIGNATURE_HEADERS = new Set(['authorization', 'x-amz-date', 'x-amz-security-token']);

/**
 * The service a request is signed for: `mobiletargeting` for a Pinpoint call, `mobileanalytics`
 * for a legacy PutEvents (and for a request replay does not know, as every request was signed
 * before replay knew Pinpoint calls).
 */
export function signingServiceOf(method: string, url: string): string {
  const call = replayCallOf(method, url);
  return call !== undefined && isPinpointCall(call) ? PINPOINT_SIGNING_SERVICE : LEGACY_SIGNING_SERVICE;
}

/** What to sign: the request as it will be sent (headers with `host` and `content-length`). */
export interface RequestToSign {
  readonly method: string;
  /** Path and query on the target. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** Where a signature is valid: the credential scope's region and service. */
export interface SigningScope {
  readonly region: string;
  readonly service: string;
}

/**
 * Signs a request again with SigV4 for `scope` (aws4), at `now`, always with an Authorization
 * header: the recorded `Authorization`, `X-Amz-Date` and `X-Amz-Security-Token` are replaced, and
 * the query parameters of a presigned request (a HAR capture of Amplify JS's sendBeacon still has
 * them; a recording never does) are removed, so the request carries one signature, the new one.
 * The session token of temporary credentials is added, and every other header sent is signed as
 * it is (aws4 leaves out only those a proxy may change, such as `user-agent`). Nothing else is
 * added: aws4 would otherwise invent a `Content-Type` for a body sent without one. Returns the
 * headers and the path (aws4 normalizes a query's encoding) to send.
 */
export function signRequest(request: RequestToSign, scope: SigningScope, credentials: SigningCredentials, now: number): { path: string; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (!SIGNATURE_HEADERS.has(name.toLowerCase())) headers[name] = value;
  }
  const date = toAmzDate(now);
  headers['x-amz-date'] = date;
  if (credentials.sessionToken !== undefined) headers['x-amz-security-token'] = credentials.sessionToken;
  const path = recordableUrl(request.path);
  const signer = new aws4.RequestSigner(
    { method: request.method, host: headers['host'], path, headers, body: request.body, service: scope.service, region: scope.region, doNotModifyHeaders: true },
    credentials,
  );
  signer.datetime = date;
  const signed = signer.sign();
  return { path: signed.path ?? path, headers: { ...headers, authorization: String(signed.headers?.['Authorization']) } };
}
