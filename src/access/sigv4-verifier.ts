import { createHash, timingSafeEqual } from 'node:crypto';
import aws4 from 'aws4';
import { BadRequestError, ForbiddenError } from '../errors';
import type { AccessKeys } from './access-keys';
import { headerValue, type RequestHead } from './request-head';
import { parseAuthorization } from './sigv4-authorization';

/** The service legacy clients sign for (the Mobile Analytics model has no signing name). */
export const SIGNING_SERVICE = 'mobileanalytics';

/** How far X-Amz-Date may be from our clock, either way: AWS's own window. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Query parameters of a presigned (query-string) SigV4 request. */
const PRESIGNED = /[?&]X-Amz-(Signature|Credential)=/i;

/** Checks a request's body against the signature; throws a ForbiddenError when they do not match. */
export type BodyCheck = (body: Buffer) => void;

/**
 * Checks a request's SigV4 signature in two steps: what the head says, before the body is read
 * (returns the second step), and the signature over the body, after it is read.
 */
export type SigV4Verifier = (head: RequestHead, appId: string | undefined) => BodyCheck;

function refused(code: string, message: string): ForbiddenError {
  return new ForbiddenError(message, { code });
}

/** Unix ms of an `X-Amz-Date` (`YYYYMMDDTHHMMSSZ`), or undefined when it is not one. */
function parseAmzDate(text: string): number | undefined {
  const match = AMZ_DATE.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  return new Date(ms).getUTCDate() === d ? ms : undefined;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/[:-]|\.\d{3}/g, '');
}

/**
 * Verifies the device's AWS Signature Version 4 against `AUTH_CREDENTIALS_FILE`'s keys: service
 * `mobileanalytics`, any region (the credential scope's), `X-Amz-Date` within
 * `MAX_CLOCK_SKEW_MS` of `now`, the key allowed for the client context's app id. Over the body,
 * the signature is recomputed with aws4 for the request as received: method, path and query,
 * the headers the Authorization header lists (the client context among them when the client
 * signed it), and the hash of the body bytes as sent (gzipped or not; `x-amz-content-sha256`,
 * when sent, must be that hash); then compared in constant time. Presigned (query-string)
 * requests are refused: no legacy client sends them, and a POST body cannot be presigned.
 * Messages name the reason, never the key id, the signature nor the secret.
 */
export function createSigV4Verifier(keys: AccessKeys, now: () => number): SigV4Verifier {
  return (head, appId) => {
    const header = headerValue(head, 'authorization');
    if (header === undefined || header.trim() === '') {
      if (PRESIGNED.test(head.url)) {
        throw refused('MissingAuthenticationTokenException', 'Presigned (query-string) requests are not accepted: sign with an Authorization header.');
      }
      throw refused('MissingAuthenticationTokenException', 'The request is not signed: this endpoint needs an AWS Signature Version 4 Authorization header.');
    }
    const auth = parseAuthorization(header);
    if (auth.service !== SIGNING_SERVICE) throw refused('InvalidSignatureException', `The credential must be scoped to the service '${SIGNING_SERVICE}'.`);
    if (!auth.signedHeaders.includes('host')) throw refused('InvalidSignatureException', "'host' must be a signed header.");
    const amzDate = headerValue(head, 'x-amz-date')?.trim() ?? '';
    const signedAt = parseAmzDate(amzDate);
    if (signedAt === undefined) throw refused('IncompleteSignatureException', 'X-Amz-Date is missing or not a YYYYMMDDTHHMMSSZ date.');
    if (auth.date !== amzDate.slice(0, 8)) throw refused('InvalidSignatureException', "The credential scope's date is not X-Amz-Date's.");
    const serverTime = now();
    if (Math.abs(serverTime - signedAt) > MAX_CLOCK_SKEW_MS) {
      throw refused('RequestTimeTooSkewed', `The signature's X-Amz-Date ${amzDate} is more than 15 minutes from the server's time ${iso(serverTime)}.`);
    }
    const key = keys.get(auth.accessKeyId);
    if (key === undefined) throw refused('UnrecognizedClientException', 'The access key is not known to this endpoint.');
    if (appId === undefined) throw new BadRequestError('The client context is invalid: it names no services.mobile_analytics.app_id.');
    if (!key.appIds.has(appId)) throw refused('AccessDeniedException', `This access key may not send events for the application id '${appId.slice(0, 100)}'.`);
    const signed: Record<string, string> = {};
    for (const name of auth.signedHeaders) {
      const value = headerValue(head, name);
      if (value === undefined) throw refused('InvalidSignatureException', `The signed header '${name}' is missing.`);
      signed[name] = value;
    }
    const claimedHash = headerValue(head, 'x-amz-content-sha256')?.trim();
    return (body) => {
      if (claimedHash !== undefined && claimedHash !== createHash('sha256').update(body).digest('hex')) {
        throw refused('XAmzContentSHA256Mismatch', 'x-amz-content-sha256 is not the SHA-256 of the body.');
      }
      // aws4 hashes the body unless the signed headers carry x-amz-content-sha256, then checked above.
      const request: aws4.Request & { extraHeadersToInclude: Record<string, boolean> } = {
        method: head.method,
        path: head.url,
        headers: signed,
        body,
        service: SIGNING_SERVICE,
        region: auth.region,
        doNotModifyHeaders: true,
        // aws4 leaves out some headers (user-agent, expect, ...) unless told: the client decided what it signed.
        extraHeadersToInclude: Object.fromEntries(auth.signedHeaders.map((name) => [name, true])),
      };
      const signer = new aws4.RequestSigner(request, { accessKeyId: auth.accessKeyId, secretAccessKey: key.secret });
      signer.datetime = amzDate;
      const expected = Buffer.from(signer.signature(), 'hex');
      if (!timingSafeEqual(expected, Buffer.from(auth.signature, 'hex'))) {
        throw refused('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.');
      }
    };
  };
}
