import { createBucketTable } from '../../src/access/bucket-table';
import { createRateLimiter, MAX_APP_BUCKETS, MAX_CLIENT_BUCKETS, RATE_LIMITED } from '../../src/access/rate-limiter';
import { RetryLaterError } from '../../src/errors';
import { createFakeClock } from '../support/fake-clock';

/** How many of `n` back-to-back takes of `key` succeed. */
const takes = (table: { tryTake(key: string): boolean }, key: string, n: number): number => Array.from({ length: n }, () => table.tryTake(key)).filter(Boolean).length;

describe('token buckets on a fake clock', () => {
  it('starts full: a burst passes at once, then one more per 1/rate seconds', async () => {
    const clock = createFakeClock();
    const table = createBucketTable({ perSecond: 2, burst: 5 }, clock.now, 10);
    expect(takes(table, 'a', 10)).toBe(5);
    await clock.advance(499);
    expect(table.tryTake('a')).toBe(false);
    await clock.advance(1);
    expect(table.tryTake('a')).toBe(true);
    expect(table.tryTake('a')).toBe(false);
    await clock.advance(10_000);
    expect(takes(table, 'a', 10)).toBe(5);
  });

  it('refills fractional rates (one request every 10 s)', async () => {
    const clock = createFakeClock();
    const table = createBucketTable({ perSecond: 0.1, burst: 1 }, clock.now, 10);
    expect(takes(table, 'a', 3)).toBe(1);
    await clock.advance(9_999);
    expect(table.tryTake('a')).toBe(false);
    await clock.advance(1);
    expect(table.tryTake('a')).toBe(true);
  });

  it('keeps keys apart', () => {
    const clock = createFakeClock();
    const table = createBucketTable({ perSecond: 1, burst: 2 }, clock.now, 10);
    expect(takes(table, 'a', 5)).toBe(2);
    expect(takes(table, 'b', 5)).toBe(2);
  });

  it('has() looks without spending', () => {
    const clock = createFakeClock();
    const table = createBucketTable({ perSecond: 1, burst: 1 }, clock.now, 10);
    expect(table.has('a')).toBe(true);
    expect(table.has('a')).toBe(true);
    expect(table.tryTake('a')).toBe(true);
    expect(table.has('a')).toBe(false);
  });

  it('drops a bucket once it has refilled (it answers as a new one would), so idle keys cost no memory', async () => {
    const clock = createFakeClock();
    const table = createBucketTable({ perSecond: 1, burst: 4 }, clock.now, 1000);
    for (let i = 0; i < 100; i += 1) table.tryTake(`idle-${i}`);
    expect(table.size()).toBe(100);
    await clock.advance(3_999);
    table.tryTake('active');
    expect(table.size()).toBe(101);
    await clock.advance(1);
    table.tryTake('active');
    expect(table.size()).toBe(1);
  });

  it(`holds at most its bound of buckets, dropping the least recently used (${MAX_CLIENT_BUCKETS} clients, ${MAX_APP_BUCKETS} apps in service)`, () => {
    const clock = createFakeClock();
    const table = createBucketTable({ perSecond: 1, burst: 1 }, clock.now, 3);
    for (const key of ['a', 'b', 'c']) table.tryTake(key);
    table.tryTake('a');
    table.tryTake('d');
    expect(table.size()).toBe(3);
    // 'b' was the least recently used: it starts again full; 'a' was kept, still empty.
    expect(table.tryTake('a')).toBe(false);
    expect(table.tryTake('b')).toBe(true);
  });

  it('refills nothing when the clock is set back', async () => {
    const clock = createFakeClock();
    let now = clock.now();
    const table = createBucketTable({ perSecond: 1, burst: 1 }, () => now, 10);
    expect(table.tryTake('a')).toBe(true);
    now -= 60_000;
    expect(table.tryTake('a')).toBe(false);
    now += 60_000;
    expect(table.tryTake('a')).toBe(false);
    now += 1000;
    expect(table.tryTake('a')).toBe(true);
  });
});

describe('rate limiter: per client id and per app id', () => {
  const limited = (run: () => void): RetryLaterError | undefined => {
    try {
      run();
      return undefined;
    } catch (err: unknown) {
      if (err instanceof RetryLaterError) return err;
      throw err;
    }
  };

  it('limits each client of an app, and the app as a whole', async () => {
    const clock = createFakeClock();
    const limit = createRateLimiter({ client: { perSecond: 1, burst: 2 }, app: { perSecond: 1, burst: 5 } }, clock.now);
    const outcomes = ['c1', 'c1', 'c1', 'c2', 'c2', 'c3', 'c4'].map((clientId) => limited(() => limit({ appId: 'app', clientId }))?.message ?? 'ok');
    expect(outcomes).toEqual([
      'ok',
      'ok',
      'Too many requests from this client; retry later.',
      'ok',
      'ok',
      'ok',
      'Too many requests for this application; retry later.',
    ]);
    await clock.advance(1000);
    expect(limited(() => limit({ appId: 'app', clientId: 'c4' }))).toBeUndefined();
  });

  it('answers RetryLaterError with the RateLimited code, so each client kind gets its retry-later answer', () => {
    const limit = createRateLimiter({ client: { perSecond: 1, burst: 1 }, app: undefined }, createFakeClock().now);
    limit({ appId: 'app', clientId: 'c' });
    const err = limited(() => limit({ appId: 'app', clientId: 'c' }));
    expect(err).toBeInstanceOf(RetryLaterError);
    expect(err?.code).toBe(RATE_LIMITED);
    expect(err?.status).toBe(503);
  });

  it('spends from both buckets or neither: a client refused spends nothing of its app, an app refused nothing of its client', () => {
    const clock = createFakeClock();
    const limit = createRateLimiter({ client: { perSecond: 1, burst: 1 }, app: { perSecond: 1, burst: 2 } }, clock.now);
    limit({ appId: 'app', clientId: 'c1' });
    for (let i = 0; i < 5; i += 1) expect(limited(() => limit({ appId: 'app', clientId: 'c1' }))?.message).toMatch(/client/);
    limit({ appId: 'app', clientId: 'c2' });
    expect(limited(() => limit({ appId: 'app', clientId: 'c3' }))?.message).toMatch(/application/);
    const other = createRateLimiter({ client: { perSecond: 1, burst: 1 }, app: { perSecond: 1, burst: 1 } }, clock.now);
    other({ appId: 'app', clientId: 'c1' });
    expect(limited(() => other({ appId: 'app', clientId: 'c2' }))?.message).toMatch(/application/);
  });

  it('counts a client id within its app id', () => {
    const limit = createRateLimiter({ client: { perSecond: 1, burst: 1 }, app: undefined }, createFakeClock().now);
    limit({ appId: 'app-a', clientId: 'same' });
    expect(limited(() => limit({ appId: 'app-b', clientId: 'same' }))).toBeUndefined();
  });

  it('does not limit by a bucket whose id the request lacks, nor by a limit that is off', () => {
    const limit = createRateLimiter({ client: { perSecond: 1, burst: 1 }, app: undefined }, createFakeClock().now);
    for (let i = 0; i < 5; i += 1) expect(limited(() => limit({ appId: 'app', clientId: undefined }))).toBeUndefined();
    const appOnly = createRateLimiter({ client: undefined, app: { perSecond: 1, burst: 1 } }, createFakeClock().now);
    for (let i = 0; i < 5; i += 1) expect(limited(() => appOnly({ appId: undefined, clientId: `c${i}` }))).toBeUndefined();
  });
});
