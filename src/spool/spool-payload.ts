import type { EventEnvelope } from '../mapping/event-envelope';
import type { LegacyRequest, ValidatedRequest } from '../mapping/map-legacy-request';
import { fromStoredBatch, toStoredBatches, type StoredBatch } from './stored-batch';

/** One spool row to append: the events of one request (or one requeued event). */
export interface SpoolRow {
  receivedAt: number;
  eventCount: number;
  /** JSON: a stored legacy request, or a `StoredBatch` of mapped events. */
  payload: string;
}

/** Turns a row's payload back into envelopes, optionally only those whose ids are in `only`. */
export type PayloadDecoder = (payload: string, only?: ReadonlySet<string>) => EventEnvelope[];

/** How an accepted request is stored: the JSON texts it arrived with, mapped when delivered. */
interface StoredRequest {
  legacyRequest: LegacyRequest;
}

/**
 * The row of a validated request. The body and client context were parsed from these exact
 * texts, so they are embedded as they are: storing a request costs no serialization on the HTTP
 * thread, and the mapping (deterministic, so a retried row yields the same event ids) runs on
 * the delivery side.
 */
export function requestRow(request: ValidatedRequest): SpoolRow {
  const { receivedAt, sdk, clientContextJson, bodyJson } = request;
  return {
    receivedAt,
    eventCount: request.body.events.length,
    payload: `{"legacyRequest":{"receivedAt":${receivedAt},"sdk":${JSON.stringify(sdk)},"clientContext":${clientContextJson},"body":${bodyJson}}}`,
  };
}

/** The row of mapped events of one application and endpoint (a requeued dead letter). */
export function envelopesRow(envelopes: readonly EventEnvelope[]): SpoolRow {
  const [batch, ...others] = toStoredBatches(envelopes);
  if (!batch || others.length > 0) throw new Error('envelopesRow takes the events of one application and endpoint');
  return { receivedAt: batch.receivedAt, eventCount: batch.events.length, payload: JSON.stringify(batch) };
}

/** Decodes both kinds of payload; stored requests are mapped with `mapRequest`. */
export function createPayloadDecoder(mapRequest: (request: LegacyRequest) => EventEnvelope[]): PayloadDecoder {
  return (payload, only) => {
    const stored = JSON.parse(payload) as StoredRequest | StoredBatch;
    if (!('legacyRequest' in stored)) return fromStoredBatch(stored, only);
    const envelopes = mapRequest(stored.legacyRequest);
    return only ? envelopes.filter((e) => only.has(e.eventId)) : envelopes;
  };
}
