import type { Clock } from '../clock';

/** How fast replay sends. */
export interface PacingOptions {
  /** At most this many requests started per second, evenly spaced; undefined: no cap. */
  readonly rate?: number;
  /** Keep the recorded spacing: each request starts as long after the first as it was recorded after it. */
  readonly retime: boolean;
}

/** Decides when each request may start. */
export interface ReplayPacer {
  /** Resolves when the next request, recorded at `recordedAt` (Unix ms), may start. Called in sending order, one at a time. */
  next(recordedAt: number): Promise<void>;
}

/**
 * Paces replay on `clock`. With `rate`, starts are at least 1000/rate ms apart (evenly spaced, so
 * no second ever holds more than `rate` starts, and no burst follows an idle time). With
 * `retime`, a request starts no earlier than its recorded offset from the first request after
 * replay began (requests recorded before the first one start at once). Both together: the later
 * of the two, so the cap still holds where the recording was denser.
 */
export function createReplayPacer(options: PacingOptions, clock: Clock): ReplayPacer {
  const interval = options.rate === undefined ? 0 : 1000 / options.rate;
  let previousStart: number | undefined;
  let origin: { replay: number; recorded: number } | undefined;
  return {
    async next(recordedAt) {
      const now = clock.now();
      let due = previousStart === undefined ? now : previousStart + interval;
      if (options.retime) {
        origin ??= { replay: now, recorded: recordedAt };
        due = Math.max(due, origin.replay + (recordedAt - origin.recorded));
      }
      if (due > now) await clock.sleep(due - now);
      previousStart = Math.max(due, now);
    },
  };
}
