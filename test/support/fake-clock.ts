import type { Clock } from '../../src/clock';

/** A clock that moves only when told to, for the forwarder and the quota pacer. */
export interface FakeClock extends Clock {
  /** Moves time forward by `ms`, waking every sleeper due on the way, in order, and letting each run. */
  advance(ms: number): Promise<void>;
  /** Advances in `stepMs` steps until `done()` holds; fails after `maxMs` of fake time. */
  runUntil(done: () => boolean, options?: { stepMs?: number; maxMs?: number }): Promise<void>;
  /** Sleepers waiting now. */
  sleepers(): number;
}

/** Lets every promise job and immediate that is ready run (several rounds: async chains are deep). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** A fake clock starting at `start` (Unix ms). */
export function createFakeClock(start = 1_700_000_000_000): FakeClock {
  let now = start;
  let sleepers: Array<{ at: number; order: number; wake: () => void }> = [];
  let order = 0;
  const clock: FakeClock = {
    now: () => now,
    sleep(ms, signal) {
      return new Promise((resolve) => {
        if (signal?.aborted) {
          resolve();
          return;
        }
        const sleeper = { at: now + Math.max(0, ms), order: (order += 1), wake: () => resolve() };
        sleepers.push(sleeper);
        signal?.addEventListener(
          'abort',
          () => {
            sleepers = sleepers.filter((s) => s !== sleeper);
            resolve();
          },
          { once: true },
        );
      });
    },
    async advance(ms) {
      const until = now + ms;
      await settle();
      for (;;) {
        const due = sleepers.filter((s) => s.at <= until).sort((a, b) => a.at - b.at || a.order - b.order)[0];
        if (!due) break;
        sleepers = sleepers.filter((s) => s !== due);
        now = Math.max(now, due.at);
        due.wake();
        await settle();
      }
      now = until;
      await settle();
    },
    async runUntil(done, options = {}) {
      const stepMs = options.stepMs ?? 10;
      const maxMs = options.maxMs ?? 600_000;
      const end = now + maxMs;
      await settle();
      while (!done()) {
        if (now >= end) throw new Error(`condition not reached within ${maxMs} ms of fake time`);
        await clock.advance(stepMs);
      }
    },
    sleepers: () => sleepers.length,
  };
  return clock;
}
