import { FirehoseClient } from '@aws-sdk/client-firehose';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { PinpointClient, type PinpointClientConfig } from '@aws-sdk/client-pinpoint';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Clock } from '../clock';
import type { Config, SinkConfig } from '../config';
import { eventStorePath, openEventStore } from '../local-store/event-store';
import type { Logger } from '../logger';
import type { DeliveryObserver } from '../sinks/delivery-observer';
import type { EventSink } from '../sinks/event-sink';
import { createFirehoseSink } from '../sinks/firehose-sink';
import { createKinesisSink } from '../sinks/kinesis-sink';
import { createLocalSink } from '../sinks/local-sink';
import { createPinpointSink } from '../sinks/pinpoint-sink';
import { createQuotaPacer, type QuotaPacer } from '../sinks/quota-pacer';

/** AWS credentials that replace the SDK's default provider chain (tests and embedders). */
export type AwsCredentials = PinpointClientConfig['credentials'];

/** What building a sink needs besides its own settings. */
export interface SinkDeps {
  logger: Logger;
  clock: Clock;
  /**
   * Durable mode: the forwarder owns retries (one SDK attempt per call) and every remote call is
   * paced. Upstream mode: the device is waiting, so the SDK retries throttling and 5xx itself and
   * nothing is paced (a queue of waiting devices would only turn into timeouts).
   */
  ackMode: Config['ackMode'];
  credentials?: AwsCredentials;
  /** Told what the sinks do that the forwarder cannot see (events fitted to Pinpoint's limits). */
  observer?: DeliveryObserver;
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
function awsClientConfig(sink: { region: string; endpoint: string | undefined }, deps: SinkDeps) {
  return {
    region: sink.region,
    ...(sink.endpoint ? { endpoint: sink.endpoint } : {}),
    ...(deps.credentials ? { credentials: deps.credentials } : {}),
    requestHandler: http1Handler(),
    maxAttempts: deps.ackMode === 'durable' ? 1 : 3,
  };
}

/** Durable mode paces every remote call within `FORWARD_MAX_RPS`; upstream mode does not pace. */
function pacing(maxCallsPerSecond: number, deps: SinkDeps): { pacer?: QuotaPacer } {
  return deps.ackMode === 'durable' ? { pacer: createQuotaPacer(maxCallsPerSecond, deps.clock) } : {};
}

/** Builds one sink from its settings (the SDK clients and the local store are constructed here). */
export function createSink(sink: SinkConfig, deps: SinkDeps): EventSink {
  const logger = deps.logger.child({ sink: sink.name });
  switch (sink.name) {
    case 'local':
      return createLocalSink(openEventStore(eventStorePath(sink.dataDir)));
    case 'pinpoint':
      return createPinpointSink({
        client: new PinpointClient(awsClientConfig(sink, deps)),
        logger,
        ...pacing(sink.maxCallsPerSecond, deps),
        ...(deps.observer ? { observer: deps.observer } : {}),
      });
    case 'kinesis':
      return createKinesisSink({
        client: new KinesisClient(awsClientConfig(sink, deps)),
        streamName: sink.streamName,
        logger,
        ...pacing(sink.maxCallsPerSecond, deps),
      });
    case 'firehose':
      return createFirehoseSink({
        client: new FirehoseClient(awsClientConfig(sink, deps)),
        deliveryStreamName: sink.deliveryStreamName,
        logger,
        ...pacing(sink.maxCallsPerSecond, deps),
      });
  }
}
