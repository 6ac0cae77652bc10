import type { EventsRequest } from '@aws-sdk/client-pinpoint';
import type { EventEnvelope } from '../mapping/event-envelope';
import type { LegacyRequest, ValidatedRequest } from '../mapping/map-legacy-request';
import { eventCountOf, type PinpointEventsInput } from '../mapping/map-pinpoint-request';
import type { StoredEndpointProfile } from '../mapping/merge-endpoint';

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
 *   requeued (mapping it again could not give back what the sink refused);
 * - `{"pinpointRequest":{applicationId, receivedAt, request, endpoints}}`: a checked Pinpoint
 *   PutEvents request (see `pinpointRequestRow`), mapped with `mapPinpointRequest` when delivered.
 */
export type StoredPayload =
  | { kind: 'legacy-request'; request: LegacyRequest }
  | { kind: 'mapped-event'; envelope: EventEnvelope }
  | { kind: 'pinpoint-request'; input: PinpointEventsInput };

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

/** A `pinpointRequest` payload as stored: the mapping's input, its profiles as a plain object. */
interface StoredPinpointRequest {
  applicationId: string;
  receivedAt: number;
  request: EventsRequest;
  endpoints: Record<string, StoredEndpointProfile>;
}

/**
 * The row of a checked Pinpoint PutEvents request (`input.request` holding only the events that
 * passed the per-event checks). The stored endpoint profiles of the request's endpoints are
 * snapshotted into the row as they were at acceptance, not read again at delivery: the mapping
 * then depends on the row alone, so a retried or requeued row yields the same records, and a
 * later UpdateEndpoint does not rewrite events already accepted (Pinpoint, too, attached the
 * profile as it stood when the events arrived). Endpoints with no stored profile are left out.
 */
export function pinpointRequestRow(input: PinpointEventsInput): SpoolRow {
  const { applicationId, receivedAt, request, profiles } = input;
  const batches = Object.entries(request.BatchItem ?? {});
  // fromEntries defines own properties, so an endpoint id such as `__proto__` stays an id.
  const endpoints = Object.fromEntries(
    batches.flatMap(([endpointId]) => {
      const profile = profiles?.get(endpointId);
      return profile ? [[endpointId, profile] as const] : [];
    }),
  );
  const stored: StoredPinpointRequest = { applicationId, receivedAt, request, endpoints };
  return {
    receivedAt,
    eventCount: eventCountOf(request.BatchItem),
    payload: JSON.stringify({ pinpointRequest: stored }),
  };
}

function fromStoredPinpointRequest(stored: StoredPinpointRequest): StoredPayload {
  const { applicationId, receivedAt, request, endpoints } = stored;
  return { kind: 'pinpoint-request', input: { applicationId, receivedAt, request, profiles: new Map(Object.entries(endpoints)) } };
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
  if ('pinpointRequest' in stored) return fromStoredPinpointRequest(stored.pinpointRequest as StoredPinpointRequest);
  if ('events' in stored && 'common' in stored) return fromGroupedEventsV01(stored as GroupedEventsV01);
  throw new Error('payload has no known tag');
}
