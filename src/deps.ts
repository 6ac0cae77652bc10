import { FirehoseClient } from '@aws-sdk/client-firehose';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { PinpointClient, type PinpointClientConfig } from '@aws-sdk/client-pinpoint';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AppDeps } from './app';
import type { Config, SinkName } from './config';
import { startForwarder, type Forwarder } from './forwarder/forwarder';
import { createCors } from './http/cors';
import type { Readiness } from './http/health-routes';
import { createLegacyValidator } from './legacy/validator';
import { eventStorePath, openEventStore } from './local-store/event-store';
import type { Logger } from './logger';
import type { Acceptor } from './pipeline/acceptor';
import { createDurableAcceptor } from './pipeline/durable-acceptor';
import { createIngest } from './pipeline/ingest';
import { createUpstreamAcceptor } from './pipeline/upstream-acceptor';
import type { EventSink } from './sinks/event-sink';
import { createFanoutSink } from './sinks/fanout-sink';
import { createFirehoseSink } from './sinks/firehose-sink';
import { createKinesisSink } from './sinks/kinesis-sink';
import { createLocalSink } from './sinks/local-sink';
import { createPinpointSink } from './sinks/pinpoint-sink';
import { createRateLimiter } from './sinks/rate-limiter';
import { openSpoolDatabase, spoolPath } from './spool/spool-database';
import { Spool } from './spool/spool';

/** The running service's parts, and how to stop them. */
export interface Deps {
  app: AppDeps;
  sinks: EventSink[];
  /** Present in durable mode. */
  spool?: Spool;
  forwarder?: Forwarder;
  /** Delivers what it can within `graceMs` (durable mode), then closes sinks and databases. */
  close(graceMs?: number): Promise<void>;
}

/**
 * What the environment cannot carry safely. `credentials` replaces the SDK's default provider
 * chain for every AWS client, so tests and embedders can sign with explicit keys.
 */
export interface DepsOptions {
  credentials?: PinpointClientConfig['credentials'];
}

/**
 * SDK retries: in upstream mode the SDK retries throttling and 5xx itself (the client is
 * waiting); in durable mode the forwarder owns retries and backoff, so one attempt per call.
 */
function sdkAttempts(config: Config): number {
  return config.ackMode === 'durable' ? 1 : 3;
}

/**
 * HTTP/1.1 with keep-alive for Kinesis and Firehose: the Kinesis client defaults to HTTP/2,
 * which kinesalite (and other local stand-ins) cannot speak; AWS serves both equally well.
 */
function http1Handler(): NodeHttpHandler {
  return new NodeHttpHandler({ connectionTimeout: 5000, requestTimeout: 30000 });
}

function createSink(name: SinkName, config: Config, logger: Logger, options: DepsOptions): EventSink {
  switch (name) {
    case 'pinpoint':
      return createPinpointSink({
        client: new PinpointClient({
          region: config.awsRegion,
          ...(config.pinpointEndpoint ? { endpoint: config.pinpointEndpoint } : {}),
          ...(options.credentials ? { credentials: options.credentials } : {}),
          maxAttempts: sdkAttempts(config),
        }),
        logger: logger.child({ sink: 'pinpoint' }),
      });
    case 'local':
      return createLocalSink(openEventStore(eventStorePath(config.dataDir)));
    case 'kinesis':
      return createKinesisSink({
        client: new KinesisClient({
          region: config.awsRegion,
          ...(config.kinesisEndpoint ? { endpoint: config.kinesisEndpoint } : {}),
          ...(options.credentials ? { credentials: options.credentials } : {}),
          requestHandler: http1Handler(),
          maxAttempts: sdkAttempts(config),
        }),
        streamName: config.kinesisStream as string,
        logger: logger.child({ sink: 'kinesis' }),
      });
    case 'firehose':
      return createFirehoseSink({
        client: new FirehoseClient({
          region: config.awsRegion,
          ...(config.firehoseEndpoint ? { endpoint: config.firehoseEndpoint } : {}),
          ...(options.credentials ? { credentials: options.credentials } : {}),
          requestHandler: http1Handler(),
          maxAttempts: sdkAttempts(config),
        }),
        deliveryStreamName: config.firehoseStream as string,
        logger: logger.child({ sink: 'firehose' }),
      });
  }
}

/** The composition root: the only place that constructs SDK clients, databases and timers. */
export function createDeps(config: Config, logger: Logger, options: DepsOptions = {}): Deps {
  const sinks = config.sinks.map((name) => createSink(name, config, logger, options));
  let acceptor: Acceptor;
  let readiness: () => Readiness;
  let spool: Spool | undefined;
  let forwarder: Forwarder | undefined;
  if (config.ackMode === 'durable') {
    const durableSpool = new Spool({
      db: openSpoolDatabase(spoolPath(config.dataDir), config.spoolSync),
      sinks: sinks.map((s) => s.name),
      maxEvents: config.spoolMaxEvents,
      now: Date.now,
    });
    const running = startForwarder({
      spool: durableSpool,
      targets: sinks.map((sink) => ({
        sink,
        // Evenly spaced calls (burst 1): a burst would overshoot a quota counted per rolling second.
        ...(sink.name === 'local' ? {} : { limiter: createRateLimiter(config.forwardMaxRps, 1) }),
      })),
      concurrency: config.forwardConcurrency,
      lingerMs: config.forwardLingerMs,
      logger: logger.child({ component: 'forwarder' }),
      now: Date.now,
    });
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
    const sink = sinks.length === 1 ? (sinks[0] as EventSink) : createFanoutSink(sinks);
    acceptor = createUpstreamAcceptor(sink, logger);
    readiness = () => ({ ready: true, details: { ackMode: 'upstream', sinks: config.sinks } });
  }
  const ingest = createIngest({
    validator: createLegacyValidator(),
    appIdMap: config.appIdMap,
    inflatedBodyLimit: config.inflatedBodyLimit,
    acceptor,
    logger,
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
