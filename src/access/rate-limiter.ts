import type { RateLimitsConfig } from '../config';
import { RetryLaterError } from '../errors';
import { createBucketTable, type BucketTable } from './bucket-table';
import type { DeviceIdentity } from './device-identity';

/**
 * Client buckets held at most: about 20 MB with UUID client ids (measured), at most about 40 MB
 * with ids cut to `MAX_KEY_ID_LENGTH`. Past it the least recently used one is dropped (see
 * `createBucketTable`), so a flood of invented client ids cannot grow memory, only loosen the
 * per-client limit for the oldest of them. The per-app limit still holds.
 */
export const MAX_CLIENT_BUCKETS = 100_000;

/**
 * The characters of an id a bucket is keyed by: ids come from the device and may be as long as a
 * header. Real ones (UUIDs, app ids) are far shorter, so they are kept whole.
 */
const MAX_KEY_ID_LENGTH = 128;

/** App buckets held at most: a deployment serves a handful of apps; the bound is against invented ones. */
export const MAX_APP_BUCKETS = 10_000;

/** The wire code of a rate-limit answer, so it is told apart from a full spool in logs and metrics. */
export const RATE_LIMITED = 'RateLimited';

/** Spends one request's tokens, or throws the "retry later" RetryLaterError (`RateLimited`). */
export type RateLimiter = (identity: DeviceIdentity) => void;

/**
 * Token buckets per client id and per app id, counted in requests (not events): see the README,
 * "Device authentication and access control". A guard against one misbehaving device or app (a
 * resend loop, a bug), not a quota: the answer is each client kind's "retry later", so the events
 * stay on the device. A request spends from both buckets or from neither. A client id counts
 * within its app id; a request without a client id (or an app id) is not limited by that bucket.
 */
export function createRateLimiter(limits: RateLimitsConfig, now: () => number): RateLimiter {
  const clients: BucketTable | undefined = limits.client && createBucketTable(limits.client, now, MAX_CLIENT_BUCKETS);
  const apps: BucketTable | undefined = limits.app && createBucketTable(limits.app, now, MAX_APP_BUCKETS);
  return ({ appId, clientId }) => {
    const appKey = appId?.slice(0, MAX_KEY_ID_LENGTH);
    const clientKey = clients && clientId !== undefined ? `${appKey ?? ''}\u0000${clientId.slice(0, MAX_KEY_ID_LENGTH)}` : undefined;
    if (clients && clientKey !== undefined && !clients.has(clientKey)) {
      throw new RetryLaterError('Too many requests from this client; retry later.', { code: RATE_LIMITED });
    }
    if (apps && appKey !== undefined && !apps.tryTake(appKey)) {
      throw new RetryLaterError('Too many requests for this application; retry later.', { code: RATE_LIMITED });
    }
    if (clients && clientKey !== undefined) clients.tryTake(clientKey);
  };
}
