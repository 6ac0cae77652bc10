import { systemClock, type Clock } from '../clock';

/** Paces the calls to a destination whose quota counts calls per rolling second. */
export interface QuotaPacer {
  /** Runs `call` once the quota allows it, and counts it against the quota until a second after it ended. */
  run<T>(call: () => Promise<T>): Promise<T>;
}

/** The quota's window: Pinpoint, Kinesis and Firehose count calls per second. */
const WINDOW_MS = 1000;

/**
 * Paces calls so that no rolling second at the destination sees more than `callsPerSecond` of
 * them, whatever the network does. A quota is counted where calls arrive, and a call arrives
 * some time between its start and its answer; so besides spacing starts evenly (a burst would
 * overshoot a per-second count), the pacer counts each call from its start until one window after
 * its answer, and starts a call only while fewer than the quota are counted. If N + 1 calls
 * arrived within one second, the last of them to start would have found the other N counted.
 * The price is the calls' latency once per window: at 15 calls/s and 30 ms answers, about 97 %
 * of the quota is used. (Spacing alone, at 99 % of the quota, let 16 calls land in one second at
 * the stand-in when the first call of a burst paid for its connection.)
 */
export function createQuotaPacer(callsPerSecond: number, clock: Clock = systemClock): QuotaPacer {
  const maxCounted = Math.max(1, Math.floor(callsPerSecond));
  const spacingMs = WINDOW_MS / callsPerSecond;
  let lastStart = Number.NEGATIVE_INFINITY;
  let inFlight = 0;
  /** When counted calls that have ended were answered, oldest first. */
  const answeredAt: number[] = [];
  let callEnded: () => void = () => undefined;
  let endSignal = new Promise<void>((resolve) => (callEnded = resolve));
  let queue: Promise<void> = Promise.resolve();

  const waitForTurn = async (): Promise<void> => {
    for (;;) {
      const now = clock.now();
      // A clock set back must not make the next call wait for the old time to come again.
      lastStart = Math.min(lastStart, now);
      for (let i = answeredAt.length - 1; i >= 0 && (answeredAt[i] ?? 0) > now; i -= 1) answeredAt[i] = now;
      while (answeredAt.length > 0 && (answeredAt[0] ?? 0) + WINDOW_MS <= now) answeredAt.shift();
      const counted = inFlight + answeredAt.length;
      const spacingWait = lastStart + spacingMs - now;
      if (counted < maxCounted && spacingWait <= 0) {
        lastStart = now;
        inFlight += 1;
        return;
      }
      const oldestAnswer = answeredAt[0];
      if (counted >= maxCounted && oldestAnswer === undefined) {
        // Every counted call is still in flight: nothing frees before one of them is answered.
        await endSignal;
        continue;
      }
      const slotWait = counted >= maxCounted && oldestAnswer !== undefined ? oldestAnswer + WINDOW_MS - now : 0;
      await clock.sleep(Math.max(spacingWait, slotWait, 0));
    }
  };

  return {
    async run(call) {
      const turn = queue.then(waitForTurn);
      queue = turn;
      await turn;
      try {
        return await call();
      } finally {
        inFlight -= 1;
        answeredAt.push(clock.now());
        callEnded();
        endSignal = new Promise<void>((resolve) => (callEnded = resolve));
      }
    },
  };
}
