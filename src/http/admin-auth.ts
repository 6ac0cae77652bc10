import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { sendJsonError } from './revalidated-json';

/** The challenge of a 401: the scheme the admin port expects (RFC 6750). */
const CHALLENGE = 'Bearer realm="ma2pinpoint admin"';

/**
 * SHA-256 of a token: `timingSafeEqual` needs equal lengths, and comparing digests keeps the
 * configured token's length from showing in the time a wrong guess takes.
 */
function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** The token of an `Authorization: Bearer <token>` header, or undefined for anything else. */
function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
  return match?.[1];
}

/**
 * Guards the admin port's data routes with `ADMIN_TOKEN`: a request without
 * `Authorization: Bearer <token>`, or with another token, gets 401 JSON and a `WWW-Authenticate:
 * Bearer` challenge. Without a configured token (loopback binds only, see `config.ts`) every
 * request passes. The token is compared in constant time and never logged.
 */
export function createAdminAuth(token: string | undefined): RequestHandler {
  if (token === undefined) {
    return (_request, _response, next) => {
      next();
    };
  }
  const expected = digest(token);
  return (request, response, next) => {
    const presented = bearerToken(request.headers.authorization);
    if (presented !== undefined && timingSafeEqual(digest(presented), expected)) {
      next();
      return;
    }
    response.setHeader('WWW-Authenticate', presented === undefined ? CHALLENGE : `${CHALLENGE}, error="invalid_token"`);
    sendJsonError(
      response,
      401,
      presented === undefined
        ? 'the admin API needs the admin token: send Authorization: Bearer <ADMIN_TOKEN>'
        : 'the bearer token is not the admin token (ADMIN_TOKEN)',
    );
  };
}
