import type { SinkErrorKind } from './sink-error';

/** One `deliver` call to a sink, as it ended. */
export interface DeliveryCall {
  sink: string;
  /** Events the destination took. */
  delivered: number;
  /** Events it refused for good (they become dead letters unless a split call takes them). */
  rejected: number;
  /** Events that were not delivered this time. */
  failed: number;
  /** The kind of the first failure, when an event failed. */
  failure: SinkErrorKind | undefined;
  durationMs: number;
}

/**
 * What the delivery side tells whoever watches it (the service's metrics): it knows nothing of
 * how the facts are counted or where they go, so the forwarder and the sinks stay free of any
 * metrics library, and the delivery worker thread can post the same facts to the HTTP thread.
 */
export interface DeliveryObserver {
  callFinished(call: DeliveryCall): void;
  /** A settled lease left `events` events of `sink` to be tried again later. */
  retryScheduled(sink: string, events: number): void;
  /** A settled lease put `events` events of `sink` among the dead letters. */
  deadLettered(sink: string, events: number): void;
  /** `events` events were fitted to the destination's limits before they were sent (a copy, as sent again on a retry). */
  eventsFitted(sink: string, events: number): void;
  /** `rows` spool rows could not be decoded for `sink` and were set aside. */
  rowsSetAside(sink: string, rows: number): void;
}

/** An observer that notes nothing: for components run without metrics (tests, tools). */
export const unobserved: DeliveryObserver = {
  callFinished: () => undefined,
  retryScheduled: () => undefined,
  deadLettered: () => undefined,
  eventsFitted: () => undefined,
  rowsSetAside: () => undefined,
};
