import type { ValidatedRequest } from '../mapping/map-legacy-request';
import type { PinpointEventsInput } from '../mapping/map-pinpoint-request';

/**
 * Takes responsibility for a validated request: delivers it now (upstream mode) or stores it
 * durably (durable mode). Resolves only once the events are safe; throws a ProxyError otherwise.
 */
export interface Acceptor {
  /** Throws a RetryLaterError when no request can be taken now (a full spool), before any work is spent on it. */
  admit(): void;
  /** A legacy Mobile Analytics request. */
  accept(request: ValidatedRequest): Promise<void>;
  /**
   * A checked Pinpoint PutEvents request (`input.request` holding only the events that passed the
   * per-event checks; `input.profiles` the stored endpoint profiles of its endpoints). A request
   * whose events were all refused stores and sends nothing. Resolves with the events the
   * destination refused one by one, when it answered in the request (upstream mode).
   */
  acceptPinpoint(input: PinpointEventsInput): Promise<RefusedByDestination>;
}

/** Events a destination refused one by one, by their event id (`pinpointEventId`), with its message. */
export type RefusedByDestination = ReadonlyMap<string, string>;

/** Nothing refused: what an acceptor that stores (and answers before delivering) resolves with. */
export const NONE_REFUSED: RefusedByDestination = new Map();
