import type { Event, PublicEndpoint } from '@aws-sdk/client-pinpoint';

/**
 * One mapped event and everything needed to deliver it anywhere: the unit that the spool stores,
 * the forwarder coalesces and the sinks deliver. Pinpoint's own shapes are used so that the
 * PutEvents call is a regrouping, and the event-stream record is derived from the same data.
 */
export interface EventEnvelope {
  /** Deterministic: the same legacy request always yields the same ids. */
  eventId: string;
  /** Pinpoint application (project) id, after `PINPOINT_APP_ID_MAP`. */
  applicationId: string;
  /** Pinpoint endpoint id: the legacy `client.client_id`. */
  endpointId: string;
  endpoint: PublicEndpoint;
  event: Event;
  /** When the proxy received the request, Unix ms (the event stream's `arrival_timestamp`). */
  receivedAt: number;
  /**
   * `'pinpoint'` for events that arrived through Pinpoint's own PutEvents API
   * (`map-pinpoint-request.ts`): their record carries the endpoint profile (`endpoint`), which
   * legacy Mobile Analytics events never had. Absent for legacy events, so their records and
   * stored payloads stay exactly as they were.
   */
  origin?: 'pinpoint';
}
