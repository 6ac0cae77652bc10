import { ForbiddenError } from '../errors';

/** What a SigV4 `Authorization` header says. */
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

const ALGORITHM = 'AWS4-HMAC-SHA256';
const SCOPE = /^([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/aws4_request$/;
const SIGNATURE = /^[0-9a-f]{64}$/;
const HEADER_LIST = /^[a-z0-9!#$%&'*+.^_`|~-]+(;[a-z0-9!#$%&'*+.^_`|~-]+)*$/;

function incomplete(message: string): ForbiddenError {
  return new ForbiddenError(message, { code: 'IncompleteSignatureException' });
}

/**
 * Parses `AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request,
 * SignedHeaders=<a;b>, Signature=<hex>` (components in any order, spaces after the commas or
 * not, as the SDKs differ). Anything else, SigV4a and SigV2 included, is refused as
 * `IncompleteSignatureException`; messages never quote the header.
 */
export function parseAuthorization(header: string): SigV4Authorization {
  const trimmed = header.trim();
  const space = trimmed.indexOf(' ');
  if (space === -1 || trimmed.slice(0, space) !== ALGORITHM) {
    throw incomplete(`The Authorization header must use ${ALGORITHM} (AWS Signature Version 4).`);
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
    throw incomplete("The Authorization header must name 'Credential', 'SignedHeaders' and 'Signature'.");
  }
  const scope = SCOPE.exec(credential);
  if (!scope) throw incomplete("The Authorization header's Credential must be '<access key id>/<YYYYMMDD>/<region>/<service>/aws4_request'.");
  if (!HEADER_LIST.test(signedHeaders)) throw incomplete("The Authorization header's SignedHeaders must be lower-case header names separated by ';'.");
  if (!SIGNATURE.test(signature)) throw incomplete("The Authorization header's Signature must be 64 lower-case hex digits.");
  const [, accessKeyId, date, region, service] = scope as unknown as [string, string, string, string, string];
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature };
}
