import type { Event, Session } from '@aws-sdk/client-pinpoint';
import type { LegacyEvent } from '../../src/legacy/types';
import type { ClientFixture } from '../fixtures/clients/device-request';
import type { PinpointStandIn, StandInEvent } from './pinpoint-stand-in';

/** The fields of a Pinpoint event that carry the legacy event's data. */
export type EventCore = Pick<Event, 'EventType' | 'Timestamp' | 'Attributes' | 'Metrics' | 'Session'>;

/**
 * What a legacy event must become in Pinpoint, written from legacy-clients.md §7.5 and
 * independently of `src/mapping`, so a mapping bug cannot hide behind its own oracle.
 * Every fixture stays within Pinpoint's limits, so nothing is fitted.
 */
export function expectedCore(legacy: LegacyEvent): EventCore {
  const core: EventCore = { EventType: legacy.eventType, Timestamp: new Date(legacy.timestamp).toISOString() };
  if (legacy.attributes && Object.keys(legacy.attributes).length > 0) core.Attributes = { ...legacy.attributes };
  if (legacy.metrics && Object.keys(legacy.metrics).length > 0) core.Metrics = { ...legacy.metrics };
  const s = legacy.session;
  if (s?.id && s.startTimestamp) {
    const session: Session = { Id: s.id, StartTimestamp: new Date(s.startTimestamp).toISOString() };
    if (s.stopTimestamp) {
      session.StopTimestamp = new Date(s.stopTimestamp).toISOString();
      session.Duration = s.duration ?? Date.parse(s.stopTimestamp) - Date.parse(s.startTimestamp);
    } else if (typeof s.duration === 'number') {
      session.Duration = s.duration;
    }
    core.Session = session;
  }
  return core;
}

/** The data fields of a delivered event, without the per-request context fields. */
export function deliveredCore(event: Event): EventCore {
  const core: EventCore = { EventType: event.EventType, Timestamp: event.Timestamp };
  if (event.Attributes) core.Attributes = event.Attributes;
  if (event.Metrics) core.Metrics = event.Metrics;
  if (event.Session) core.Session = event.Session;
  return core;
}

function sortKey(core: EventCore): string {
  return JSON.stringify([core.Timestamp, core.EventType, core.Attributes, core.Metrics, core.Session]);
}

/** Sorted so that calls answered concurrently (151 events → 2 calls) compare independent of arrival order. */
export function sortedCores(cores: EventCore[]): EventCore[] {
  return [...cores].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
}

/**
 * Asserts that the stand-in received every event of the fixture with every attribute, metric
 * and session field intact, on the client's endpoint and application, and that none of the
 * device's credentials or client context was forwarded.
 */
export function expectDeliveredIntact(fixture: ClientFixture, standIn: PinpointStandIn, delivered: StandInEvent[] = standIn.delivered()): void {
  expect(standIn.rejectedRequests).toEqual([]);
  expect(sortedCores(delivered.map((d) => deliveredCore(d.event)))).toEqual(sortedCores(fixture.events.map(expectedCore)));
  const endpointId = fixture.clientContext.client.client_id ?? fixture.clientContext.client.installation_id;
  for (const d of delivered) {
    expect(d.endpointId).toBe(endpointId);
    expect(d.applicationId).toBe(fixture.clientContext.services.mobile_analytics.app_id);
  }
  expect(new Set(delivered.map((d) => d.eventId)).size).toBe(delivered.length);
  for (const call of standIn.calls) {
    expect(call.headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDSTANDIN\/\d{8}\/us-east-1\/mobiletargeting\/aws4_request/);
    expect(call.headers['x-amz-security-token']).toBeUndefined();
    expect(call.headers['x-amz-client-context']).toBeUndefined();
    expect(JSON.stringify(call.headers)).not.toContain('ASIADEVICE');
    expect(call.eventIds.length).toBeLessThanOrEqual(100);
  }
}
