import type { AppDeps } from './app';
import type { AccessControl } from './access/access-control';
import { systemClock } from './clock';
import { composeAccess } from './composition/access';
import { composeDurable } from './composition/durable';
import { openEndpointProfileStore } from './composition/endpoint-profiles';
import type { DeliveryHandle } from './composition/delivery';
import type { DurableSources } from './metrics/service-sources';
import { composeObservability } from './composition/observability';
import { composeRecording, type RecordingParts } from './composition/recording';
import type { AwsCredentials } from './composition/sinks';
import { composeUpstream } from './composition/upstream';
import { sinkNames, type Config } from './config';
import { createCors } from './http/cors';
import type { Readiness } from './http/health-routes';
import { createLegacyValidator } from './legacy/validator';
import type { Logger } from './logger';
import type { RequestMetrics } from './metrics/request-metrics';
import { createServiceMetrics, type Observability, type ServiceMetrics } from './metrics/service-metrics';
import type { EndpointProfileStore } from './endpoint-profiles/endpoint-profile-store';
import { createEndpointRequestChecker } from './pinpoint-api/endpoint-request-checks';
import { createEventsRequestChecker } from './pinpoint-api/events-request-checks';
import type { Acceptor } from './pipeline/acceptor';
import { createByteBudget } from './pipeline/byte-budget';
import { createIngest, WORK_BUDGET_BYTES } from './pipeline/ingest';
import { createPinpointIngest } from './pipeline/pinpoint-ingest';
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
  /** The service's metrics (fed by the events route and the delivery side). */
  metrics: ServiceMetrics;
  /** What the admin port serves about the service: `/metrics` and `/status`. */
  observability: Observability;
  /**
   * Delivers what it can within `graceMs` (durable mode) and writes the recording's queue within the
   * same time, then closes sinks, databases and the recording file.
   */
  close(graceMs?: number): Promise<void>;
}

/** What the HTTP app is built over, beside the config and the logger. */
interface AppParts {
  acceptor: Acceptor;
  readiness: () => Readiness;
  recording: RecordingParts;
  access: AccessControl;
  metrics: RequestMetrics;
  profiles: EndpointProfileStore;
}

/**
 * The HTTP app's dependencies over an acceptor: the two ingest pipelines (legacy and
 * Pinpoint-native, sharing one byte budget), CORS, limits, the recorder, the access checks and the
 * request metrics.
 */
function appDeps(config: Config, logger: Logger, parts: AppParts): AppDeps {
  const { acceptor, readiness, recording, access, metrics, profiles } = parts;
  const { inflatedBodyLimit } = config.http;
  const budget = createByteBudget(WORK_BUDGET_BYTES);
  const ingest = createIngest({ validator: createLegacyValidator(), inflatedBodyLimit, acceptor, budget });
  const pinpoint = createPinpointIngest({
    checkEvents: createEventsRequestChecker(),
    checkEndpoint: createEndpointRequestChecker(),
    profiles,
    acceptor,
    inflatedBodyLimit,
    budget,
  });
  const { corsOrigins, bodyLimit, pinpointBodyLimit, maxConcurrentUploads, requestTimeoutMs, headersTimeoutMs } = config.http;
  const { recorder } = recording;
  return { ingest, pinpoint, pinpointBodyLimit, cors: createCors(corsOrigins), bodyLimit, maxConcurrentUploads, requestTimeoutMs, headersTimeoutMs, logger, now: Date.now, readiness, recorder, access, metrics };
}

/**
 * The composition root of the HTTP thread: builds the ack mode's parts (`composition/`), the
 * only places that construct SDK clients, databases and timers, and the app over them.
 */
export function createDeps(config: Config, logger: Logger, options: DepsOptions = {}): Deps {
  // First: a bad AUTH_CREDENTIALS_FILE stops start-up before anything is opened or started.
  const access = composeAccess(config.access, systemClock, logger);
  const mode = composeAckMode(config, logger, options);
  const { metrics } = mode;
  const recording = composeRecording(config.recording, logger);
  const profiles = openEndpointProfileStore(config, logger);
  return {
    app: appDeps(config, logger, { acceptor: mode.acceptor, readiness: mode.readiness, recording, access, metrics: metrics.requests, profiles }),
    ...(mode.spool ? { spool: mode.spool } : {}),
    ...(mode.delivery ? { delivery: mode.delivery } : {}),
    metrics,
    observability: composeObservability(config, metrics, { readiness: mode.readiness, durable: mode.sources, recorder: recording.recorder }),
    close: async (graceMs = 0) => {
      await Promise.all([mode.close(graceMs), recording.close(graceMs)]);
      profiles.close();
    },
  };
}

/** What differs between the ack modes: the metrics' sinks, the acceptor, readiness, the spool's parts and their close. */
interface AckModeParts {
  metrics: ServiceMetrics;
  acceptor: Acceptor;
  readiness: () => Readiness;
  /** Durable mode: the spool's sources for the metrics and `/status`. */
  sources: DurableSources | undefined;
  spool?: SpoolAppender;
  delivery?: DeliveryHandle;
  close(graceMs: number): Promise<void>;
}

function composeAckMode(config: Config, logger: Logger, options: DepsOptions): AckModeParts {
  if (config.ackMode === 'durable') {
    const metrics = createServiceMetrics(sinkNames(config));
    const durable = composeDurable(config, logger, options.credentials, metrics.delivery);
    const { acceptor, readiness, sources, spool, delivery } = durable;
    return { metrics, acceptor, readiness, sources, spool, delivery, close: (graceMs) => durable.close(graceMs) };
  }
  // Nothing is retried or dead-lettered in upstream mode: no delivery counters start at zero.
  const metrics = createServiceMetrics([]);
  const upstream = composeUpstream(config, logger, options.credentials, metrics.delivery);
  return { metrics, acceptor: upstream.acceptor, readiness: upstream.readiness, sources: undefined, close: () => upstream.close() };
}
