import type { SinkHealth } from '../forwarder/forwarder';
import type { LogLevel } from '../logger';
import type { DeliverySettings } from './delivery';

/** What the HTTP thread hands the delivery worker at start. */
export interface DeliveryWorkerData {
  settings: DeliverySettings;
  logLevel: LogLevel;
}

/** HTTP thread → delivery worker. */
export type ToDeliveryWorker = { type: 'appended'; lastSeq: number } | { type: 'drain'; graceMs: number };

/** Delivery worker → HTTP thread. */
export type FromDeliveryWorker =
  | { type: 'ready' }
  | { type: 'deleted'; events: number }
  | { type: 'health'; health: SinkHealth[] }
  | { type: 'drained' };
