import type { Event, PublicEndpoint } from '@aws-sdk/client-pinpoint';
import type { EventEnvelope } from '../mapping/event-envelope';

/**
 * How the spool stores the events of one request: what they share (application, endpoint,
 * arrival) once, then each event with its id. Half the bytes of one envelope per event.
 */
export interface StoredBatch {
  applicationId: string;
  endpointId: string;
  endpoint: PublicEndpoint;
  receivedAt: number;
  events: Array<[eventId: string, event: Event]>;
}

/** Groups envelopes into batches: consecutive envelopes sharing application, endpoint and arrival. */
export function toStoredBatches(envelopes: readonly EventEnvelope[]): StoredBatch[] {
  const batches: StoredBatch[] = [];
  let current: StoredBatch | undefined;
  for (const e of envelopes) {
    if (!current || current.applicationId !== e.applicationId || current.endpointId !== e.endpointId || current.receivedAt !== e.receivedAt) {
      current = { applicationId: e.applicationId, endpointId: e.endpointId, endpoint: e.endpoint, receivedAt: e.receivedAt, events: [] };
      batches.push(current);
    }
    current.events.push([e.eventId, e.event]);
  }
  return batches;
}

/** The envelopes of a stored batch, optionally only those whose ids are in `only`. */
export function fromStoredBatch(batch: StoredBatch, only?: ReadonlySet<string>): EventEnvelope[] {
  const envelopes: EventEnvelope[] = [];
  for (const [eventId, event] of batch.events) {
    if (only && !only.has(eventId)) continue;
    envelopes.push({
      eventId,
      applicationId: batch.applicationId,
      endpointId: batch.endpointId,
      endpoint: batch.endpoint,
      event,
      receivedAt: batch.receivedAt,
    });
  }
  return envelopes;
}
