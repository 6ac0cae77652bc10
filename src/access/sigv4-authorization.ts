import { ForbiddenError } from '../errors';

/** What a SigV4 signature says, from an `Authorization` header or a presigned query. */
export interface SigV4Authorization {
  accessKeyId: string;
  /** The credential scope's date, `YYYYMMDD`. */
  date: string;
  region: string;
  service: string;
  /** Lower-case header names, as listed (SigV4 lists them sorted). */
  signedHeaders: string[];
  /** 64 lower-case hex digits. */
  signature: string;
}

/** The only algorithm accepted: SigV4a (ECDSA) and SigV2 are refused. */
export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
const SCOPE = /^([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/aws4_request$/;
const SIGNATURE = /^[0-9a-f]{64}$/;
const HEADER_LIST = /^[a-z0-9!#$%&'*+.^_`|~-]+(;[a-z0-9!#$%&'*+.^_`|~-]+)*$/;

export function incompleteSignature(message: string): ForbiddenError {
  return new ForbiddenError(message, { code: 'IncompleteSignatureException' });
}

/** How a refusal names the signature's three parts where they were sent (header components or query parameters). */
export interface SignaturePartNames {
  credential: string;
  signedHeaders: string;
  signature: string;
}

/**
 * Checks and reads the three parts every SigV4 signature has, wherever it was sent: the
 * credential `<key>/<date>/<region>/<service>/aws4_request`, the signed header names (lower case,
 * separated by ';') and the signature (64 lower-case hex digits). Throws
 * `IncompleteSignatureException` naming the part, never quoting it.
 */
export function readSignatureParts(parts: { credential: string; signedHeaders: string; signature: string }, names: SignaturePartNames): SigV4Authorization {
  const scope = SCOPE.exec(parts.credential);
  if (!scope) throw incompleteSignature(`${names.credential} must be '<access key id>/<YYYYMMDD>/<region>/<service>/aws4_request'.`);
  if (!HEADER_LIST.test(parts.signedHeaders)) throw incompleteSignature(`${names.signedHeaders} must be lower-case header names separated by ';'.`);
  if (!SIGNATURE.test(parts.signature)) throw incompleteSignature(`${names.signature} must be 64 lower-case hex digits.`);
  const [, accessKeyId, date, region, service] = scope as unknown as [string, string, string, string, string];
  return { accessKeyId, date, region, service, signedHeaders: parts.signedHeaders.split(';'), signature: parts.signature };
}

const HEADER_PARTS: SignaturePartNames = {
  credential: "The Authorization header's Credential",
  signedHeaders: "The Authorization header's SignedHeaders",
  signature: "The Authorization header's Signature",
};

/**
 * Parses `AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request,
 * SignedHeaders=<a;b>, Signature=<hex>` (components in any order, spaces after the commas or
 * not, as the SDKs differ). Anything else, SigV4a and SigV2 included, is refused as
 * `IncompleteSignatureException`; messages never quote the header.
 */
export function parseAuthorization(header: string): SigV4Authorization {
  const trimmed = header.trim();
  const space = trimmed.indexOf(' ');
  if (space === -1 || trimmed.slice(0, space) !== SIGV4_ALGORITHM) {
    throw incompleteSignature(`The Authorization header must use ${SIGV4_ALGORITHM} (AWS Signature Version 4).`);
  }
  const parts = new Map<string, string>();
  for (const component of trimmed.slice(space + 1).split(',')) {
    const equals = component.indexOf('=');
    if (equals === -1) continue;
    parts.set(component.slice(0, equals).trim(), component.slice(equals + 1).trim());
  }
  const credential = parts.get('Credential');
  const signedHeaders = parts.get('SignedHeaders');
  const signature = parts.get('Signature');
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    throw incompleteSignature("The Authorization header must name 'Credential', 'SignedHeaders' and 'Signature'.");
  }
  return readSignatureParts({ credential, signedHeaders, signature }, HEADER_PARTS);
}
