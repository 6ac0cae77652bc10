import type { AppDeps } from './app';
import type { Config } from './config';
import { deliveryWorkerAvailable, startDeliveryThread } from './forwarder/delivery-thread';
import type { Forwarder } from './forwarder/forwarder';
import { createCors } from './http/cors';
import type { Readiness } from './http/health-routes';
import { createLegacyValidator } from './legacy/validator';
import type { Logger } from './logger';
import type { Acceptor } from './pipeline/acceptor';
import { createDurableAcceptor } from './pipeline/durable-acceptor';
import { createIngest } from './pipeline/ingest';
import { createRequestMapper } from './pipeline/map-and-report';
import { createUpstreamAcceptor } from './pipeline/upstream-acceptor';
import { createSink, openConfiguredSpool, startConfiguredForwarder, type DepsOptions } from './sink-factory';
import type { EventSink } from './sinks/event-sink';
import { createFanoutSink } from './sinks/fanout-sink';
import type { Spool } from './spool/spool';

export type { DepsOptions } from './sink-factory';

/** The running service's parts, and how to stop them. */
export interface Deps {
  app: AppDeps;
  /** Sinks living on this thread (none when a delivery worker thread owns them). */
  sinks: EventSink[];
  /** Present in durable mode. */
  spool?: Spool;
  forwarder?: Forwarder;
  /** Delivers what it can within `graceMs` (durable mode), then closes sinks and databases. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Durable mode delivers from a worker thread unless `DELIVERY_THREAD=inline`, or the compiled
 * worker is absent (running from TypeScript sources, as the tests do), or explicit credentials
 * were given (they cannot cross to another thread).
 */
function useDeliveryWorker(config: Config, options: DepsOptions): boolean {
  return config.deliveryThread === 'worker' && !options.credentials && deliveryWorkerAvailable();
}

/** The composition root: the only place that constructs SDK clients, databases and timers. */
export function createDeps(config: Config, logger: Logger, options: DepsOptions = {}): Deps {
  let sinks: EventSink[] = [];
  let acceptor: Acceptor;
  let readiness: () => Readiness;
  let spool: Spool | undefined;
  let forwarder: Forwarder | undefined;
  if (config.ackMode === 'durable') {
    const worker = useDeliveryWorker(config, options);
    const durableSpool = openConfiguredSpool(config, logger, { checkpoints: !worker });
    let running: Forwarder;
    if (worker) {
      running = startDeliveryThread(config, durableSpool, logger);
    } else {
      sinks = config.sinks.map((name) => createSink(name, config, logger, options));
      running = startConfiguredForwarder(config, durableSpool, sinks, logger);
    }
    spool = durableSpool;
    forwarder = running;
    acceptor = createDurableAcceptor(durableSpool, running.notify);
    readiness = () => {
      const usable = durableSpool.isUsable();
      const full = durableSpool.isFull();
      return {
        ready: usable && !full,
        details: {
          ackMode: 'durable',
          spool: { usable, full, storedEvents: durableSpool.storedEvents(), maxEvents: config.spoolMaxEvents },
          sinks: running.health(),
        },
      };
    };
  } else {
    sinks = config.sinks.map((name) => createSink(name, config, logger, options));
    const sink = sinks.length === 1 ? (sinks[0] as EventSink) : createFanoutSink(sinks);
    acceptor = createUpstreamAcceptor(sink, createRequestMapper(config.appIdMap, logger), logger);
    readiness = () => ({ ready: true, details: { ackMode: 'upstream', sinks: config.sinks } });
  }
  const ingest = createIngest({
    validator: createLegacyValidator(),
    inflatedBodyLimit: config.inflatedBodyLimit,
    acceptor,
  });
  return {
    app: { ingest, cors: createCors(config.corsOrigins), bodyLimit: config.bodyLimit, logger, now: Date.now, readiness },
    sinks,
    spool,
    forwarder,
    async close(graceMs = 0) {
      await forwarder?.drain(graceMs);
      await Promise.all(sinks.map((s) => s.close()));
      spool?.close();
    },
  };
}
