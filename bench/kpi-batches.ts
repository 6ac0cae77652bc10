import type { EventEnvelope } from '../src/mapping/event-envelope';
import type { EventSink } from '../src/sinks/event-sink';

/** Envelopes in groups of `size` (the last one shorter), pulled from `source` as they are needed. */
export function* inBatches(source: Iterable<EventEnvelope>, size: number): Generator<EventEnvelope[]> {
  let batch: EventEnvelope[] = [];
  for (const envelope of source) {
    batch.push(envelope);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** How long one delivery took: wall time, and this process's CPU time (user + system). */
export interface DeliveryTime {
  ms: number;
  cpuMs: number;
}

/**
 * Delivers one batch and returns how long the sink took. A sink reports failures instead of
 * throwing; a failure here means the figures would count events that were never stored. CPU
 * time is kept beside wall time because other work on a shared machine stretches the latter.
 */
export async function timedDelivery(sink: EventSink, batch: readonly EventEnvelope[]): Promise<DeliveryTime> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await sink.deliver(batch);
  const ms = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  const failed = result.failed[0] ?? result.rejected[0];
  if (failed) throw new Error(`the local sink did not store a batch: ${'error' in failed ? failed.error.message : failed.message}`);
  return { ms, cpuMs: (user + system) / 1000 };
}

/** Lets timers and signal handlers run between synchronous SQLite batches (the bench's deadline is a timer). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
