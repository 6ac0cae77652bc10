import { systemClock } from '../clock';
import { sinkNames, type Config } from '../config';
import { startForwarder, type Forwarder, type SinkHealth } from '../forwarder/forwarder';
import type { Logger } from '../logger';
import { createRequestMapper } from '../mapping/request-mapper';
import type { DeliveryThreadState } from '../metrics/service-sources';
import type { DeliveryObserver } from '../sinks/delivery-observer';
import { createDeliveryQueue } from '../spool/delivery-queue';
import type { SpoolAppender } from '../spool/spool-appender';
import { openSpoolDatabase, spoolPath } from '../spool/spool-database';
import { createSink, type AwsCredentials } from './sinks';

/** The parts of the configuration the delivery side uses. */
export type DeliverySettings = Pick<Config, 'spool' | 'delivery' | 'sinks' | 'appIdMap' | 'ackMode'>;

/** Takes the delivery side's part of the configuration (what a worker thread is handed). */
export function deliverySettings(config: Config): DeliverySettings {
  const { spool, delivery, sinks, appIdMap, ackMode } = config;
  return { spool, delivery, sinks, appIdMap, ackMode };
}

/** The delivery side, running: its forwarder, and how to stop it. */
export interface Delivery {
  forwarder: Forwarder;
  /** The appender committed rows up to `seq`: the queue may lease them; idle workers wake. */
  appended(seq: number): void;
  /** Delivers what it can within `graceMs`, then closes the sinks and the queue's connection. */
  close(graceMs: number): Promise<void>;
}

/** What the delivery side needs besides its settings. */
export interface DeliveryDeps {
  logger: Logger;
  /** Told how many stored events each settled lease deleted. */
  onDeleted: (events: number) => void;
  /** Told of every delivery call, retry, dead letter and fitted event (the service's metrics). */
  observer: DeliveryObserver;
  credentials?: AwsCredentials;
}

/**
 * Builds the delivery side: its own connection to the spool (the queue), the sinks, and the
 * forwarder that moves events from one to the other. The same function runs on the delivery
 * worker thread and, with `DELIVERY_THREAD=inline`, on the HTTP thread.
 */
export function createDelivery(settings: DeliverySettings, deps: DeliveryDeps): Delivery {
  const { logger } = deps;
  const clock = systemClock;
  const queue = createDeliveryQueue({
    db: openSpoolDatabase(spoolPath(settings.spool.dataDir), settings.spool.sync),
    sinks: sinkNames(settings),
    now: clock.now,
  });
  const { observer } = deps;
  const sinkDeps = { logger, clock, ackMode: settings.ackMode, observer, ...(deps.credentials ? { credentials: deps.credentials } : {}) };
  const sinks = settings.sinks.map((sink) => createSink(sink, sinkDeps));
  const forwarder = startForwarder({
    queue,
    sinks,
    mapRequest: createRequestMapper(settings.appIdMap),
    concurrency: settings.delivery.concurrency,
    lingerMs: settings.delivery.lingerMs,
    logger: logger.child({ component: 'forwarder' }),
    clock,
    onDeleted: deps.onDeleted,
    observer,
  });
  return {
    forwarder,
    appended(seq) {
      queue.noteAppended(seq);
      forwarder.notify();
    },
    async close(graceMs) {
      await forwarder.drain(graceMs);
      await Promise.all(sinks.map((sink) => sink.close()));
      queue.close();
    },
  };
}

/** The delivery side as the HTTP thread sees it, wherever it runs. */
export interface DeliveryHandle {
  /** The appender committed rows up to `seq`. */
  appended(seq: number): void;
  health(): SinkHealth[];
  /**
   * True while the delivery side keeps failing (a worker thread restarted again and again): the
   * instance accepts events it cannot deliver, so readiness drains it.
   */
  failing(): boolean;
  /** Where the delivery side runs, whether it runs now, and how often it was restarted. */
  thread(): DeliveryThreadState;
  /** Delivers what it can within `graceMs`, then stops. */
  close(graceMs: number): Promise<void>;
}

/** `DELIVERY_THREAD=inline`: the delivery side on the HTTP thread (its own spool connection all the same). */
export function startInlineDelivery(
  settings: DeliverySettings,
  appender: SpoolAppender,
  logger: Logger,
  observer: DeliveryObserver,
  credentials?: AwsCredentials,
): DeliveryHandle {
  const delivery = createDelivery(settings, {
    logger,
    onDeleted: (events) => {
      appender.noteDeleted(events);
    },
    observer,
    ...(credentials ? { credentials } : {}),
  });
  return {
    appended: (seq) => {
      delivery.appended(seq);
    },
    health: () => delivery.forwarder.health(),
    // Inline, a failure of the delivery side is a failure of the process: nothing to report here.
    failing: () => false,
    thread: () => ({ mode: 'inline', running: true, restarts: 0 }),
    close: (graceMs) => delivery.close(graceMs),
  };
}
