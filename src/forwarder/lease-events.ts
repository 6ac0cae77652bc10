import type { EventEnvelope } from '../mapping/event-envelope';
import type { RequestMapper } from '../mapping/request-mapper';
import type { Lease, Settlement } from '../spool/delivery-queue';
import { decodePayload } from '../spool/spool-payload';

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
      const payload = decodePayload(row.payload);
      envelopes = payload.kind === 'legacy-request' ? mapRequest(payload.request) : [payload.envelope];
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
