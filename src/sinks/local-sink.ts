import type { EventStore } from '../local-store/event-store';
import type { EventEnvelope } from '../mapping/event-envelope';
import { toEventStreamRecord } from '../mapping/event-stream-record';
import { allFailed, type DeliveryResult, type EventSink } from './event-sink';
import { SinkError } from './sink-error';

/**
 * The embedded default sink: writes Pinpoint event-stream records into the local SQLite store,
 * so `npm start` is useful with no AWS account.
 */
export function createLocalSink(store: EventStore): EventSink {
  return {
    name: 'local',
    maxBatchEvents: 1000,
    async deliver(envelopes: readonly EventEnvelope[]): Promise<DeliveryResult> {
      try {
        store.insert(envelopes.map(toEventStreamRecord));
        return { rejected: [], failed: [] };
      } catch (err: unknown) {
        const error = new SinkError('transient', (err as Error).message, (err as { code?: string }).code ?? 'SqliteError', { cause: err });
        return allFailed(envelopes.map((e) => e.eventId), error);
      }
    },
    async close() {
      store.close();
    },
  };
}
