import { InflatedTooLargeError } from '../errors';
import { inflateBody, inflatedSizeEstimate } from '../legacy/decode-body';
import type { ByteBudget } from './byte-budget';

/**
 * Runs `work` on a request's inflated body inside the byte budget, holding as many bytes as the
 * body may inflate to (`inflatedSizeEstimate`) until `work` is done, so the budget bounds what is
 * inflated, parsed and validated at once. A sender whose size claim was short gets one more
 * attempt within the real limit (alone, if it must); past that limit, `InflatedTooLargeError`.
 */
export async function withInflatedBody<T>(
  budget: ByteBudget,
  body: Buffer,
  contentEncoding: string | undefined,
  inflatedBodyLimit: number,
  work: (inflated: Buffer) => Promise<T>,
): Promise<T> {
  const attempt = (maxInflated: number): Promise<T> =>
    budget.run(maxInflated, async () => work(await inflateBody(body, contentEncoding, maxInflated)));
  const estimate = inflatedSizeEstimate(body, contentEncoding, inflatedBodyLimit);
  try {
    return await attempt(estimate);
  } catch (err: unknown) {
    if (err instanceof InflatedTooLargeError && err.limit < inflatedBodyLimit) return attempt(inflatedBodyLimit);
    throw err;
  }
}
