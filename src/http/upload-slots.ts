import { RetryLaterError } from '../errors';

/** More uploads than `MAX_CONCURRENT_UPLOADS` are in work: retry later, counted apart from a full spool. */
export class TooManyUploadsError extends RetryLaterError {
  constructor(limit: number) {
    super(`More than ${limit} requests are being received; retry later.`);
  }

  override get reason(): string {
    return 'too_many_uploads';
  }
}

/**
 * The requests being received or worked on at once, over every ingest route (legacy and
 * Pinpoint-native): past `MAX_CONCURRENT_UPLOADS`, stalled or slow uploads cannot pile up memory,
 * and the next client is told to retry later before its body is read.
 */
export interface UploadSlots {
  /** Takes a slot, or throws a TooManyUploadsError when none is free. Pair with `release`. */
  take(): void;
  release(): void;
}

export function createUploadSlots(max: number): UploadSlots {
  let inUse = 0;
  return {
    take() {
      if (inUse >= max) throw new TooManyUploadsError(max);
      inUse += 1;
    },
    release() {
      inUse -= 1;
    },
  };
}
