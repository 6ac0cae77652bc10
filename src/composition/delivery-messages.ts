import type { MessagePort } from 'node:worker_threads';
import type { SinkHealth } from '../forwarder/forwarder';
import type { LogLevel } from '../logger';
import type { DeliveryCall } from '../sinks/delivery-observer';
import type { DeliverySettings } from './delivery';

/**
 * How the first delivery worker reports that its side is open (or why it is not) while the HTTP
 * thread waits for it synchronously: one `WorkerStarted` message on `port`, then `signal[0]` set
 * to 1 and notified (`Atomics`).
 */
export interface WorkerStartup {
  port: MessagePort;
  signal: Int32Array;
}

/** What the HTTP thread hands the delivery worker at start. */
export interface DeliveryWorkerData {
  settings: DeliverySettings;
  logLevel: LogLevel;
  /** Only for the first worker, whose start the HTTP thread waits for. */
  startup?: WorkerStartup;
}

/**
 * An error as it crosses the thread boundary. A structured clone keeps an `Error`'s message but
 * not its own properties (a `SqliteError`'s `code`), so the worker sends the fields themselves.
 */
export interface WorkerError {
  name: string;
  message: string;
  code?: string;
  /** The database file, when the error names one (`StorageError`). */
  path?: string;
  /** Logged at debug only. */
  stack?: string;
}

/** The first worker's answer on its startup port. */
export type WorkerStarted = { type: 'ready' } | { type: 'failed'; error: WorkerError };

/**
 * One `DeliveryObserver` call as it crosses to the HTTP thread, whose registry counts it: a
 * call, or a count of events (rows for `set-aside`) of one sink.
 */
export type DeliveryObservation =
  | { kind: 'call'; call: DeliveryCall }
  | { kind: 'retry' | 'dead-letter' | 'fitted' | 'set-aside'; sink: string; count: number };

/** HTTP thread → delivery worker. */
export type ToDeliveryWorker = { type: 'appended'; lastSeq: number } | { type: 'drain'; graceMs: number };

/** Delivery worker → HTTP thread. `failed`: an uncaught error or rejection; the worker exits next. */
export type FromDeliveryWorker =
  | { type: 'ready' }
  | { type: 'deleted'; events: number }
  | { type: 'health'; health: SinkHealth[] }
  | { type: 'observed'; observation: DeliveryObservation }
  | { type: 'drained' }
  | { type: 'failed'; error: WorkerError };
