import type { EventsRequest } from '@aws-sdk/client-pinpoint';
import type { EventEnvelope } from './event-envelope';
import { PINPOINT_LIMITS } from './pinpoint-limits';

/** One Pinpoint PutEvents call: its application, its body and the events it carries. */
export interface PutEventsCall {
  applicationId: string;
  request: EventsRequest;
  eventIds: string[];
}

interface Limits {
  events: number;
  bytes: number;
}

/**
 * Groups envelopes into PutEvents calls: one application per call, `BatchItem` keyed by
 * endpoint, at most 100 events and about 4 MB per call. Order is kept within each application.
 * The envelopes are put in as given: the Pinpoint sink fits them first (`fitForPinpoint`).
 */
export function toPutEventsCalls(
  envelopes: readonly EventEnvelope[],
  limits: Limits = { events: PINPOINT_LIMITS.eventsPerCall, bytes: PINPOINT_LIMITS.bytesPerCall },
): PutEventsCall[] {
  const byApp = new Map<string, EventEnvelope[]>();
  for (const envelope of envelopes) {
    const list = byApp.get(envelope.applicationId);
    if (list) list.push(envelope);
    else byApp.set(envelope.applicationId, [envelope]);
  }
  const calls: PutEventsCall[] = [];
  for (const [applicationId, list] of byApp) {
    let current: PutEventsCall | undefined;
    let bytes = 0;
    for (const envelope of list) {
      const eventBytes = Buffer.byteLength(JSON.stringify(envelope.event)) + envelope.eventId.length + 8;
      const endpointBytes = (): number => Buffer.byteLength(JSON.stringify(envelope.endpoint)) + envelope.endpointId.length + 40;
      let cost = eventBytes + (current?.request.BatchItem?.[envelope.endpointId] ? 0 : endpointBytes());
      if (!current || current.eventIds.length >= limits.events || bytes + cost > limits.bytes) {
        current = { applicationId, request: { BatchItem: {} }, eventIds: [] };
        calls.push(current);
        bytes = 16;
        cost = eventBytes + endpointBytes();
      }
      const batchItem = current.request.BatchItem as NonNullable<EventsRequest['BatchItem']>;
      const batch = batchItem[envelope.endpointId] ?? (batchItem[envelope.endpointId] = { Endpoint: envelope.endpoint, Events: {} });
      (batch.Events as NonNullable<typeof batch.Events>)[envelope.eventId] = envelope.event;
      current.eventIds.push(envelope.eventId);
      bytes += cost;
    }
  }
  return calls;
}
