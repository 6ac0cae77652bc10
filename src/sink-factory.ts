import { FirehoseClient } from '@aws-sdk/client-firehose';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { PinpointClient, type PinpointClientConfig } from '@aws-sdk/client-pinpoint';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Config, SinkName } from './config';
import { startForwarder, type Forwarder } from './forwarder/forwarder';
import { eventStorePath, openEventStore } from './local-store/event-store';
import type { Logger } from './logger';
import type { EventSink } from './sinks/event-sink';
import { createFirehoseSink } from './sinks/firehose-sink';
import { createKinesisSink } from './sinks/kinesis-sink';
import { createLocalSink } from './sinks/local-sink';
import { createPinpointSink } from './sinks/pinpoint-sink';
import { createRateLimiter } from './sinks/rate-limiter';
import { createRequestMapper } from './pipeline/map-and-report';
import { openSpoolDatabase, spoolPath } from './spool/spool-database';
import { Spool } from './spool/spool';
import { createPayloadDecoder } from './spool/spool-payload';

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
 * HTTP/1.1 with keep-alive and timeouts for every AWS client: the Kinesis client defaults to
 * HTTP/2, which kinesalite (and other local stand-ins) cannot speak; the timeouts keep a hung
 * call from holding a delivery (and a shutdown) forever.
 */
function http1Handler(): NodeHttpHandler {
  return new NodeHttpHandler({ connectionTimeout: 5000, requestTimeout: 30000 });
}

/** What every AWS client shares: region, optional endpoint override, credentials, handler, attempts. */
function awsClientConfig(config: Config, endpoint: string | undefined, options: DepsOptions) {
  return {
    region: config.awsRegion,
    ...(endpoint ? { endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    requestHandler: http1Handler(),
    maxAttempts: sdkAttempts(config),
  };
}

/** Builds one sink from the configuration (the SDK clients are constructed here). */
export function createSink(name: SinkName, config: Config, logger: Logger, options: DepsOptions): EventSink {
  switch (name) {
    case 'pinpoint':
      return createPinpointSink({
        client: new PinpointClient(awsClientConfig(config, config.pinpointEndpoint, options)),
        logger: logger.child({ sink: 'pinpoint' }),
      });
    case 'local':
      return createLocalSink(openEventStore(eventStorePath(config.dataDir)));
    case 'kinesis':
      return createKinesisSink({
        client: new KinesisClient(awsClientConfig(config, config.kinesisEndpoint, options)),
        streamName: config.kinesisStream as string,
        logger: logger.child({ sink: 'kinesis' }),
      });
    case 'firehose':
      return createFirehoseSink({
        client: new FirehoseClient(awsClientConfig(config, config.firehoseEndpoint, options)),
        deliveryStreamName: config.firehoseStream as string,
        logger: logger.child({ sink: 'firehose' }),
      });
  }
}

/**
 * The spool of `DATA_DIR`, for the HTTP thread or the delivery thread (each opens its own
 * connection). `checkpoints: false` leaves WAL checkpoints to the other connection.
 */
export function openConfiguredSpool(config: Config, logger: Logger, options: { checkpoints?: boolean } = {}): Spool {
  return new Spool({
    db: openSpoolDatabase(spoolPath(config.dataDir), config.spoolSync, options),
    sinks: config.sinks,
    maxEvents: config.spoolMaxEvents,
    now: Date.now,
    decode: createPayloadDecoder(createRequestMapper(config.appIdMap, logger)),
  });
}

/**
 * Share of `FORWARD_MAX_RPS` actually used. Calls spaced exactly at the quota leave no room for a
 * call that reaches the service a few ms late while the next is on time, and the 429 that follows
 * pauses the sink for 0.25–0.5 s (measured on the bench: one such 429 cost ~3 % of a 15 s window).
 * At 99 %, the 16th call starts 10 ms after the first has left the one-second window.
 */
const QUOTA_HEADROOM = 0.99;

/**
 * The forwarder over the configured sinks: remote sinks are paced just under `FORWARD_MAX_RPS`,
 * with evenly spaced calls (burst 1), since a burst would overshoot a quota counted per rolling
 * second.
 */
export function startConfiguredForwarder(
  config: Config,
  spool: Spool,
  sinks: readonly EventSink[],
  logger: Logger,
  onDeleted?: (events: number) => void,
): Forwarder {
  return startForwarder({
    spool,
    targets: sinks.map((sink) => ({
      sink,
      ...(sink.name === 'local' ? {} : { limiter: createRateLimiter(config.forwardMaxRps * QUOTA_HEADROOM, 1) }),
    })),
    concurrency: config.forwardConcurrency,
    lingerMs: config.forwardLingerMs,
    logger: logger.child({ component: 'forwarder' }),
    now: Date.now,
    ...(onDeleted ? { onDeleted } : {}),
  });
}
