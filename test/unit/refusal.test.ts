import { createRateLimiter } from '../../src/access/rate-limiter';
import { BadRequestError, ForbiddenError, InflatedTooLargeError, PayloadTooLargeError, RetryLaterError } from '../../src/errors';
import { refusalOf } from '../../src/metrics/refusal';
import { createDurableAcceptor } from '../../src/pipeline/durable-acceptor';
import type { SpoolAppender, SpoolRefusal } from '../../src/spool/spool-appender';

/** What a durable acceptor throws when the appender refuses with `refusal`. */
function spoolRefusal(refusal: SpoolRefusal): unknown {
  const appender = { refusal: () => refusal, limits: { maxEvents: 10, maxBytes: 1024 } } as unknown as SpoolAppender;
  try {
    createDurableAcceptor(appender, () => undefined).admit();
  } catch (err: unknown) {
    return err;
  }
  throw new Error('the acceptor admitted the request');
}

/** What the rate limiter throws once a one-request bucket is spent. */
function rateLimited(): unknown {
  const limit = createRateLimiter({ client: { perSecond: 1, burst: 1 }, app: undefined }, () => 0);
  limit({ appId: 'app', clientId: 'client' });
  try {
    limit({ appId: 'app', clientId: 'client' });
  } catch (err: unknown) {
    return err;
  }
  throw new Error('the limiter let the request through');
}

describe('refusalOf: a refused request, counted by its error class and reason', () => {
  it.each([
    ['accepted', 'accepted', undefined],
    ['a malformed request', new BadRequestError('bad'), { refusal: 'bad_request', reason: 'bad_request' }],
    ['a body over the limit', new PayloadTooLargeError('big'), { refusal: 'too_large', reason: 'request_entity_too_large' }],
    ['a body inflating over the limit', new InflatedTooLargeError(10), { refusal: 'too_large', reason: 'request_entity_too_large' }],
    ['an app not on the allowlist', new ForbiddenError('no', { code: 'AccessDeniedException' }), { refusal: 'forbidden', reason: 'access_denied' }],
    ['a signature that does not match', new ForbiddenError('no', { code: 'InvalidSignatureException' }), { refusal: 'forbidden', reason: 'invalid_signature' }],
    ['an unsigned request', new ForbiddenError('no', { code: 'MissingAuthenticationTokenException' }), { refusal: 'forbidden', reason: 'missing_authentication_token' }],
    ['a failing destination (upstream mode)', new RetryLaterError('later'), { refusal: 'retry_later', reason: 'service_unavailable' }],
    ['a full spool', spoolRefusal('full'), { refusal: 'retry_later', reason: 'spool_full' }],
    ['an unwritable spool', spoolRefusal('unwritable'), { refusal: 'retry_later', reason: 'spool_unwritable' }],
    ['a rate limit', rateLimited(), { refusal: 'retry_later', reason: 'rate_limited' }],
    ['our own bug', new TypeError('oops'), { refusal: 'retry_later', reason: 'internal_error' }],
  ])('%s', (_what, outcome, expected) => {
    expect(refusalOf(outcome)).toEqual(expected);
  });
});
