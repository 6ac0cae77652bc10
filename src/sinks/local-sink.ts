import { kpiEventFromEnvelope } from '../kpis/kpi-event';
import type { EventStore, StoredEvent } from '../local-store/event-store';
import type { EventEnvelope } from '../mapping/event-envelope';
import { createEventStreamSerializer, type EventStreamSerializer } from '../mapping/event-stream-json';
import { recordSessionId } from '../mapping/event-stream-record';
import { allFailed, deliveredAll, type DeliveryResult, type EventSink } from './event-sink';
import { SinkError } from './sink-error';

/** The local store's row of an event: its record as JSON, and the columns queries filter on. */
function toStoredEvent(envelope: EventEnvelope, toRecordJson: EventStreamSerializer): StoredEvent {
  const { event } = envelope;
  return {
    ...kpiEventFromEnvelope(envelope),
    eventId: envelope.eventId,
    sessionId: recordSessionId(event.Session) ?? null,
    eventTimestamp: Date.parse(event.Timestamp ?? ''),
    arrivalTimestamp: envelope.receivedAt,
    recordJson: toRecordJson(envelope),
  };
}

/**
 * The embedded default sink: writes Pinpoint event-stream records into the local SQLite store,
 * so `npm start` is useful with no AWS account.
 */
export function createLocalSink(store: EventStore): EventSink {
  const toRecordJson = createEventStreamSerializer();
  return {
    name: 'local',
    maxBatchEvents: 1000,
    async deliver(envelopes: readonly EventEnvelope[]): Promise<DeliveryResult> {
      try {
        store.insert(envelopes.map((envelope) => toStoredEvent(envelope, toRecordJson)));
        return deliveredAll();
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
