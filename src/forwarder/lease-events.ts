import type { EventEnvelope } from '../mapping/event-envelope';
import { mapPinpointRequest } from '../mapping/map-pinpoint-request';
import type { RequestMapper } from '../mapping/request-mapper';
import type { Lease, Settlement } from '../spool/delivery-queue';
import { decodePayload, type StoredPayload } from '../spool/spool-payload';

/** An event of a lease, with the spool row it came from. */
export interface LeasedEvent {
  seq: number;
  envelope: EventEnvelope;
}

/** A lease turned into events: what can be delivered, and the rows that could not be read. */
export interface LeaseEvents {
  events: LeasedEvent[];
  undecodable: Settlement['undecodable'];
}

/**
 * The events of a decoded payload. Both kinds of request are mapped here, at delivery, from the
 * row alone (the Pinpoint kind carries its endpoint profiles), so a row leased again yields the
 * same envelopes; Pinpoint requests need no app id map, their path already names the project.
 */
function envelopesOf(payload: StoredPayload, mapRequest: RequestMapper): EventEnvelope[] {
  switch (payload.kind) {
    case 'legacy-request':
      return mapRequest(payload.request);
    case 'pinpoint-request':
      return mapPinpointRequest(payload.input);
    case 'mapped-event':
      return [payload.envelope];
  }
}

/**
 * Decodes and maps the rows of a lease (the mapping is deterministic, so a row leased again
 * yields the same event ids). A retried row yields only the events still owed. A row whose
 * payload cannot be decoded or mapped would fail every lease and hold back its sink, so it is
 * set aside instead, with the reason.
 */
export function eventsOfLease(lease: Lease, mapRequest: RequestMapper): LeaseEvents {
  const result: LeaseEvents = { events: [], undecodable: [] };
  for (const row of lease.rows) {
    let envelopes: EventEnvelope[];
    try {
      envelopes = envelopesOf(decodePayload(row.payload), mapRequest);
    } catch (err: unknown) {
      result.undecodable.push({ seq: row.seq, reason: err instanceof Error ? err.message : String(err) });
      continue;
    }
    const only = row.onlyEventIds;
    for (const envelope of envelopes) {
      if (!only || only.has(envelope.eventId)) result.events.push({ seq: row.seq, envelope });
    }
  }
  return result;
}
