import { PinpointClient, type PinpointClientConfig } from '@aws-sdk/client-pinpoint';
import type { AppDeps } from './app';
import type { Config } from './config';
import { createCors } from './http/cors';
import { createLegacyValidator } from './legacy/validator';
import type { Logger } from './logger';
import { createIngest } from './pipeline/ingest';
import { createUpstreamAcceptor } from './pipeline/upstream-acceptor';
import type { EventSink } from './sinks/event-sink';
import { createPinpointSink } from './sinks/pinpoint-sink';
import { createRateLimiter } from './sinks/rate-limiter';

/** The running service's parts, and how to stop them. */
export interface Deps {
  app: AppDeps;
  sinks: EventSink[];
  close(): Promise<void>;
}

/**
 * What the environment cannot carry safely. `credentials` replaces the SDK's default provider
 * chain, so tests and embedders can sign with explicit keys without touching `process.env`.
 */
export interface DepsOptions {
  credentials?: PinpointClientConfig['credentials'];
}

function createSink(name: string, config: Config, logger: Logger, options: DepsOptions): EventSink {
  switch (name) {
    case 'pinpoint':
      return createPinpointSink({
        client: new PinpointClient({
          region: config.awsRegion,
          ...(config.pinpointEndpoint ? { endpoint: config.pinpointEndpoint } : {}),
          ...(options.credentials ? { credentials: options.credentials } : {}),
          maxAttempts: 3,
        }),
        limiter: createRateLimiter(config.forwardMaxRps),
        logger: logger.child({ sink: 'pinpoint' }),
      });
    default:
      throw new Error(`SINK=${name} is not available yet`);
  }
}

/** The composition root: the only place that constructs SDK clients, databases and timers. */
export function createDeps(config: Config, logger: Logger, options: DepsOptions = {}): Deps {
  const sinks = config.sinks.map((name) => createSink(name, config, logger, options));
  const sink = sinks[0] as EventSink;
  const acceptor = createUpstreamAcceptor(sink, logger);
  const ingest = createIngest({
    validator: createLegacyValidator(),
    appIdMap: config.appIdMap,
    inflatedBodyLimit: config.inflatedBodyLimit,
    acceptor,
    logger,
  });
  return {
    app: {
      ingest,
      cors: createCors(config.corsOrigins),
      bodyLimit: config.bodyLimit,
      logger,
      now: Date.now,
      readiness: () => ({ ready: true, details: { ackMode: config.ackMode, sinks: config.sinks } }),
    },
    sinks,
    async close() {
      await Promise.all(sinks.map((s) => s.close()));
    },
  };
}
