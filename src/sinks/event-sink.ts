import type { EventEnvelope } from '../mapping/event-envelope';
import type { SinkError } from './sink-error';

/** An event the destination refused for good (it goes to the dead letters, never retried). */
export interface RejectedEvent {
  eventId: string;
  message: string;
}

/** An event that was not delivered this time and must be tried again. */
export interface FailedEvent {
  eventId: string;
  error: SinkError;
}

/**
 * What happened to each event of a delivery. Events in neither list were accepted.
 * `deliver` reports failures here instead of throwing, so that a partial success (one call of
 * several, or some records of a Kinesis batch) is acknowledged and only the rest retried.
 */
export interface DeliveryResult {
  rejected: RejectedEvent[];
  failed: FailedEvent[];
}

/** A destination for mapped events: Pinpoint, Kinesis, Firehose or the local store. */
export interface EventSink {
  /** Stable name, used as the spool's delivery cursor key. */
  readonly name: string;
  /** Largest number of events worth handing to one `deliver` call. */
  readonly maxBatchEvents: number;
  /**
   * Delivers events, in as many remote calls as the destination needs (one per application for
   * Pinpoint, by count and bytes for streams). A remote sink runs each call through its quota
   * pacer, so its quota holds whatever the caller hands it.
   */
  deliver(envelopes: readonly EventEnvelope[]): Promise<DeliveryResult>;
  close(): Promise<void>;
}

/** A result where nothing failed. */
export function deliveredAll(): DeliveryResult {
  return { rejected: [], failed: [] };
}

/** A result where every given event failed with the same error. */
export function allFailed(eventIds: readonly string[], error: SinkError): DeliveryResult {
  return { rejected: [], failed: eventIds.map((eventId) => ({ eventId, error })) };
}

/** Adds the verdicts of `more` to `into` and returns `into`. */
export function mergeResults(into: DeliveryResult, more: DeliveryResult): DeliveryResult {
  into.rejected.push(...more.rejected);
  into.failed.push(...more.failed);
  return into;
}
