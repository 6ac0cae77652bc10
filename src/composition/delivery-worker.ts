import { parentPort, workerData } from 'node:worker_threads';
import { eventStorePath } from '../local-store/event-store';
import { createLogger } from '../logger';
import { spoolPath } from '../spool/spool-database';
import { nameDamagedFile } from '../sqlite-file';
import { errorCode, StorageError, type StorageKind } from '../storage-error';
import { createDelivery, type Delivery, type DeliverySettings } from './delivery';
import { postingObserver } from './delivery-observation';
import type { DeliveryWorkerData, FromDeliveryWorker, ToDeliveryWorker, WorkerError, WorkerStarted, WorkerStartup } from './delivery-messages';

/** How often the worker tells the HTTP thread its sinks' health (for `/readyz`), ms. */
const HEALTH_INTERVAL_MS = 250;

/** The database files the delivery side uses. */
function databaseFiles(settings: DeliverySettings): Array<{ file: string; kind: StorageKind }> {
  return [
    { file: spoolPath(settings.spool.dataDir), kind: 'spool' },
    ...settings.sinks.flatMap((sink) => (sink.name === 'local' ? [{ file: eventStorePath(sink.dataDir), kind: 'local store' as const }] : [])),
  ];
}

/**
 * An error as the HTTP thread gets it: name, message and code (a structured clone would drop the
 * code). SQLite's "database disk image is malformed" does not say which file: the worker checks
 * its files and names the damaged one.
 */
function toWorkerError(err: unknown, settings: DeliverySettings): WorkerError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const named = nameDamagedFile(err, databaseFiles(settings));
  const described = named instanceof Error ? named : err;
  const code = errorCode(err);
  return {
    name: described.name,
    message: described.message,
    ...(code !== undefined ? { code } : {}),
    ...(described instanceof StorageError ? { path: described.path } : {}),
    ...(err.stack !== undefined ? { stack: err.stack } : {}),
  };
}

/** Answers the HTTP thread that waits for the first worker's start. */
function reportStart(startup: WorkerStartup | undefined, message: WorkerStarted): void {
  if (!startup) return;
  startup.port.postMessage(message);
  Atomics.store(startup.signal, 0, 1);
  Atomics.notify(startup.signal, 0);
}

/**
 * The delivery worker thread: the delivery side (`createDelivery`) on its own event loop, so
 * that reading the spool, building records, calling the destinations and settling leases never
 * compete with accepting requests on the HTTP thread.
 *
 * An error nothing caught (opening the spool, a lease on a damaged page, a full disk while
 * settling) ends the thread: it tells the HTTP thread `failed` with the error's name, message and
 * code first, and the HTTP thread logs it and restarts the worker after a backoff.
 */
function runDeliveryWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('delivery-worker must run as a worker thread');
  const { settings, logLevel, startup } = workerData as DeliveryWorkerData;
  const logger = createLogger(logLevel).child({ thread: 'delivery' });
  const post = (message: FromDeliveryWorker): void => {
    port.postMessage(message);
  };
  let failed = false;
  const fail = (err: unknown): void => {
    if (failed) return;
    failed = true;
    const error = toWorkerError(err, settings);
    post({ type: 'failed', error });
    reportStart(startup, { type: 'failed', error });
    // Ends this thread only; messages already posted reach the HTTP thread before its 'exit' event.
    process.exit(1);
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);

  let delivery: Delivery;
  try {
    delivery = createDelivery(settings, {
      logger,
      onDeleted: (events) => {
        post({ type: 'deleted', events });
      },
      observer: postingObserver((observation) => {
        post({ type: 'observed', observation });
      }),
    });
  } catch (err: unknown) {
    fail(err);
    return;
  }
  reportStart(startup, { type: 'ready' });
  const healthTimer = setInterval(() => {
    post({ type: 'health', health: delivery.forwarder.health() });
  }, HEALTH_INTERVAL_MS);
  port.on('message', (message: ToDeliveryWorker) => {
    switch (message.type) {
      case 'appended':
        delivery.appended(message.lastSeq);
        return;
      case 'drain':
        clearInterval(healthTimer);
        void delivery
          .close(message.graceMs)
          .catch((err: unknown) => {
            logger.error('delivery stop failed', { reason: err instanceof Error ? err.message : String(err) });
          })
          .finally(() => {
            post({ type: 'health', health: delivery.forwarder.health() });
            post({ type: 'drained' });
            port.close();
          });
        return;
    }
  });
  post({ type: 'ready' });
}

runDeliveryWorker();
