import { incompleteSignature, readSignatureParts, SIGV4_ALGORITHM, type SigV4Authorization } from './sigv4-authorization';

/** The longest validity SigV4 allows a presigned request, in seconds: 7 days. */
export const MAX_PRESIGNED_EXPIRES_SECONDS = 7 * 24 * 60 * 60;

/** What a presigned (query-string) SigV4 request says. */
export interface PresignedQuery {
  authorization: SigV4Authorization;
  /** `X-Amz-Date` as sent. */
  amzDate: string;
  /** `X-Amz-Expires`: seconds from X-Amz-Date; undefined when not sent (Amplify JS v5's beacon sends none). */
  expiresSeconds: number | undefined;
  /** The path and query the signature covers: as received, less `X-Amz-Signature`. */
  signedUrl: string;
}

const PRESIGNED = /[?&]X-Amz-(Signature|Credential)=/i;

/** Whether a request's query carries a presigned signature (or part of one). */
export function isPresigned(url: string): boolean {
  return PRESIGNED.test(url);
}

/** A query component decoded as form data is (`+` is a space); one that is not valid percent-encoding is kept as sent. */
function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

const QUERY_PARTS = { credential: 'X-Amz-Credential', signedHeaders: 'X-Amz-SignedHeaders', signature: 'X-Amz-Signature' };
const EXPIRES = /^[1-9]\d{0,6}$/;

/**
 * Reads a presigned request's `X-Amz-*` parameters (names as SigV4 spells them, each at most
 * once): `X-Amz-Algorithm` (AWS4-HMAC-SHA256), `X-Amz-Credential`, `X-Amz-Date`,
 * `X-Amz-SignedHeaders`, `X-Amz-Signature`, and `X-Amz-Expires` when sent (1 second to 7 days).
 * The signature covers every other parameter as sent, `X-Amz-Security-Token` included, so they
 * stay in `signedUrl` untouched: the canonical query is computed from them as from any query.
 * Refusals are `IncompleteSignatureException` and never quote a value.
 */
export function parsePresignedQuery(url: string): PresignedQuery {
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const pieces = queryStart === -1 ? [] : url.slice(queryStart + 1).split('&');
  const values = new Map<string, string[]>();
  const covered: string[] = [];
  for (const piece of pieces) {
    const equals = piece.indexOf('=');
    const name = decodeComponent(equals === -1 ? piece : piece.slice(0, equals));
    if (name.startsWith('X-Amz-')) values.set(name, [...(values.get(name) ?? []), decodeComponent(equals === -1 ? '' : piece.slice(equals + 1))]);
    if (name !== QUERY_PARTS.signature) covered.push(piece);
  }
  const only = (name: string): string | undefined => {
    const sent = values.get(name) ?? [];
    if (sent.length > 1) throw incompleteSignature(`A presigned request must carry ${name} once.`);
    return sent[0];
  };
  const required = (name: string): string => {
    const value = only(name);
    if (value === undefined) throw incompleteSignature(`A presigned request must carry ${name}.`);
    return value;
  };
  if (required('X-Amz-Algorithm') !== SIGV4_ALGORITHM) throw incompleteSignature(`X-Amz-Algorithm must be ${SIGV4_ALGORITHM} (AWS Signature Version 4).`);
  const authorization = readSignatureParts(
    { credential: required(QUERY_PARTS.credential), signedHeaders: required(QUERY_PARTS.signedHeaders), signature: required(QUERY_PARTS.signature) },
    QUERY_PARTS,
  );
  const amzDate = required('X-Amz-Date');
  const expires = only('X-Amz-Expires');
  if (expires !== undefined && !(EXPIRES.test(expires) && Number(expires) <= MAX_PRESIGNED_EXPIRES_SECONDS)) {
    throw incompleteSignature(`X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_PRESIGNED_EXPIRES_SECONDS} (7 days).`);
  }
  return {
    authorization,
    amzDate,
    expiresSeconds: expires === undefined ? undefined : Number(expires),
    signedUrl: covered.length === 0 ? path : `${path}?${covered.join('&')}`,
  };
}
