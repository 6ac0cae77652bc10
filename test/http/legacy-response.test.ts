import { BadRequestError, ForbiddenError, PayloadTooLargeError, RetryLaterError } from '../../src/errors';
import { toLegacyResponse } from '../../src/http/legacy-response';
import type { ClientKind } from '../../src/legacy/types';

type Expected = { status: number; errorType?: string; body: 'empty' | { __type: string } };

const kinds: ClientKind[] = ['android', 'ios', 'js', 'unknown'];

/** outcome × client kind → answer (legacy-clients.md §7.7–7.8). */
const table: Array<[string, unknown, Record<ClientKind, Expected>]> = [
  [
    'accepted',
    'accepted',
    {
      android: { status: 202, body: 'empty' },
      ios: { status: 202, body: 'empty' },
      js: { status: 202, body: 'empty' },
      unknown: { status: 202, body: 'empty' },
    },
  ],
  [
    'BadRequest',
    new BadRequestError('The event payload is missing or invalid.'),
    {
      android: { status: 400, errorType: 'BadRequestException', body: { __type: 'BadRequestException' } },
      ios: { status: 400, body: 'empty' },
      js: { status: 400, errorType: 'BadRequestException', body: { __type: 'BadRequestException' } },
      unknown: { status: 400, errorType: 'BadRequestException', body: { __type: 'BadRequestException' } },
    },
  ],
  [
    'RetryLater',
    new RetryLaterError('The destination is unavailable; retry later.'),
    {
      android: { status: 503, errorType: 'ServiceUnavailableException', body: { __type: 'ServiceUnavailableException' } },
      ios: { status: 503, errorType: 'ServiceUnavailableException', body: { __type: 'ServiceUnavailableException' } },
      js: { status: 400, errorType: 'ThrottlingException', body: { __type: 'ThrottlingException' } },
      unknown: { status: 503, errorType: 'ServiceUnavailableException', body: { __type: 'ServiceUnavailableException' } },
    },
  ],
  [
    'Forbidden',
    new ForbiddenError('Not authorized.'),
    {
      android: { status: 403, errorType: 'AccessDeniedException', body: { __type: 'AccessDeniedException' } },
      ios: { status: 403, body: 'empty' },
      js: { status: 403, errorType: 'AccessDeniedException', body: { __type: 'AccessDeniedException' } },
      unknown: { status: 403, errorType: 'AccessDeniedException', body: { __type: 'AccessDeniedException' } },
    },
  ],
  [
    'PayloadTooLarge',
    new PayloadTooLargeError('The payload cannot exceed 1048576 bytes.'),
    {
      android: { status: 413, errorType: 'RequestEntityTooLarge', body: { __type: 'RequestEntityTooLarge' } },
      ios: { status: 413, body: 'empty' },
      js: { status: 413, errorType: 'RequestEntityTooLarge', body: { __type: 'RequestEntityTooLarge' } },
      unknown: { status: 413, errorType: 'RequestEntityTooLarge', body: { __type: 'RequestEntityTooLarge' } },
    },
  ],
  [
    'an unknown thrown Error (our bug: retry later)',
    new TypeError('Cannot read properties of undefined'),
    {
      android: { status: 503, errorType: 'ServiceUnavailableException', body: { __type: 'ServiceUnavailableException' } },
      ios: { status: 503, errorType: 'ServiceUnavailableException', body: { __type: 'ServiceUnavailableException' } },
      js: { status: 400, errorType: 'ThrottlingException', body: { __type: 'ThrottlingException' } },
      unknown: { status: 503, errorType: 'ServiceUnavailableException', body: { __type: 'ServiceUnavailableException' } },
    },
  ],
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
