import { systemClock, type Clock } from '../clock';

/** Spaces out calls to a destination so an account stays inside its quota. */
export interface RateLimiter {
  /** Resolves when one more call may start (and counts that call). */
  take(): Promise<void>;
}

/**
 * A token bucket refilled at `perSecond`, holding at most `burst` tokens. Waiters are served in
 * order. Pinpoint's PutEvents quota is 15 calls/s per account, burst 15.
 */
export function createRateLimiter(perSecond: number, burst = Math.max(1, Math.floor(perSecond)), clock: Clock = systemClock): RateLimiter {
  let tokens = burst;
  let last = clock.now();
  let chain: Promise<void> = Promise.resolve();
  const refill = (): void => {
    const now = clock.now();
    // A wall clock set back must not take tokens away.
    tokens = Math.min(burst, tokens + (Math.max(0, now - last) / 1000) * perSecond);
    last = now;
  };
  const takeOne = async (): Promise<void> => {
    refill();
    while (tokens < 1) {
      await clock.sleep(Math.ceil(((1 - tokens) / perSecond) * 1000));
      refill();
    }
    tokens -= 1;
  };
  return {
    take: () => {
      const turn = chain.then(takeOne);
      chain = turn;
      return turn;
    },
  };
}
