import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../logger';
import { createDelivery } from './delivery';
import type { DeliveryWorkerData, FromDeliveryWorker, ToDeliveryWorker } from './delivery-messages';

/** How often the worker tells the HTTP thread its sinks' health (for `/readyz`), ms. */
const HEALTH_INTERVAL_MS = 250;

/**
 * The delivery worker thread: the delivery side (`createDelivery`) on its own event loop, so
 * that reading the spool, building records, calling the destinations and settling leases never
 * compete with accepting requests on the HTTP thread.
 */
function runDeliveryWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('delivery-worker must run as a worker thread');
  const { settings, logLevel } = workerData as DeliveryWorkerData;
  const logger = createLogger(logLevel).child({ thread: 'delivery' });
  const post = (message: FromDeliveryWorker): void => {
    port.postMessage(message);
  };
  const delivery = createDelivery(settings, {
    logger,
    onDeleted: (events) => {
      post({ type: 'deleted', events });
    },
  });
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
