import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SinkHealth } from '../forwarder/forwarder';
import type { Logger, LogLevel } from '../logger';
import type { SpoolAppender } from '../spool/spool-appender';
import type { DeliveryHandle, DeliverySettings } from './delivery';
import type { DeliveryWorkerData, FromDeliveryWorker, ToDeliveryWorker } from './delivery-messages';

/** The compiled worker script, next to this file in `dist/`. */
const DELIVERY_WORKER_FILE = path.join(__dirname, 'delivery-worker.js');

/**
 * The delivery thread's young generation, MB. Its garbage is short-lived (one lease's parsed
 * rows and records), so a small nursery costs little CPU; V8's default let it grow to tens of MB
 * (measured under the js-10 bench load: about 40 MB less peak RSS, delivery rate within noise).
 */
const WORKER_YOUNG_GENERATION_MB = 8;

/** Extra time past the grace period for the worker to close its sinks and database. */
const DRAIN_MARGIN_MS = 5000;

/**
 * `DELIVERY_THREAD=worker`: runs the delivery side in a worker thread and presents it to the
 * HTTP thread. The appender tells the worker what it committed (coalesced to one message per
 * tick) and learns from it what was deleted, so the full-spool check stays exact.
 */
export function startDeliveryThread(settings: DeliverySettings, logLevel: LogLevel, appender: SpoolAppender, logger: Logger): DeliveryHandle {
  if (!existsSync(DELIVERY_WORKER_FILE)) {
    throw new Error(`The delivery worker ${DELIVERY_WORKER_FILE} is missing: run the built service (npm run build), or set DELIVERY_THREAD=inline.`);
  }
  const workerData: DeliveryWorkerData = { settings, logLevel };
  let health: SinkHealth[] = settings.sinks.map((sink) => ({ sink: sink.name, consecutiveFailures: 0 }));
  let stopping = false;
  let drained: () => void = () => undefined;
  let worker: Worker;
  let notifyScheduled = false;

  const send = (message: ToDeliveryWorker): void => {
    worker.postMessage(message);
  };
  const start = (): void => {
    worker = new Worker(DELIVERY_WORKER_FILE, { workerData, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
    worker.on('message', (message: FromDeliveryWorker) => {
      switch (message.type) {
        case 'deleted':
          appender.noteDeleted(message.events);
          break;
        case 'health':
          health = message.health;
          break;
        case 'drained':
          drained();
          break;
        case 'ready':
          send({ type: 'appended', lastSeq: appender.lastAppendedSeq() });
          break;
      }
    });
    worker.on('error', (err) => {
      logger.error('delivery thread failed', { reason: err.message, stack: err.stack });
    });
    worker.on('exit', (code) => {
      if (stopping) return;
      logger.error('delivery thread exited; restarting', { code });
      setTimeout(start, 1000).unref();
    });
  };
  start();

  return {
    health: () => health,
    appended() {
      if (notifyScheduled) return;
      notifyScheduled = true;
      setImmediate(() => {
        notifyScheduled = false;
        send({ type: 'appended', lastSeq: appender.lastAppendedSeq() });
      });
    },
    async close(graceMs) {
      stopping = true;
      const done = new Promise<void>((resolve) => (drained = resolve));
      send({ type: 'drain', graceMs });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([done, new Promise((resolve) => (timer = setTimeout(resolve, graceMs + DRAIN_MARGIN_MS)))]);
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}
