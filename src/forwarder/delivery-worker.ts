import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../logger';
import { createSink, openConfiguredSpool, startConfiguredForwarder } from '../sink-factory';
import type { DeliveryWorkerData, FromDeliveryWorker, ToDeliveryWorker } from './delivery-messages';

/**
 * The delivery worker thread: its own connection to the spool, the sinks and the forwarder, so
 * that delivery (reading the spool, building records, calling the destinations, settling leases)
 * never competes with accepting requests on the HTTP thread's event loop.
 */
function runDeliveryWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('delivery-worker must run as a worker thread');
  const { config } = workerData as DeliveryWorkerData;
  const logger = createLogger(config.logLevel).child({ thread: 'delivery' });
  const post = (message: FromDeliveryWorker): void => port.postMessage(message);
  const sinks = config.sinks.map((name) => createSink(name, config, logger, {}));
  const spool = openConfiguredSpool(config, logger);
  const forwarder = startConfiguredForwarder(config, spool, sinks, logger, (events) => post({ type: 'deleted', events }));
  const healthTimer = setInterval(() => post({ type: 'health', health: forwarder.health() }), 250);
  port.on('message', (message: ToDeliveryWorker) => {
    if (message.type === 'appended') {
      spool.noteAppended(message.lastSeq);
      forwarder.notify();
      return;
    }
    clearInterval(healthTimer);
    void forwarder
      .drain(message.graceMs)
      .then(() => Promise.all(sinks.map((s) => s.close())))
      .then(() => {
        post({ type: 'health', health: forwarder.health() });
        spool.close();
        post({ type: 'drained' });
        port.close();
      });
  });
  post({ type: 'ready' });
}

runDeliveryWorker();
