import type { Config } from '../config';
import type { Readiness } from '../http/health-routes';
import { readPackageVersion } from '../metrics/package-version';
import type { Observability, ServiceMetrics } from '../metrics/service-metrics';
import type { DurableSources, ServiceSources } from '../metrics/service-sources';
import { readServiceStatus } from '../metrics/service-status';
import type { Recorder } from '../recording/recorder';

/** The running parts the metrics and `/status` read. */
export interface ObservedParts {
  readiness: () => Readiness;
  /** Undefined in upstream mode. */
  durable: DurableSources | undefined;
  recorder: Recorder;
}

/**
 * Points the service's metrics at its running parts (the instruments read at scrape time) and
 * builds what the admin port serves from them: the Prometheus text and `/status`.
 */
export function composeObservability(config: Config, metrics: ServiceMetrics, parts: ObservedParts): Observability {
  const sources: ServiceSources = {
    version: readPackageVersion(),
    ackMode: config.ackMode,
    ready: () => parts.readiness().ready,
    durable: parts.durable,
    recording: () => parts.recorder.stats(),
    now: Date.now,
  };
  metrics.watch(sources);
  return {
    expose: () => metrics.expose(),
    status: () => readServiceStatus(sources, (sink) => metrics.delivery.totals(sink)),
  };
}
