import { BadRequestError, ForbiddenError, InflatedTooLargeError, NotFoundError, PayloadTooLargeError, RetryLaterError } from '../../src/errors';
import { toPinpointAnswer } from '../../src/pinpoint-api/pinpoint-answer';
import type { PinpointSenderKind } from '../../src/pinpoint-api/pinpoint-sender';

type Expected = readonly [status: number, errorType: string];

const senders: PinpointSenderKind[] = [
  'pinpoint-android',
  'amplify-android',
  'pinpoint-ios',
  'amplify-swift',
  'amplify-js',
  'amplify-flutter',
  'aws-sdk-js',
  'aws-cli',
  'unknown',
];

/** The same answer for every sender. */
const forAll = (expected: Expected): Record<PinpointSenderKind, Expected> =>
  Object.fromEntries(senders.map((sender) => [sender, expected])) as Record<PinpointSenderKind, Expected>;

const serverFault: Expected = [500, 'InternalServerErrorException'];
const throttled: Expected = [429, 'TooManyRequestsException'];

/**
 * Retry later per sender, each the answer that sender keeps its events for (read in each sender's source):
 * PinpointManager deletes on any 4xx, so the mobile SDKs get 500; senders that keep and retry 429
 * get the throttling answer.
 */
const retryLater: Record<PinpointSenderKind, Expected> = {
  'pinpoint-android': serverFault,
  'amplify-android': serverFault,
  'pinpoint-ios': serverFault,
  'amplify-swift': serverFault,
  'amplify-js': throttled,
  'amplify-flutter': throttled,
  'aws-sdk-js': throttled,
  'aws-cli': throttled,
  unknown: serverFault,
};

/** Does the sender keep its events after this whole-call answer? Each client's rule, as documented. */
const keeps: Record<PinpointSenderKind, (status: number) => boolean> = {
  'pinpoint-android': (status) => status >= 500,
  'amplify-android': (status) => status >= 500,
  'pinpoint-ios': (status) => status !== 400,
  'amplify-swift': (status) => status !== 400,
  'amplify-js': (status) => status === 429 || status === 500,
  'amplify-flutter': (status) => [400, 404, 429, 500].includes(status),
  'aws-sdk-js': (status) => status === 429 || status >= 500,
  'aws-cli': (status) => status === 429 || status >= 500,
  unknown: (status) => status >= 500,
};

/** outcome × sender → status and `x-amzn-ErrorType`. */
const table: Array<[string, unknown, Record<PinpointSenderKind, Expected>]> = [
  ['BadRequest', new BadRequestError('The body is not a valid EventsRequest.'), forAll([400, 'BadRequestException'])],
  ['Forbidden', new ForbiddenError('The application is not allowed.'), forAll([403, 'ForbiddenException'])],
  ['Forbidden: a refused signature keeps its code', new ForbiddenError('The signature does not match.', { code: 'InvalidSignatureException' }), forAll([403, 'InvalidSignatureException'])],
  ['NotFound', new NotFoundError('Endpoint not found.'), forAll([404, 'NotFoundException'])],
  ['PayloadTooLarge', new PayloadTooLargeError('The payload cannot exceed 4194304 bytes.'), forAll([413, 'PayloadTooLargeException'])],
  ['PayloadTooLarge: inflated', new InflatedTooLargeError(8_388_608), forAll([413, 'PayloadTooLargeException'])],
  ['RetryLater: full spool', new RetryLaterError('The spool is full; retry later.'), retryLater],
  ['RetryLater: rate limited', new RetryLaterError('Too many requests; retry later.', { code: 'RateLimited' }), retryLater],
  ['an unknown thrown Error (our bug)', new TypeError('Cannot read properties of undefined'), retryLater],
  ['a thrown non-Error', 'boom', retryLater],
];

const cases = table.flatMap(([name, outcome, bySender]) => senders.map((sender) => [name, sender, outcome, bySender[sender]] as const));

describe('toPinpointAnswer', () => {
  it.each(cases)('%s for %s', (_name, sender, outcome, [status, errorType]) => {
    const answer = toPinpointAnswer(outcome, sender, 'req-1234');
    expect(answer.status).toBe(status);
    expect(answer.headers).toEqual({ 'Content-Type': 'application/json', 'x-amzn-ErrorType': errorType, 'x-amzn-RequestId': 'req-1234' });
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['Message', 'RequestID']);
    expect(body['RequestID']).toBe('req-1234');
    expect(typeof body['Message']).toBe('string');
  });

  it.each(senders)('retry later is an answer %s keeps its events for', (sender) => {
    const { status } = toPinpointAnswer(new RetryLaterError('The spool is full; retry later.'), sender, 'req-1');
    expect(keeps[sender](status)).toBe(true);
  });

  it('never lets our own error text reach the sender', () => {
    const answer = toPinpointAnswer(new TypeError('secret internals'), 'aws-cli', 'req-1');
    expect(answer.body).not.toContain('secret internals');
  });
});
