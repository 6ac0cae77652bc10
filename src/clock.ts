/**
 * Time as the delivery side sees it: the current time and a way to wait. Injected, so the
 * forwarder, the quota pacer and the spool's retry schedule run on a fake clock in tests.
 */
export interface Clock {
  /** Unix ms. A function property, not a method: callers pass `clock.now` around unbound. */
  now: () => number;
  /** Resolves after `ms` milliseconds, or as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) {
        resolve();
        return;
      }
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    }),
};
