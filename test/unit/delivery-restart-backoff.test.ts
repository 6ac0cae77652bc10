import { DELIVERY_RESTART_BACKOFF, nextRestartAttempt, restartDelayMs } from '../../src/composition/delivery-thread';

/** The delivery thread's restart schedule (`composition/delivery-thread.ts`), as pure functions. */
describe('delivery thread restart backoff', () => {
  it('waits 1 s before the first restart, doubling up to 60 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map(restartDelayMs)).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    expect(DELIVERY_RESTART_BACKOFF).toEqual({ firstDelayMs: 1000, maxDelayMs: 60_000, resetAfterMs: 60_000 });
  });

  it('counts restarts of a thread that keeps failing, and starts over after one that ran for a minute', () => {
    expect(nextRestartAttempt(0, 50)).toBe(1);
    expect(nextRestartAttempt(1, 1200)).toBe(2);
    expect(nextRestartAttempt(6, 59_999)).toBe(7);
    expect(nextRestartAttempt(6, 60_000)).toBe(1);
    expect(nextRestartAttempt(0, 3_600_000)).toBe(1);
  });

  it('gives the delays of a failing thread: growing while it fails at once, back to 1 s after a long run', () => {
    // How long each started thread ran before it failed, ms.
    const runs = [100, 100, 100, 100, 100, 100, 100, 100, 90_000, 100];
    let attempt = 0;
    const delays = runs.map((ranMs) => {
      attempt = nextRestartAttempt(attempt, ranMs);
      return restartDelayMs(attempt);
    });
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 1000, 2000]);
  });
});
