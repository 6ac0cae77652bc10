import type { ValidatedRequest } from '../mapping/map-legacy-request';

/**
 * Takes responsibility for a validated request: delivers it now (upstream mode) or stores it
 * durably (durable mode). Resolves only once the events are safe; throws a ProxyError otherwise.
 */
export interface Acceptor {
  /** Throws a RetryLaterError when no request can be taken now (a full spool), before any work is spent on it. */
  admit(): void;
  accept(request: ValidatedRequest): Promise<void>;
}
