import { kpiEventFromRecord } from '../kpis/kpi-event';
import type { EventStreamRecord } from '../mapping/event-stream-record';
import type { StoredEvent } from './event-store';

/**
 * The local store's row of an event-stream record read back from elsewhere (an export, a
 * Kinesis or Firehose copy): the same columns and KPI facts the local sink writes for live events.
 * `eventId` is the record's `event_id`, or the stable id the importer derived for records without one.
 */
export function storedEventFromRecord(record: EventStreamRecord, recordJson: string, eventId: string): StoredEvent {
  return {
    ...kpiEventFromRecord(record),
    eventId,
    sessionId: record.session?.session_id ?? null,
    eventTimestamp: record.event_timestamp,
    arrivalTimestamp: record.arrival_timestamp,
    recordJson,
  };
}
