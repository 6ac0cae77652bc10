import { median } from './report';

/** One answer timed on a fresh connection, then again a few times. */
export interface Timing {
  /** The first call (a connection that had not read these pages yet). */
  coldMs: number;
  /** Median of the calls after it. */
  medianMs: number;
}

/** Times `call` once cold, then `repeats` more times; the median is of those repeats. */
export async function timeCalls(call: () => unknown, repeats: number): Promise<Timing> {
  const once = async (): Promise<number> => {
    const started = performance.now();
    await call();
    return performance.now() - started;
  };
  const coldMs = await once();
  const warm: number[] = [];
  for (let i = 0; i < repeats; i += 1) warm.push(await once());
  return { coldMs, medianMs: median(warm) ?? coldMs };
}
