/*
 * The quota pacer's timing when calls answer at once: calls are spaced at 1/perSecond, no rolling
 * second holds more than the quota, waiters go in FIFO order, and a wall clock set back does not
 * stall the sink. (`quota-pacer.test.ts` covers calls with latency.) Everything runs on the fake
 * clock; the timestamps are `clock.now()` when each call starts.
 */
import type { Clock } from '../../src/clock';
import { createQuotaPacer, type QuotaPacer } from '../../src/sinks/quota-pacer';
import { createFakeClock, settle, type FakeClock } from '../support/fake-clock';

/** Starts `count` calls at once, each answering at once; `started` fills with the fake time each call started, `order` with its index. */
function runMany(pacer: QuotaPacer, clock: Clock, count: number, from = 0): { started: number[]; order: number[] } {
  const started: number[] = [];
  const order: number[] = [];
  for (let i = from; i < from + count; i += 1) {
    void pacer.run(() => {
      started.push(clock.now());
      order.push(i);
      return Promise.resolve();
    });
  }
  return { started, order };
}

/** The most of `times` inside any window `[t, t + windowMs)` that starts at one of them. */
function maxInWindow(times: readonly number[], windowMs: number): number {
  return Math.max(0, ...times.map((start) => times.filter((t) => t >= start && t < start + windowMs).length));
}

/** A clock that reads `offset` ms off the fake clock (a wall clock set back or forward), sleeping on it. */
function shiftedClock(clock: FakeClock): { clock: Clock; shift(ms: number): void } {
  let offset = 0;
  return {
    clock: { now: () => clock.now() + offset, sleep: (ms, signal) => clock.sleep(ms, signal) },
    shift: (ms) => void (offset += ms),
  };
}

describe('quota pacer timing, calls answering at once (fake clock)', () => {
  let clock: FakeClock;
  let start: number;

  beforeEach(() => {
    clock = createFakeClock();
    start = clock.now();
  });

  it('starts the first call at once and the next 1/perSecond later', async () => {
    const pacer = createQuotaPacer(10, clock);
    const { started } = runMany(pacer, clock, 3);
    await settle();
    expect(started).toEqual([start]);
    await clock.advance(99);
    expect(started).toEqual([start]);
    await clock.advance(1);
    expect(started).toEqual([start, start + 100]);
    await clock.advance(100);
    expect(started).toEqual([start, start + 100, start + 200]);
  });

  it('spreads 30 calls at 15/s so that no 1000 ms window holds more than 15', async () => {
    const pacer = createQuotaPacer(15, clock);
    const { started } = runMany(pacer, clock, 30);
    await clock.runUntil(() => started.length === 30, { stepMs: 1, maxMs: 5000 });

    expect(started[0]).toBe(start);
    expect(maxInWindow(started, 1000)).toBeLessThanOrEqual(15);
    for (let i = 1; i < started.length; i += 1) {
      // Evenly spaced at 1/15 s (not bunched, not slower than the quota by more than a ms).
      const gap = (started[i] as number) - (started[i - 1] as number);
      expect(gap).toBeGreaterThanOrEqual(1000 / 15 - 0.001);
      expect(gap).toBeLessThanOrEqual(1000 / 15 + 1);
    }
  });

  it('keeps an idle pacer ready: after a pause the next call starts at once', async () => {
    const pacer = createQuotaPacer(5, clock);
    const first = runMany(pacer, clock, 5);
    await clock.runUntil(() => first.started.length === 5, { stepMs: 1, maxMs: 5000 });
    await clock.advance(10_000);
    const later = clock.now();
    const second = runMany(pacer, clock, 2);
    await settle();
    expect(second.started).toEqual([later]);
    await clock.advance(200);
    expect(second.started).toEqual([later, later + 200]);
  });

  it('counts time already passed: a call 60 ms after the last at 10/s waits only the remaining 40 ms', async () => {
    const pacer = createQuotaPacer(10, clock);
    await pacer.run(() => Promise.resolve());
    await clock.advance(60);
    const { started } = runMany(pacer, clock, 1);
    await clock.advance(39);
    expect(started).toEqual([]);
    await clock.advance(1);
    expect(started).toEqual([start + 100]);
  });

  it('serves waiters in FIFO order, also those that arrive while others wait', async () => {
    const pacer = createQuotaPacer(20, clock);
    const order: string[] = [];
    const run = (label: string): void => void pacer.run(() => Promise.resolve(void order.push(label)));
    run('a');
    run('b');
    run('c');
    await clock.advance(10);
    run('d');
    run('e');
    await clock.runUntil(() => order.length === 5, { stepMs: 1, maxMs: 1000 });
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e']);

    const { order: indexes } = runMany(pacer, clock, 12);
    await clock.runUntil(() => indexes.length === 12, { stepMs: 1, maxMs: 2000 });
    expect(indexes).toEqual([...Array(12).keys()]);
  });

  it('does not stall when the wall clock is set back an hour while calls wait', async () => {
    const wall = shiftedClock(clock);
    const pacer = createQuotaPacer(10, wall.clock);
    const { started } = runMany(pacer, wall.clock, 3);
    await settle();
    expect(started).toHaveLength(1);
    wall.shift(-3_600_000);
    // The waiting calls go on at the quota's pace, not an hour later.
    await clock.runUntil(() => started.length === 3, { stepMs: 1, maxMs: 1000 });
    expect(clock.now() - start).toBeLessThanOrEqual(300);
  });

  // Answer times are clamped to a clock set back too: a full window of answered calls must not
  // make the next call sleep until the old time comes again (an hour here).
  it('does not stall when the wall clock is set back an hour right after a full window of calls', async () => {
    const wall = shiftedClock(clock);
    const pacer = createQuotaPacer(3, wall.clock);
    const first = runMany(pacer, wall.clock, 3);
    await clock.runUntil(() => first.started.length === 3, { stepMs: 1, maxMs: 5000 });
    wall.shift(-3_600_000);
    const next = runMany(pacer, wall.clock, 1);
    await clock.runUntil(() => next.started.length === 1, { stepMs: 10, maxMs: 5000 });
  });
});
