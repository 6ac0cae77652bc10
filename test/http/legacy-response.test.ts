import { BadRequestError, ForbiddenError, PayloadTooLargeError, RetryLaterError } from '../../src/errors';
import { toLegacyResponse } from '../../src/http/legacy-response';
import type { ClientKind } from '../../src/legacy/types';

type Expected = { status: number; errorType?: string; body: 'empty' | { __type: string } };

const kinds: ClientKind[] = ['android', 'ios', 'js', 'unknown'];

/** An answer with a status and no body. */
const empty = (status: number): Expected => ({ status, body: 'empty' });
/** An answer with a status and a typed JSON error. */
const typed = (status: number, errorType: string): Expected => ({ status, errorType, body: { __type: errorType } });
/** A typed error for every kind but iOS, which gets the bare status. */
const typedButIosEmpty = (status: number, errorType: string): Record<ClientKind, Expected> => ({
  android: typed(status, errorType),
  ios: empty(status),
  js: typed(status, errorType),
  unknown: typed(status, errorType),
});
/** Retry later: 503 ServiceUnavailableException, but 400 ThrottlingException for JS. */
const retryLater: Record<ClientKind, Expected> = {
  android: typed(503, 'ServiceUnavailableException'),
  ios: typed(503, 'ServiceUnavailableException'),
  js: typed(400, 'ThrottlingException'),
  unknown: typed(503, 'ServiceUnavailableException'),
};

/** outcome × client kind → answer (README, "How the proxy answers each client"). */
const table: Array<[string, unknown, Record<ClientKind, Expected>]> = [
  ['accepted', 'accepted', { android: empty(202), ios: empty(202), js: empty(202), unknown: empty(202) }],
  ['BadRequest', new BadRequestError('The event payload is missing or invalid.'), typedButIosEmpty(400, 'BadRequestException')],
  ['RetryLater', new RetryLaterError('The destination is unavailable; retry later.'), retryLater],
  ['Forbidden', new ForbiddenError('Not authorized.'), typedButIosEmpty(403, 'AccessDeniedException')],
  ['Forbidden: a refused device signature', new ForbiddenError('The signature does not match.', { code: 'InvalidSignatureException' }), typedButIosEmpty(403, 'InvalidSignatureException')],
  [
    'RetryLater: a rate limit',
    new RetryLaterError('Too many requests from this client; retry later.', { code: 'RateLimited' }),
    { android: typed(503, 'RateLimited'), ios: typed(503, 'RateLimited'), js: typed(400, 'ThrottlingException'), unknown: typed(503, 'RateLimited') },
  ],
  ['PayloadTooLarge', new PayloadTooLargeError('The payload cannot exceed 1048576 bytes.'), typedButIosEmpty(413, 'RequestEntityTooLarge')],
  ['an unknown thrown Error (our bug: retry later)', new TypeError('Cannot read properties of undefined'), retryLater],
];

const cases = table.flatMap(([name, outcome, byKind]) => kinds.map((kind) => [name, kind, outcome, byKind[kind]] as const));

describe('toLegacyResponse', () => {
  it.each(cases)('%s for %s', (_name, kind, outcome, expected) => {
    const answer = toLegacyResponse(outcome, kind);
    expect(answer.status).toBe(expected.status);
    expect(answer.headers['x-amzn-ErrorType']).toBe(expected.errorType);
    if (expected.body === 'empty') {
      expect(answer.body).toBe('');
    } else {
      const body = JSON.parse(answer.body) as { __type: string; message: unknown };
      expect(body.__type).toBe(expected.body.__type);
      expect(typeof body.message).toBe('string');
      expect(answer.headers['Content-Type']).toBe('application/json');
    }
  });

  it('never leaks an internal error message to the client', () => {
    const answer = toLegacyResponse(new Error('secret internal detail'), 'android');
    expect(answer.body).not.toContain('secret internal detail');
  });
});
