/**
 * The headers browser clients send: aws-sdk-js and the Mobile Analytics JS library on the legacy
 * route, aws-sdk-js v3 (`amz-sdk-*`) and Amplify JS on the Pinpoint routes.
 */
const ALLOWED_HEADERS = [
  'amz-sdk-invocation-id',
  'amz-sdk-request',
  'authorization',
  'content-type',
  'content-encoding',
  'x-amz-client-context',
  'x-amz-client-context-encoding',
  'x-amz-content-sha256',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-user-agent',
  'x-amz-target',
].join(', ');

/** CORS answers for browser clients, computed without middleware on the hot path. */
export interface Cors {
  /** Headers to add to any answer for this Origin (none when the origin is not allowed). */
  responseHeaders(origin: string | undefined): Record<string, string>;
  /** Headers for a preflight `OPTIONS` of a path allowing `methods`, or undefined when the origin is not allowed. */
  preflightHeaders(origin: string | undefined, methods: string): Record<string, string> | undefined;
}

/**
 * `'*'` allows any origin; otherwise the origin must be in the list and is echoed back.
 * Requests without an Origin (devices) get no CORS headers: they would only cost bytes.
 */
export function createCors(allowed: '*' | readonly string[]): Cors {
  const allowedSet = allowed === '*' ? undefined : new Set(allowed);
  const allowOrigin = (origin: string | undefined): string | undefined => {
    if (!allowedSet) return '*';
    return origin !== undefined && allowedSet.has(origin) ? origin : undefined;
  };
  const responseHeaders = (origin: string | undefined): Record<string, string> => {
    // Browsers send Origin on every cross-origin request; SDKs on devices never do.
    if (origin === undefined) return {};
    const value = allowOrigin(origin);
    if (value === undefined) return {};
    const headers: Record<string, string> = {
      'Access-Control-Allow-Origin': value,
      'Access-Control-Expose-Headers': 'x-amzn-RequestId, x-amzn-ErrorType, x-amz-request-id',
    };
    if (allowedSet) headers['Vary'] = 'Origin';
    return headers;
  };
  return {
    responseHeaders,
    preflightHeaders(origin, methods) {
      const base = responseHeaders(origin);
      if (!base['Access-Control-Allow-Origin']) return undefined;
      return {
        ...base,
        'Access-Control-Allow-Methods': methods,
        'Access-Control-Allow-Headers': ALLOWED_HEADERS,
        'Access-Control-Max-Age': '86400',
      };
    },
  };
}
