import type { EventEnvelope } from '../mapping/event-envelope';
import type { LegacyRequest, ValidatedRequest } from '../mapping/map-legacy-request';

/** One spool row to append: the events of one request. */
export interface SpoolRow {
  receivedAt: number;
  eventCount: number;
  /** The stored payload as JSON text (see `decodePayload`). */
  payload: string;
}

/**
 * A row's payload once decoded. On disk it is a JSON object with one key, its tag:
 * - `{"legacyRequest":{receivedAt, sdk, clientContext, body}}`: a validated request (its client
 *   context and body compact, unknown properties dropped), mapped when delivered;
 * - `{"mappedEvent":EventEnvelope}`: one already mapped event, a dead letter an operator
 *   requeued (mapping it again could not give back what the sink refused).
 */
export type StoredPayload = { kind: 'legacy-request'; request: LegacyRequest } | { kind: 'mapped-event'; envelope: EventEnvelope };

/**
 * The row of a validated request: its compact client context and body JSON texts (see
 * `ValidatedRequest`) are embedded as they are, and the mapping (deterministic, so a retried row
 * yields the same event ids) runs on the delivery side.
 */
export function requestRow(request: ValidatedRequest): SpoolRow {
  const { receivedAt, sdk, clientContextJson, bodyJson } = request;
  return {
    receivedAt,
    eventCount: request.body.events.length,
    payload: `{"legacyRequest":{"receivedAt":${receivedAt},"sdk":${JSON.stringify(sdk)},"clientContext":${clientContextJson},"body":${bodyJson}}}`,
  };
}

/** The payload of one mapped event, from its JSON text as the dead letters keep it. */
export function mappedEventPayload(envelopeJson: string): string {
  return `{"mappedEvent":${envelopeJson}}`;
}

/**
 * A requeued dead letter as version 0.1 stored it: its events grouped, with the fields they
 * share written once. Read so that a spool written by 0.1 keeps its requeued rows; never written.
 */
interface GroupedEventsV01 {
  applicationId: string;
  endpointId: string;
  endpoint: EventEnvelope['endpoint'];
  receivedAt: number;
  common: Partial<EventEnvelope['event']>;
  events: Array<[eventId: string, event: EventEnvelope['event']]>;
}

function fromGroupedEventsV01(stored: GroupedEventsV01): StoredPayload {
  const [only, ...more] = stored.events;
  if (!only || more.length > 0) throw new Error('a 0.1 requeued row must hold exactly one event');
  const [eventId, event] = only;
  const { applicationId, endpointId, endpoint, receivedAt } = stored;
  return { kind: 'mapped-event', envelope: { eventId, applicationId, endpointId, endpoint, receivedAt, event: { ...event, ...stored.common } } };
}

/** Decodes a stored payload by its tag; throws on text that is not a payload this version reads. */
export function decodePayload(text: string): StoredPayload {
  const stored = JSON.parse(text) as unknown;
  if (typeof stored !== 'object' || stored === null) throw new Error('payload is not a JSON object');
  if ('legacyRequest' in stored) return { kind: 'legacy-request', request: stored.legacyRequest as LegacyRequest };
  if ('mappedEvent' in stored) return { kind: 'mapped-event', envelope: stored.mappedEvent as EventEnvelope };
  if ('events' in stored && 'common' in stored) return fromGroupedEventsV01(stored as GroupedEventsV01);
  throw new Error('payload has no known tag');
}
