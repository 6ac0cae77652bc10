import type { AppDeps } from './app';
import { composeDurable } from './composition/durable';
import type { DeliveryHandle } from './composition/delivery';
import type { AwsCredentials } from './composition/sinks';
import { composeUpstream } from './composition/upstream';
import type { Config } from './config';
import { createCors } from './http/cors';
import type { Readiness } from './http/health-routes';
import { createLegacyValidator } from './legacy/validator';
import type { Logger } from './logger';
import type { Acceptor } from './pipeline/acceptor';
import { createIngest } from './pipeline/ingest';
import type { SpoolAppender } from './spool/spool-appender';

/** What the environment cannot carry safely: explicit AWS credentials for every AWS client (tests, embedders). */
export interface DepsOptions {
  credentials?: AwsCredentials;
}

/** The running service's parts, and how to stop them. */
export interface Deps {
  app: AppDeps;
  /** Durable mode: the HTTP thread's side of the spool. */
  spool?: SpoolAppender;
  /** Durable mode: the delivery side, wherever it runs. */
  delivery?: DeliveryHandle;
  /** Delivers what it can within `graceMs` (durable mode), then closes sinks and databases. */
  close(graceMs?: number): Promise<void>;
}

/** The HTTP app's dependencies over an acceptor: the ingest pipeline, CORS and limits. */
function appDeps(config: Config, logger: Logger, acceptor: Acceptor, readiness: () => Readiness): AppDeps {
  const ingest = createIngest({ validator: createLegacyValidator(), inflatedBodyLimit: config.http.inflatedBodyLimit, acceptor });
  const { corsOrigins, bodyLimit, maxConcurrentUploads, requestTimeoutMs, headersTimeoutMs } = config.http;
  return { ingest, cors: createCors(corsOrigins), bodyLimit, maxConcurrentUploads, requestTimeoutMs, headersTimeoutMs, logger, now: Date.now, readiness };
}

/**
 * The composition root of the HTTP thread: builds the ack mode's parts (`composition/`), the
 * only places that construct SDK clients, databases and timers, and the app over them.
 */
export function createDeps(config: Config, logger: Logger, options: DepsOptions = {}): Deps {
  if (config.ackMode === 'durable') {
    const durable = composeDurable(config, logger, options.credentials);
    return {
      app: appDeps(config, logger, durable.acceptor, durable.readiness),
      spool: durable.spool,
      delivery: durable.delivery,
      close: (graceMs = 0) => durable.close(graceMs),
    };
  }
  const upstream = composeUpstream(config, logger, options.credentials);
  return { app: appDeps(config, logger, upstream.acceptor, upstream.readiness), close: () => upstream.close() };
}
