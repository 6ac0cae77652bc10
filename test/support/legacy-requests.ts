import type { LegacyClientContext, LegacyEvent } from '../../src/legacy/types';
import type { EventEnvelope } from '../../src/mapping/event-envelope';
import { mapLegacyRequest, type LegacyRequest } from '../../src/mapping/map-legacy-request';
import { mapPinpointRequest } from '../../src/mapping/map-pinpoint-request';
import { decodePayload, requestRow, type SpoolRow } from '../../src/spool/spool-payload';

/** The legacy app id used by the sample requests (no app id map, so it is also the Pinpoint app id). */
export const SAMPLE_APP_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

/** Fixed arrival time of the sample requests, Unix ms. */
export const SAMPLE_RECEIVED_AT = Date.parse('2024-05-01T12:00:05.000Z');

/** A client context as the JS library sends it (raw JSON in `x-amz-Client-Context`). */
export function sampleClientContext(clientId: string): LegacyClientContext {
  return {
    client: { client_id: clientId, app_title: 'Sample App', app_version_name: '1.4.0', app_version_code: '140', app_package_name: 'com.example.sample' },
    env: { platform: 'android', platform_version: '13', model: 'Pixel 7', make: 'Google', locale: 'en-US' },
    services: { mobile_analytics: { app_id: SAMPLE_APP_ID, sdk_name: 'aws-sdk-mobile-analytics-js', sdk_version: '0.9.2' } },
  };
}

/** `count` legacy events of one session, one second apart, with an attribute and a metric each. */
export function sampleEvents(count: number, sessionId = 'session-1'): LegacyEvent[] {
  const start = Date.parse('2024-05-01T12:00:00.000Z');
  return Array.from({ length: count }, (_, index) => ({
    eventType: index === 0 ? '_session.start' : 'level_complete',
    timestamp: new Date(start + index * 1000).toISOString(),
    version: 'v2.0',
    session: { id: sessionId, startTimestamp: new Date(start).toISOString() },
    attributes: { level: `L${index}`, mode: 'story' },
    metrics: { score: index * 10 },
  }));
}

/** A validated legacy request from one device. */
export function sampleLegacyRequest(clientId: string, eventCount: number, receivedAt = SAMPLE_RECEIVED_AT): LegacyRequest {
  return {
    clientContext: sampleClientContext(clientId),
    body: { events: sampleEvents(eventCount, `session-${clientId}`) },
    sdk: { kind: 'js', name: 'aws-sdk-mobile-analytics-js', version: '0.9.2' },
    receivedAt,
  };
}

/** Mapped envelopes: `eventsPerDevice` events from each of `devices` devices, device by device. */
export function sampleEnvelopes(devices: number, eventsPerDevice: number): EventEnvelope[] {
  return Array.from({ length: devices }, (_, d) => mapLegacyRequest(sampleLegacyRequest(`device-${d}`, eventsPerDevice), new Map()).envelopes).flat();
}

/** Mapped envelopes for `count` events of one device. */
export function deviceEnvelopes(clientId: string, count: number): EventEnvelope[] {
  return mapLegacyRequest(sampleLegacyRequest(clientId, count), new Map()).envelopes;
}

/** The spool row of a validated request from one device (as durable mode stores it), received at `receivedAt`. */
export function deviceRow(clientId: string, count: number, receivedAt = SAMPLE_RECEIVED_AT): SpoolRow {
  const request = sampleLegacyRequest(clientId, count, receivedAt);
  return requestRow({ ...request, clientContextJson: JSON.stringify(request.clientContext), bodyJson: JSON.stringify(request.body) });
}

/** The events of a stored payload, decoded and mapped the way the delivery side does it, with no app id map. */
export function decodeToEnvelopes(payload: string): EventEnvelope[] {
  const stored = decodePayload(payload);
  switch (stored.kind) {
    case 'legacy-request':
      return mapLegacyRequest(stored.request, new Map()).envelopes;
    case 'pinpoint-request':
      return mapPinpointRequest(stored.input);
    case 'mapped-event':
      return [stored.envelope];
  }
}
