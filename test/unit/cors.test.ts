import { createCors } from '../../src/http/cors';

const EXPOSE = 'x-amzn-RequestId, x-amzn-ErrorType, x-amz-request-id';

describe('createCors responseHeaders', () => {
  const any = createCors('*');
  const list = createCors(['https://app.example.com', 'http://localhost:3000']);

  it.each<[string, ReturnType<typeof createCors>, string | undefined, Record<string, string>]>([
    ["'*' without Origin", any, undefined, {}],
    ['list without Origin', list, undefined, {}],
    ["'*' with any Origin", any, 'https://evil.example', { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': EXPOSE }],
    [
      'list with an allowed Origin',
      list,
      'https://app.example.com',
      { 'Access-Control-Allow-Origin': 'https://app.example.com', 'Access-Control-Expose-Headers': EXPOSE, Vary: 'Origin' },
    ],
    [
      'list with the second allowed Origin',
      list,
      'http://localhost:3000',
      { 'Access-Control-Allow-Origin': 'http://localhost:3000', 'Access-Control-Expose-Headers': EXPOSE, Vary: 'Origin' },
    ],
    ['list with a disallowed Origin', list, 'https://evil.example', {}],
    ['list with an Origin differing only by trailing slash', list, 'https://app.example.com/', {}],
    ['list with an Origin differing by port', list, 'http://localhost:3001', {}],
    ['list with an empty Origin', list, '', {}],
    ['empty list', createCors([]), 'https://app.example.com', {}],
  ])('%s', (_label, cors, origin, expected) => {
    expect(cors.responseHeaders(origin)).toEqual(expected);
  });
});

describe('createCors preflightHeaders', () => {
  const list = createCors(['https://app.example.com']);

  it.each<[string, ReturnType<typeof createCors>, string | undefined]>([
    ['list, no Origin', list, undefined],
    ['list, disallowed Origin', list, 'https://evil.example'],
    ["'*', no Origin", createCors('*'), undefined],
  ])('is undefined for %s', (_label, cors, origin) => {
    expect(cors.preflightHeaders(origin, 'POST, OPTIONS')).toBeUndefined();
  });

  it.each<[string, ReturnType<typeof createCors>, string, string, string | undefined]>([
    ["'*'", createCors('*'), 'https://any.example', '*', undefined],
    ['list', list, 'https://app.example.com', 'https://app.example.com', 'Origin'],
  ])('for %s carries the origin, methods, allowed headers and max-age', (_label, cors, origin, allowOrigin, vary) => {
    const headers = cors.preflightHeaders(origin, 'POST, OPTIONS');
    expect(headers).toBeDefined();
    expect(headers?.['Access-Control-Allow-Origin']).toBe(allowOrigin);
    expect(headers?.['Vary']).toBe(vary);
    expect(headers?.['Access-Control-Allow-Methods']).toBe('POST, OPTIONS');
    expect(headers?.['Access-Control-Max-Age']).toBe('86400');
  });

  it.each([
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
  ])('allows the %s header', (header) => {
    const allowed = list.preflightHeaders('https://app.example.com', 'POST, OPTIONS')?.['Access-Control-Allow-Headers'] ?? '';
    expect(allowed.split(',').map((h) => h.trim())).toContain(header);
  });
});
