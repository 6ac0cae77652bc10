/** A token bucket's size: it refills at `perSecond` tokens a second and holds at most `burst`. */
export interface BucketRate {
  readonly perSecond: number;
  readonly burst: number;
}

/** Token buckets by key (a client id, an app id), each starting full; bounded in number. */
export interface BucketTable {
  /** Whether `key`'s bucket holds a token now; nothing is spent. */
  has(key: string): boolean;
  /** Spends one token of `key`'s bucket; false, and nothing spent, when it has none. */
  tryTake(key: string): boolean;
  /** Buckets held now. */
  size(): number;
}

interface Bucket {
  tokens: number;
  /** Unix ms the tokens were counted at. */
  at: number;
}

/**
 * Token buckets in a Map kept in order of last use, so memory stays bounded:
 * - A bucket left alone for `burst / perSecond` seconds has refilled to `burst`, exactly what a
 *   new bucket holds, so it is dropped without changing any answer. The idle buckets are at the
 *   Map's head, so each use drops them in passing, at no cost beyond the drop itself.
 * - Past `maxBuckets` keys in use at once (a flood of invented client ids), the least recently
 *   used bucket is dropped although not full: that key would start again with a full bucket.
 * `now` is the injectable clock's; a clock set back refills nothing.
 */
export function createBucketTable(rate: BucketRate, now: () => number, maxBuckets: number): BucketTable {
  const buckets = new Map<string, Bucket>();
  const refillMs = (rate.burst / rate.perSecond) * 1000;
  const current = (key: string): Bucket => {
    const t = now();
    for (const [idleKey, idle] of buckets) {
      if (t - idle.at < refillMs) break;
      buckets.delete(idleKey);
    }
    let bucket = buckets.get(key);
    if (bucket) {
      buckets.delete(key);
      const elapsed = Math.max(0, t - bucket.at);
      bucket.tokens = Math.min(rate.burst, bucket.tokens + (elapsed * rate.perSecond) / 1000);
      bucket.at = Math.max(bucket.at, t);
    } else {
      bucket = { tokens: rate.burst, at: t };
      const oldest = buckets.keys().next();
      if (buckets.size >= maxBuckets && oldest.done !== true) buckets.delete(oldest.value);
    }
    buckets.set(key, bucket);
    return bucket;
  };
  return {
    has: (key) => current(key).tokens >= 1,
    tryTake(key) {
      const bucket = current(key);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    size: () => buckets.size,
  };
}
