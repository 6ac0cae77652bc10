import { systemClock } from '../clock';
import type { Config } from '../config';
import type { Readiness } from '../http/health-routes';
import type { Logger } from '../logger';
import type { DeliveryObserver } from '../sinks/delivery-observer';
import { createRequestMapper } from '../mapping/request-mapper';
import type { Acceptor } from '../pipeline/acceptor';
import { createUpstreamAcceptor } from '../pipeline/upstream-acceptor';
import { createFanoutSink } from '../sinks/fanout-sink';
import { createSink, type AwsCredentials } from './sinks';

/** Upstream mode's parts. */
export interface UpstreamParts {
  acceptor: Acceptor;
  readiness: () => Readiness;
  close(): Promise<void>;
}

/**
 * `ACK_MODE=upstream`: each request is delivered to every sink before it is answered. `observer`
 * is told what the sinks do that the answer does not show (events fitted to Pinpoint's limits).
 */
export function composeUpstream(config: Config, logger: Logger, credentials: AwsCredentials | undefined, observer: DeliveryObserver): UpstreamParts {
  const sinkDeps = { logger, clock: systemClock, ackMode: config.ackMode, observer, ...(credentials ? { credentials } : {}) };
  const sinks = config.sinks.map((sink) => createSink(sink, sinkDeps));
  const [only] = sinks;
  const sink = only && sinks.length === 1 ? only : createFanoutSink(sinks);
  return {
    acceptor: createUpstreamAcceptor(sink, createRequestMapper(config.appIdMap), logger),
    readiness: () => ({ ready: true }),
    close: () => sink.close(),
  };
}
