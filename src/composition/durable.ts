import { sinkNames, type Config } from '../config';
import type { Readiness } from '../http/health-routes';
import type { Logger } from '../logger';
import type { DurableSources } from '../metrics/service-sources';
import type { Acceptor } from '../pipeline/acceptor';
import { createDurableAcceptor } from '../pipeline/durable-acceptor';
import { createSpoolAppender, type SpoolAppender } from '../spool/spool-appender';
import type { DeliveryObserver } from '../sinks/delivery-observer';
import { openSpoolDatabase, spoolPath } from '../spool/spool-database';
import { createSpoolGauges } from '../spool/spool-gauges';
import { deliverySettings, startInlineDelivery, type DeliveryHandle } from './delivery';
import { startDeliveryThread } from './delivery-thread';
import type { AwsCredentials } from './sinks';

/**
 * Readiness that tells the operator, in the logs, when it changes and why: the public `/readyz`
 * only says ready or not in one word, so the details (spool state, the last write error, each
 * sink's last error) are logged on every change.
 */
function readinessLogged(logger: Logger, check: () => Readiness & { details: Record<string, unknown> }): () => Readiness {
  let wasReady = true;
  return () => {
    const { ready, reason, details } = check();
    if (ready !== wasReady) {
      if (ready) logger.info('ready again', details);
      else logger.warn('not ready', { reason, ...details });
      wasReady = ready;
    }
    return reason === undefined ? { ready } : { ready, reason };
  };
}

/** Durable mode's parts on the HTTP thread. */
export interface DurableParts {
  acceptor: Acceptor;
  readiness: () => Readiness;
  spool: SpoolAppender;
  delivery: DeliveryHandle;
  /** What the metrics and `/status` read. */
  sources: DurableSources;
  close(graceMs: number): Promise<void>;
}

/**
 * `ACK_MODE=durable`: requests are committed by the appender (this thread's spool connection)
 * and delivered by the delivery side, on a worker thread or inline as `DELIVERY_THREAD` says.
 * Explicit credentials exist only in this thread's memory and cannot be handed to a worker.
 * `observer` is told what the delivery side does, wherever it runs. The spool's gauges read the
 * file on a read-only connection of their own.
 */
export function composeDurable(config: Config, logger: Logger, credentials: AwsCredentials | undefined, observer: DeliveryObserver): DurableParts {
  if (config.delivery.thread === 'worker' && credentials) {
    throw new Error('Explicit AWS credentials cannot be passed to the delivery worker thread: use DELIVERY_THREAD=inline.');
  }
  const { maxEvents, maxBytes } = config.spool;
  const spool = createSpoolAppender(openSpoolDatabase(spoolPath(config.spool.dataDir), config.spool.sync, { checkpoints: false }), { maxEvents, maxBytes });
  const settings = deliverySettings(config);
  const delivery =
    config.delivery.thread === 'worker'
      ? startDeliveryThread(settings, config.logLevel, spool, logger, observer)
      : startInlineDelivery(settings, spool, logger, observer, credentials);
  const gauges = createSpoolGauges(openSpoolDatabase(spoolPath(config.spool.dataDir), config.spool.sync, { readonly: true }), sinkNames(config));
  return {
    acceptor: createDurableAcceptor(spool, (seq) => {
      delivery.appended(seq);
    }),
    readiness: readinessLogged(logger, () => {
      const state = spool.state();
      const reason = state.refusal === undefined ? (delivery.failing() ? 'delivery-failing' : undefined) : `spool-${state.refusal}`;
      return { ready: reason === undefined, ...(reason ? { reason } : {}), details: { ...state, limits: spool.limits, sinks: delivery.health() } };
    }),
    spool,
    delivery,
    sources: {
      spoolLimits: spool.limits,
      spoolState: () => spool.state(),
      backlog: (now) => gauges.read(spool.storedEvents(), now),
      health: () => delivery.health(),
      thread: () => delivery.thread(),
    },
    async close(graceMs) {
      await delivery.close(graceMs);
      gauges.close();
      spool.close();
    },
  };
}
