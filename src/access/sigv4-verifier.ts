import { createHash, timingSafeEqual } from 'node:crypto';
import aws4 from 'aws4';
import { BadRequestError, ForbiddenError } from '../errors';
import type { AccessKeys } from './access-keys';
import { headerValue, type RequestHead } from './request-head';
import { parseAuthorization, type SigV4Authorization } from './sigv4-authorization';
import { isPresigned, parsePresignedQuery } from './sigv4-presigned-query';

/** What a route's signatures must be: the service they are scoped to, and whether one may be presigned. */
export interface SigningRules {
  readonly service: string;
  readonly acceptsPresigned: boolean;
}

/**
 * The legacy route: legacy clients sign for `mobileanalytics` (the Mobile Analytics model has no
 * other signing name), always with an Authorization header (a POST body cannot be presigned by
 * any legacy client).
 */
export const LEGACY_SIGNING: SigningRules = { service: 'mobileanalytics', acceptsPresigned: false };

/**
 * The Pinpoint-native routes: Pinpoint's signing name `mobiletargeting`; presigned requests
 * accepted, as Amplify JS v5 sends the web session's last events with `navigator.sendBeacon`,
 * which cannot set headers.
 */
export const PINPOINT_SIGNING: SigningRules = { service: 'mobiletargeting', acceptsPresigned: true };

/** How far X-Amz-Date may be from our clock, either way: AWS's own window. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Checks a request's body against the signature; throws a ForbiddenError when they do not match. */
export type BodyCheck = (body: Buffer) => void;

/**
 * Checks a request's SigV4 signature in two steps: what the head says, before the body is read
 * (returns the second step), and the signature over the body, after it is read.
 */
export type SigV4Verifier = (head: RequestHead, appId: string | undefined) => BodyCheck;

/** What a request's signature claims, wherever it was sent. */
interface SignatureClaim {
  authorization: SigV4Authorization;
  amzDate: string;
  /** A presigned request's `X-Amz-Expires` in seconds; undefined for a header signature (and a presigned request without one). */
  expiresSeconds: number | undefined;
  /** The path and query the signature covers. */
  signedUrl: string;
}

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

/** Unix ms as SigV4's `X-Amz-Date`, `YYYYMMDDTHHMMSSZ`. */
export function toAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[:-]|\.\d{3}/g, '');
}

/**
 * The signature a request carries: its Authorization header when it has one (that signature
 * covers the whole query, so a query that also looks presigned changes nothing), else its
 * presigned query where the rules accept one.
 */
function readClaim(head: RequestHead, rules: SigningRules): SignatureClaim {
  const header = headerValue(head, 'authorization');
  if (header !== undefined && header.trim() !== '') {
    return { authorization: parseAuthorization(header), amzDate: headerValue(head, 'x-amz-date')?.trim() ?? '', expiresSeconds: undefined, signedUrl: head.url };
  }
  if (isPresigned(head.url)) {
    if (!rules.acceptsPresigned) {
      throw refused('MissingAuthenticationTokenException', 'Presigned (query-string) requests are not accepted on this path: sign with an Authorization header.');
    }
    return parsePresignedQuery(head.url);
  }
  const how = rules.acceptsPresigned ? 'an AWS Signature Version 4 Authorization header or presigned query' : 'an AWS Signature Version 4 Authorization header';
  throw refused('MissingAuthenticationTokenException', `The request is not signed: this endpoint needs ${how}.`);
}

/**
 * When a signature dated `signedAt` may be used: within `MAX_CLOCK_SKEW_MS` of our clock either
 * way, or, for a presigned request with `X-Amz-Expires`, from that much before X-Amz-Date until
 * X-Amz-Date + X-Amz-Expires.
 */
function checkTime(signedAt: number, claim: SignatureClaim, serverTime: number): void {
  const tooEarly = signedAt - serverTime > MAX_CLOCK_SKEW_MS;
  const tooLate = claim.expiresSeconds === undefined && serverTime - signedAt > MAX_CLOCK_SKEW_MS;
  if (tooEarly || tooLate) {
    throw refused('RequestTimeTooSkewed', `The signature's X-Amz-Date ${claim.amzDate} is more than 15 minutes from the server's time ${toAmzDate(serverTime)}.`);
  }
  if (claim.expiresSeconds !== undefined && serverTime > signedAt + claim.expiresSeconds * 1000) {
    // AWS's wording: SDKs recognise "Signature expired" as a clock problem.
    throw refused('InvalidSignatureException', `Signature expired: the presigned request was valid until ${toAmzDate(signedAt + claim.expiresSeconds * 1000)}; the server's time is ${toAmzDate(serverTime)}.`);
  }
}

/**
 * Verifies the device's AWS Signature Version 4 against `AUTH_CREDENTIALS_FILE`'s keys: scoped to
 * `rules.service`, any region (the credential scope's), X-Amz-Date within `MAX_CLOCK_SKEW_MS` of
 * `now` (a presigned request with X-Amz-Expires: not yet expired), the key allowed for `appId`.
 * Over the body, the signature is recomputed with aws4 for the request as received: method, path
 * and query (less X-Amz-Signature when presigned: SigV4's canonical query of a presigned request
 * is every other parameter), the headers the signature lists, and the hash of the body bytes as
 * sent (gzipped or not; `x-amz-content-sha256`, when sent, must be that hash, so UNSIGNED-PAYLOAD
 * is refused: a presigned URL must not carry any body its holder likes); then compared in
 * constant time. Messages name the reason, never the key id, the signature nor the secret.
 */
export function createSigV4Verifier(keys: AccessKeys, now: () => number, rules: SigningRules): SigV4Verifier {
  return (head, appId) => {
    const claim = readClaim(head, rules);
    const { authorization: auth, amzDate } = claim;
    if (auth.service !== rules.service) throw refused('InvalidSignatureException', `The credential must be scoped to the service '${rules.service}'.`);
    if (!auth.signedHeaders.includes('host')) throw refused('InvalidSignatureException', "'host' must be a signed header.");
    const signedAt = parseAmzDate(amzDate);
    if (signedAt === undefined) throw refused('IncompleteSignatureException', 'X-Amz-Date is missing or not a YYYYMMDDTHHMMSSZ date.');
    if (auth.date !== amzDate.slice(0, 8)) throw refused('InvalidSignatureException', "The credential scope's date is not X-Amz-Date's.");
    checkTime(signedAt, claim, now());
    const key = keys.get(auth.accessKeyId);
    if (key === undefined) throw refused('UnrecognizedClientException', 'The access key is not known to this endpoint.');
    if (appId === undefined) throw new BadRequestError('The client context is invalid: it names no services.mobile_analytics.app_id.');
    if (!key.appIds.has(appId)) throw refused('AccessDeniedException', `This access key may not be used for the application id '${appId.slice(0, 100)}'.`);
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
        path: claim.signedUrl,
        headers: signed,
        body,
        service: rules.service,
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

/** The verifiers of `AUTH_MODE=sigv4`, one per kind of route, over the same keys. */
export interface SigV4Verifiers {
  legacy: SigV4Verifier;
  pinpoint: SigV4Verifier;
}

export function createSigV4Verifiers(keys: AccessKeys, now: () => number): SigV4Verifiers {
  return { legacy: createSigV4Verifier(keys, now, LEGACY_SIGNING), pinpoint: createSigV4Verifier(keys, now, PINPOINT_SIGNING) };
}
