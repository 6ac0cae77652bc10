import { createServiceMetrics } from '../../src/metrics/service-metrics';
import { emptyRecorderStats } from '../../src/recording/recorder';
import type { Selector } from './promql-selectors';

/** A series name the service can expose, and the labels it may carry (Prometheus adds `instance` and `job`). */
export type SeriesCatalogue = Map<string, Set<string>>;

/** Labels every scraped series gets from Prometheus itself. */
const TARGET_LABELS = ['instance', 'job'];

/**
 * Every series a durable service exposes, from its registry (durable mode registers every
 * instrument upstream mode has, and more): a histogram's `_bucket` (with `le`), `_sum` and
 * `_count`, a summary's own name (with `quantile`), `_sum` and `_count`, every other metric's name.
 */
export function seriesCatalogue(): SeriesCatalogue {
  const metrics = createServiceMetrics(['local']);
  metrics.watch({
    version: '0.0.0',
    ackMode: 'durable',
    ready: () => true,
    durable: {
      spoolLimits: { maxEvents: 1, maxBytes: 1 },
      spoolState: () => ({ storedEvents: 0, usedBytes: 0, refusal: undefined, lastWriteError: undefined }),
      backlog: () => [],
      health: () => [],
      thread: () => ({ mode: 'inline', running: true, restarts: 0 }),
    },
    recording: emptyRecorderStats,
    now: Date.now,
  });
  const catalogue: SeriesCatalogue = new Map();
  for (const metric of metrics.registry.getMetricsAsArray()) {
    const { name, type, labelNames } = metric as unknown as { name: string; type: string; labelNames: string[] };
    const labels = [...labelNames, ...TARGET_LABELS];
    if (type === 'histogram') {
      catalogue.set(`${name}_bucket`, new Set([...labels, 'le']));
      catalogue.set(`${name}_sum`, new Set(labels));
      catalogue.set(`${name}_count`, new Set(labels));
    } else if (type === 'summary') {
      catalogue.set(name, new Set([...labels, 'quantile']));
      catalogue.set(`${name}_sum`, new Set(labels));
      catalogue.set(`${name}_count`, new Set(labels));
    } else {
      catalogue.set(name, new Set(labels));
    }
  }
  return catalogue;
}

/** What is wrong with a selector against the catalogue: no metric name, a name not exposed, a label it never has. */
export function selectorProblems(selector: Selector, catalogue: SeriesCatalogue): string[] {
  if (selector.metric === undefined) return ['a selector without a metric name'];
  const labels = catalogue.get(selector.metric);
  if (!labels) return [`${selector.metric} is not a metric of the service`];
  return selector.labels.filter((label) => !labels.has(label)).map((label) => `${selector.metric} has no label ${label}`);
}
