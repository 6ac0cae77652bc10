import { collectDefaultMetrics, Registry } from 'prom-client';
import { createDeliveryMetrics, type DeliveryMetrics } from './delivery-metrics';
import { createRequestMetrics, type RequestMetrics } from './request-metrics';
import type { ServiceSources } from './service-sources';
import type { ServiceStatus } from './service-status';
import { registerStateMetrics } from './state-metrics';

/** The Prometheus text of a scrape, and its content type. */
export interface Exposition {
  contentType: string;
  text: string;
}

/** What the admin port serves about the running service: the metrics, and the status JSON. */
export interface Observability {
  expose(): Promise<Exposition>;
  status(): ServiceStatus;
}

/** One service's metrics: its own registry (never prom-client's global one) and the parts that feed it. */
export interface ServiceMetrics {
  readonly registry: Registry;
  /** Fed by the events route. */
  readonly requests: RequestMetrics;
  /** Fed by the forwarder and the sinks, wherever they run. */
  readonly delivery: DeliveryMetrics;
  /** Adds the instruments read from the running parts at scrape time; called once they exist. */
  watch(sources: ServiceSources): void;
  expose(): Promise<Exposition>;
}

/**
 * A service's registry with the process metrics (`process_*`, `nodejs_*`: CPU, memory, event
 * loop lag and heap of the HTTP thread, handles; unprefixed, as every Node.js dashboard expects
 * them) and the `ma2pinpoint_*` instruments. `deliverySinks`: the sinks whose delivery counters
 * start at zero (durable mode's; none in upstream mode, where nothing is retried or
 * dead-lettered). Each call builds a new registry, so services in one process (tests) never mix.
 */
export function createServiceMetrics(deliverySinks: readonly string[]): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let newScrape: () => void = () => undefined;
  return {
    registry,
    requests: createRequestMetrics(registry),
    delivery: createDeliveryMetrics(registry, deliverySinks),
    watch(sources) {
      newScrape = registerStateMetrics(registry, sources);
    },
    async expose() {
      newScrape();
      return { contentType: registry.contentType, text: await registry.metrics() };
    },
  };
}
