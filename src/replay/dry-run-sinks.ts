import type { EventEnvelope } from '../mapping/event-envelope';
import { createEventStreamSerializer } from '../mapping/event-stream-json';
import { fitForPinpoint } from '../mapping/pinpoint-limits';
import { toPutEventsCalls } from '../mapping/put-events-calls';
import type { DryRunFormat } from './dry-run';

/** The JSON text of a dry-run line's field that shows what the sinks get from a request's events. */
export type SinkPreview = (envelopes: readonly EventEnvelope[]) => string;

/**
 * What the sinks would get from one request's events, as a JSON field: `putEvents`, the PutEvents
 * requests (`{ApplicationId, EventsRequest: {BatchItem}}`) the Pinpoint sink sends for this request
 * alone (fitted to Pinpoint's limits and grouped as it does), or `records`, the event-stream
 * records the Kinesis, Firehose and local sinks write, as their own serializer writes them.
 */
export function createSinkPreview(format: DryRunFormat): SinkPreview {
  if (format === 'event-stream') {
    const toRecordJson = createEventStreamSerializer();
    return (envelopes) => `"records":[${envelopes.map(toRecordJson).join(',')}]`;
  }
  return (envelopes) => {
    const calls = toPutEventsCalls(envelopes.map((envelope) => fitForPinpoint(envelope).envelope));
    return `"putEvents":${JSON.stringify(calls.map((call) => ({ ApplicationId: call.applicationId, EventsRequest: call.request })))}`;
  };
}
