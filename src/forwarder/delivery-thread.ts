import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Spool } from '../spool/spool';
import type { DeliveryWorkerData, FromDeliveryWorker, ToDeliveryWorker } from './delivery-messages';
import type { Forwarder, SinkHealth } from './forwarder';

/** The compiled worker script; absent when running from TypeScript sources (the tests). */
const DELIVERY_WORKER_FILE = path.join(__dirname, 'delivery-worker.js');

/** True when the delivery worker can be started (the service runs from `dist/`). */
export function deliveryWorkerAvailable(): boolean {
  return existsSync(DELIVERY_WORKER_FILE);
}

/**
 * The delivery thread's young generation, MB. Its garbage is short-lived (one lease's parsed
 * rows and records), so a small nursery costs little CPU; V8's default let it grow to tens of MB
 * (measured under the js-10 bench load: about 40 MB less peak RSS, delivery rate within noise).
 */
const WORKER_YOUNG_GENERATION_MB = 8;

/**
 * Runs the forwarder in a worker thread and presents it as a `Forwarder` to the HTTP thread.
 * The HTTP thread's spool only appends; it tells the worker what it committed (coalesced to one
 * message per tick) and learns from it what was delivered, so the full-spool check stays exact.
 */
export function startDeliveryThread(config: Config, spool: Spool, logger: Logger): Forwarder {
  const workerData: DeliveryWorkerData = { config };
  let health: SinkHealth[] = config.sinks.map((sink) => ({ sink, consecutiveFailures: 0 }));
  let stopping = false;
  let drained: (() => void) | undefined;
  let worker: Worker;
  let notifyScheduled = false;

  const start = (): void => {
    worker = new Worker(DELIVERY_WORKER_FILE, { workerData, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
    worker.on('message', (message: FromDeliveryWorker) => {
      switch (message.type) {
        case 'deleted':
          spool.noteDeleted(message.events);
          break;
        case 'health':
          health = message.health;
          break;
        case 'drained':
          drained?.();
          break;
        case 'ready':
          send({ type: 'appended', lastSeq: spool.lastAppendedSeq() });
          break;
      }
    });
    worker.on('error', (err) => logger.error('delivery thread failed', { reason: err.message, stack: err.stack }));
    worker.on('exit', (code) => {
      if (stopping) return;
      logger.error('delivery thread exited; restarting', { code });
      setTimeout(start, 1000).unref();
    });
  };
  const send = (message: ToDeliveryWorker): void => worker.postMessage(message);
  start();

  return {
    health: () => health,
    notify() {
      if (notifyScheduled) return;
      notifyScheduled = true;
      setImmediate(() => {
        notifyScheduled = false;
        send({ type: 'appended', lastSeq: spool.lastAppendedSeq() });
      });
    },
    async drain(graceMs) {
      stopping = true;
      const done = new Promise<void>((resolve) => (drained = resolve));
      send({ type: 'drain', graceMs });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([done, new Promise((resolve) => (timer = setTimeout(resolve, graceMs + 5000)))]);
      clearTimeout(timer);
      await worker.terminate();
    },
    async stop() {
      stopping = true;
      await worker.terminate();
    },
  };
}
