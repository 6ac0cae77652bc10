import type { Event, EventsRequest, Session } from '@aws-sdk/client-pinpoint';
import type { EventEnvelope } from './event-envelope';
import { pinpointEventId } from './event-id';
import { mergeEndpoint, type StoredEndpointProfile } from './merge-endpoint';
import { toIsoTimestamp } from './timestamp';

/** A PutEvents request that passed the request checks, and what the mapping needs beside it. */
export interface PinpointEventsInput {
  /** The `{ApplicationId}` of the path: already a Pinpoint project id, so no app id map applies. */
  applicationId: string;
  /** Only the events that passed Pinpoint's per-event checks (the others are answered 400 and not stored). */
  request: EventsRequest;
  /** Unix ms; passed in so that the mapping stays pure. */
  receivedAt: number;
  /** Profiles stored by UpdateEndpoint, by endpoint id, read by the caller before mapping. */
  profiles?: ReadonlyMap<string, StoredEndpointProfile>;
}

/** The events a `BatchItem` carries, over all its endpoints. */
export function eventCountOf(batchItem: EventsRequest['BatchItem']): number {
  return Object.values(batchItem ?? {}).reduce((sum, batch) => sum + Object.keys(batch.Events ?? {}).length, 0);
}

/** Pinpoint's timestamps in `toISOString()` form, as the legacy path writes them, so records and KPIs read them alike. */
function normalizedSession(session: Session): Session {
  const result: Session = { ...session };
  if (session.StartTimestamp !== undefined) result.StartTimestamp = toIsoTimestamp(session.StartTimestamp);
  if (session.StopTimestamp !== undefined) result.StopTimestamp = toIsoTimestamp(session.StopTimestamp);
  return result;
}

function normalizedEvent(event: Event): Event {
  const result: Event = { ...event };
  if (event.Timestamp !== undefined) result.Timestamp = toIsoTimestamp(event.Timestamp);
  if (event.Session) result.Session = normalizedSession(event.Session);
  return result;
}

/**
 * Maps a validated Pinpoint PutEvents request to one `EventEnvelope` per event, the same envelope
 * the legacy path makes, so the spool, the forwarder and every sink take it unchanged. Pure: no
 * clock, no randomness, no IO.
 * - Order: `BatchItem` entries, then each entry's `Events`, in the request's key order.
 * - Endpoint: `mergeEndpoint(profiles.get(endpointId), batch.Endpoint)`, the request's own
 *   `Endpoint` winning field by field; all events of an entry share that one object.
 * - Event: as sent (attributes, metrics, session, app and SDK fields), with `Timestamp` and the
 *   session's timestamps normalized to `toISOString()` form (the checks have refused unreadable ones).
 * - Event id: `pinpointEventId(applicationId, endpointId, key)`. The caller's key is not kept in
 *   the record: Pinpoint's documented app-event record has no event id of the caller's, and the
 *   key is only unique within its entry; the answer to the caller is built from the request.
 * - `origin: 'pinpoint'`, so the record carries the endpoint profile as Pinpoint's stream did.
 */
export function mapPinpointRequest(input: PinpointEventsInput): EventEnvelope[] {
  const { applicationId, request, receivedAt, profiles } = input;
  const envelopes: EventEnvelope[] = [];
  for (const [endpointId, batch] of Object.entries(request.BatchItem ?? {})) {
    const endpoint = mergeEndpoint(profiles?.get(endpointId), batch.Endpoint ?? {});
    for (const [key, event] of Object.entries(batch.Events ?? {})) {
      envelopes.push({
        eventId: pinpointEventId(applicationId, endpointId, key),
        applicationId,
        endpointId,
        endpoint,
        event: normalizedEvent(event),
        receivedAt,
        origin: 'pinpoint',
      });
    }
  }
  return envelopes;
}
