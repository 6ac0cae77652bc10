import { existsSync } from 'node:fs';
import path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { SinkHealth } from '../forwarder/forwarder';
import type { Logger, LogLevel } from '../logger';
import type { DeliveryObserver } from '../sinks/delivery-observer';
import type { SpoolAppender } from '../spool/spool-appender';
import { errorFields } from '../error-fields';
import type { DeliveryHandle, DeliverySettings } from './delivery';
import { applyObservation } from './delivery-observation';
import type { DeliveryWorkerData, FromDeliveryWorker, ToDeliveryWorker, WorkerError, WorkerStarted, WorkerStartup } from './delivery-messages';

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
 * How long start-up waits for the first worker to open its side (the spool, the local store),
 * ms. Past it the service starts anyway, and a failure is handled like any later one.
 */
const STARTUP_TIMEOUT_MS = 30_000;

/**
 * Restarts of a failed delivery thread: 1 s before the first, doubling up to 60 s; a thread that
 * ran for a minute before failing starts the schedule again.
 */
export const DELIVERY_RESTART_BACKOFF = { firstDelayMs: 1000, maxDelayMs: 60_000, resetAfterMs: 60_000 } as const;

/** The delay before restart number `attempt` (1, 2, ...): 1 s, 2 s, 4 s, ... at most 60 s. */
export function restartDelayMs(attempt: number): number {
  const { firstDelayMs, maxDelayMs } = DELIVERY_RESTART_BACKOFF;
  return Math.min(maxDelayMs, firstDelayMs * 2 ** Math.max(0, attempt - 1));
}

/** Restarts in a row after which the delivery side counts as failing (readiness turns 503). */
const FAILING_AFTER_RESTARTS = 3;

/** The number of the next restart, after a thread that ran `ranMs` since the previous restart (0: none yet). */
export function nextRestartAttempt(previousAttempt: number, ranMs: number): number {
  return ranMs >= DELIVERY_RESTART_BACKOFF.resetAfterMs ? 1 : previousAttempt + 1;
}

/** A worker's error in one phrase for a log line, e.g. `SqliteError SQLITE_CORRUPT: database disk image is malformed`. */
export function describeWorkerError(error: WorkerError): string {
  return `${error.name}${error.code !== undefined ? ` ${error.code}` : ''}: ${error.message}`;
}

/** An error the worker thread emitted itself (it could not run our handlers, e.g. out of memory). */
function fromErrorEvent(err: unknown): WorkerError {
  const { name, code, message } = errorFields(err);
  const stack = err instanceof Error ? err.stack : undefined;
  return { name, message, ...(code !== undefined ? { code } : {}), ...(stack !== undefined ? { stack } : {}) };
}

/** The first worker could not open its side: thrown to the caller of `startDeliveryThread` (start-up fails). */
class DeliveryStartError extends Error {
  readonly code: string | undefined;
  readonly path: string | undefined;

  constructor(error: WorkerError) {
    super(error.message);
    this.name = error.name;
    this.code = error.code;
    this.path = error.path;
  }
}

/**
 * `DELIVERY_THREAD=worker`: runs the delivery side in a worker thread and presents it to the
 * HTTP thread. The appender tells the worker what it committed (coalesced to one message per
 * tick) and learns from it what was deleted, so the full-spool check stays exact.
 *
 * Start-up waits (synchronously, before the service listens) until the first worker has opened
 * the spool and its sinks, and throws what it could not open. A worker that fails later is
 * logged once (`delivery thread failed`: name, message, code) and restarted with a backoff
 * (`delivery thread restarting`: attempt, delay, reason). What the worker's forwarder and sinks
 * tell their observer arrives as messages and is handed to `observer` here.
 */
export function startDeliveryThread(
  settings: DeliverySettings,
  logLevel: LogLevel,
  appender: SpoolAppender,
  logger: Logger,
  observer: DeliveryObserver,
): DeliveryHandle {
  if (!existsSync(DELIVERY_WORKER_FILE)) {
    throw new Error(`The delivery worker ${DELIVERY_WORKER_FILE} is missing: run the built service (npm run build), or set DELIVERY_THREAD=inline.`);
  }
  let health: SinkHealth[] = settings.sinks.map((sink) => ({ sink: sink.name, consecutiveFailures: 0 }));
  let stopping = false;
  let drained: () => void = () => undefined;
  /** The running worker; undefined while a restart waits. */
  let worker: Worker | undefined;
  let attempt = 0;
  /** Workers started after one failed, since the service started. */
  let restarts = 0;
  /** When the current (or last) worker started. */
  let lastStart = Date.now();
  let restartTimer: NodeJS.Timeout | undefined;
  let notifyScheduled = false;

  const send = (message: ToDeliveryWorker): void => {
    worker?.postMessage(message);
  };
  const start = (startup?: WorkerStartup): Worker => {
    lastStart = Date.now();
    const workerData: DeliveryWorkerData = { settings, logLevel, ...(startup ? { startup } : {}) };
    const thread = new Worker(DELIVERY_WORKER_FILE, {
      workerData,
      transferList: startup ? [startup.port] : [],
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    worker = thread;
    let failure: WorkerError | undefined;
    const noteFailure = (error: WorkerError): void => {
      if (failure) return;
      failure = error;
      logger.error('delivery thread failed', {
        error: error.name,
        ...(error.code !== undefined ? { code: error.code } : {}),
        reason: error.message,
        ...(error.path !== undefined ? { path: error.path } : {}),
      });
      if (error.stack !== undefined) logger.debug('delivery thread failed: stack', { stack: error.stack });
    };
    thread.on('message', (message: FromDeliveryWorker) => {
      switch (message.type) {
        case 'deleted':
          appender.noteDeleted(message.events);
          break;
        case 'health':
          health = message.health;
          break;
        case 'observed':
          applyObservation(observer, message.observation);
          break;
        case 'drained':
          drained();
          break;
        case 'ready':
          send({ type: 'appended', lastSeq: appender.lastAppendedSeq() });
          break;
        case 'failed':
          noteFailure(message.error);
          break;
      }
    });
    thread.on('error', (err) => {
      noteFailure(fromErrorEvent(err));
    });
    thread.on('exit', (exitCode) => {
      if (worker === thread) worker = undefined;
      if (stopping) {
        drained();
        return;
      }
      attempt = nextRestartAttempt(attempt, Date.now() - lastStart);
      const delayMs = restartDelayMs(attempt);
      logger.warn('delivery thread restarting', {
        attempt,
        delayMs,
        exitCode,
        reason: failure ? describeWorkerError(failure) : `exited with code ${exitCode}`,
      });
      restartTimer = setTimeout(() => {
        restartTimer = undefined;
        if (stopping) return;
        restarts += 1;
        start();
      }, delayMs).unref();
    });
    return thread;
  };

  const channel = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const first = start({ port: channel.port2, signal });
  Atomics.wait(signal, 0, 0, STARTUP_TIMEOUT_MS);
  const started = receiveMessageOnPort(channel.port1)?.message as WorkerStarted | undefined;
  channel.port1.close();
  if (started?.type === 'failed') {
    stopping = true;
    first.removeAllListeners();
    first.on('error', () => undefined);
    void first.terminate();
    throw new DeliveryStartError(started.error);
  }
  if (!started) logger.warn('delivery thread slow to start; not waiting for it', { waitedMs: STARTUP_TIMEOUT_MS });

  return {
    health: () => health,
    // Failing: restarted again and again, and no worker has since run for a minute.
    failing: () => attempt >= FAILING_AFTER_RESTARTS && Date.now() - lastStart < DELIVERY_RESTART_BACKOFF.resetAfterMs,
    thread: () => ({ mode: 'worker', running: worker !== undefined, restarts }),
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
      clearTimeout(restartTimer);
      const current = worker;
      if (!current) return;
      const done = new Promise<void>((resolve) => (drained = resolve));
      current.postMessage({ type: 'drain', graceMs } satisfies ToDeliveryWorker);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([done, new Promise((resolve) => (timer = setTimeout(resolve, graceMs + DRAIN_MARGIN_MS)))]);
      clearTimeout(timer);
      await current.terminate();
    },
  };
}
