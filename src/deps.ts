import { FirehoseClient } from '@aws-sdk/client-firehose';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { PinpointClient } from '@aws-sdk/client-pinpoint';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AppDeps } from './app';
import type { Config } from './config';
import { createCors } from './http/cors';
import { createLegacyValidator } from './legacy/validator';
import type { Logger } from './logger';
import { createIngest } from './pipeline/ingest';
import { createUpstreamAcceptor } from './pipeline/upstream-acceptor';
import type { EventSink } from './sinks/event-sink';
import { createFirehoseSink } from './sinks/firehose-sink';
import { createKinesisSink } from './sinks/kinesis-sink';
import { createPinpointSink } from './sinks/pinpoint-sink';
import { createRateLimiter } from './sinks/rate-limiter';

/** The running service's parts, and how to stop them. */
export interface Deps {
  app: AppDeps;
  sinks: EventSink[];
  close(): Promise<void>;
}

/**
 * HTTP/1.1 with keep-alive for Kinesis and Firehose: the Kinesis client defaults to HTTP/2,
 * which kinesalite (and other local stand-ins) cannot speak; AWS serves both equally well.
 */
function http1Handler(): NodeHttpHandler {
  return new NodeHttpHandler({ connectionTimeout: 5000, requestTimeout: 30000 });
}

function createSink(name: string, config: Config, logger: Logger): EventSink {
  switch (name) {
    case 'pinpoint':
      return createPinpointSink({
        client: new PinpointClient({
          region: config.awsRegion,
          ...(config.pinpointEndpoint ? { endpoint: config.pinpointEndpoint } : {}),
          maxAttempts: 3,
        }),
        limiter: createRateLimiter(config.forwardMaxRps),
        logger: logger.child({ sink: 'pinpoint' }),
      });
    case 'kinesis':
      return createKinesisSink({
        client: new KinesisClient({
          region: config.awsRegion,
          ...(config.kinesisEndpoint ? { endpoint: config.kinesisEndpoint } : {}),
          requestHandler: http1Handler(),
          maxAttempts: 3,
        }),
        streamName: config.kinesisStream as string,
        logger: logger.child({ sink: 'kinesis' }),
      });
    case 'firehose':
      return createFirehoseSink({
        client: new FirehoseClient({
          region: config.awsRegion,
          ...(config.firehoseEndpoint ? { endpoint: config.firehoseEndpoint } : {}),
          requestHandler: http1Handler(),
          maxAttempts: 3,
        }),
        deliveryStreamName: config.firehoseStream as string,
        logger: logger.child({ sink: 'firehose' }),
      });
    default:
      throw new Error(`SINK=${name} is not available yet`);
  }
}

/** The composition root: the only place that constructs SDK clients, databases and timers. */
export function createDeps(config: Config, logger: Logger): Deps {
  const sinks = config.sinks.map((name) => createSink(name, config, logger));
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
