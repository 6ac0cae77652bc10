import type { EventEnvelope } from '../mapping/event-envelope';
import { deliveredAll, mergeResults, type DeliveryResult, type EventSink } from './event-sink';

/**
 * Upstream mode with several sinks: delivers to all at once and reports the union, so the
 * client is answered "accepted" only when every sink took its events. (Durable mode does not
 * use this: the spool keeps one cursor per sink instead.)
 */
export function createFanoutSink(sinks: readonly EventSink[]): EventSink {
  return {
    name: sinks.map((s) => s.name).join(','),
    maxBatchEvents: Math.min(...sinks.map((s) => s.maxBatchEvents)),
    async deliver(envelopes: readonly EventEnvelope[]): Promise<DeliveryResult> {
      const results = await Promise.all(sinks.map((s) => s.deliver(envelopes)));
      return results.reduce(mergeResults, deliveredAll());
    },
    async close() {
      await Promise.all(sinks.map((s) => s.close()));
    },
  };
}
