import type { EventEnvelope } from '../../src/mapping/event-envelope';
import { recordEndpoint, recordSession, sharedRecordFields, type EventStreamRecord } from '../../src/mapping/event-stream-record';

/**
 * The event-stream record of one envelope, built as an object: the oracle the production
 * serializer (`createEventStreamSerializer`, which writes the JSON text directly) is checked against.
 */
export function toEventStreamRecord(envelope: EventEnvelope): EventStreamRecord {
  const { event } = envelope;
  const record: EventStreamRecord = {
    event_type: event.EventType ?? '',
    event_timestamp: Date.parse(event.Timestamp ?? ''),
    arrival_timestamp: envelope.receivedAt,
    event_version: '3.0',
    event_id: envelope.eventId,
    ...sharedRecordFields(envelope),
    attributes: event.Attributes ?? {},
    metrics: event.Metrics ?? {},
  };
  const session = recordSession(event.Session);
  if (session) record.session = session;
  const endpoint = recordEndpoint(envelope);
  if (endpoint) record.endpoint = endpoint;
  return record;
}
