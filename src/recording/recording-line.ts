import type { RecordedRequest } from './recorder';

/**
 * One recorded request (a legacy PutEvents, or a Pinpoint-native write): a line of a recording file (JSON Lines), described by
 * `schemas/recording.schema.json`. Written by the service with `RECORD_DIR`, read by
 * `ma2pinpoint replay`. `v` is the line format's version: readers refuse versions they do not know.
 */
export interface RecordingLine {
  v: typeof RECORDING_VERSION;
  /** When the request was received, ISO 8601 UTC with milliseconds. */
  time: string;
  method: string;
  /** The request target as received, path and query, with any signature parameters removed. */
  url: string;
  /** Header names in lower case, values as received (repeated headers joined with ", "); never credentials. */
  headers: Record<string, string>;
  /** The body bytes as received (still compressed if they came compressed), base64; null when it was not read. */
  body: string | null;
  /** The answer the service gave. */
  status: number;
  requestId: string;
  /** The client kind the service told from the User-Agent: a legacy one (android, ios, js) or a Pinpoint sender's (`PinpointSenderKind`), or unknown. */
  clientKind: string;
}

/** The version of the line format this code writes and reads. */
export const RECORDING_VERSION = 1;

/** Headers that carry the device's (or a forward proxy's) credentials: dropped entirely, name and value. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'x-amz-security-token', 'cookie', 'proxy-authorization']);

/**
 * Query parameters of a presigned (query-string SigV4) request, as Amplify JS v5's beacon and the
 * AWS SDKs' presigners write them: dropped from the recorded URL, names compared decoded and in
 * any case.
 */
const SIGNATURE_PARAMETER = /^x-amz-(algorithm|credential|date|expires|security-token|signature|signedheaders)$/i;

/** The headers of a request as they may be recorded: lower-case names, credentials left out. */
export function recordableHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  // No prototype: a header named `__proto__` is a valid token, and stays an ordinary entry.
  const result = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || CREDENTIAL_HEADERS.has(lower)) continue;
    result[lower] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

/** The request target with the query-string signature parameters removed (the rest kept in order). */
export function recordableUrl(url: string): string {
  const queryAt = url.indexOf('?');
  if (queryAt < 0) return url;
  const kept = url
    .slice(queryAt + 1)
    .split('&')
    .filter((pair) => pair !== '' && !SIGNATURE_PARAMETER.test(decodeURIComponentSafe(pair.split('=')[0] ?? '')));
  return kept.length === 0 ? url.slice(0, queryAt) : `${url.slice(0, queryAt)}?${kept.join('&')}`;
}

/** Node's `rawHeaders` (name, value, name, value…) as lower-case names with every value in arrival order. */
export function headersFromRaw(rawHeaders: readonly string[]): Record<string, string[]> {
  const headers = Object.create(null) as Record<string, string[]>;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase();
    (headers[name] ??= []).push(rawHeaders[i + 1] as string);
  }
  return headers;
}

/** The line a recorded request becomes: credentials left out, the body in base64 as received. */
export function toRecordingLine(request: RecordedRequest): RecordingLine {
  return {
    v: RECORDING_VERSION,
    time: new Date(request.receivedAt).toISOString(),
    method: request.method,
    url: recordableUrl(request.url),
    headers: recordableHeaders(headersFromRaw(request.rawHeaders)),
    body: request.body === null ? null : request.body.toString('base64'),
    status: request.status,
    requestId: request.requestId,
    clientKind: request.clientKind,
  };
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
