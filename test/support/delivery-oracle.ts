import type { Event, Session } from '@aws-sdk/client-pinpoint';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { LegacyClientContext, LegacyEvent } from '../../src/legacy/types';
import type { EventStreamRecord } from '../../src/mapping/event-stream-record';
import { createStrictAjv, loadSchema } from '../../src/schemas';
import type { ClientFixture } from '../fixtures/clients/device-request';
import type { PinpointStandIn, StandInEvent } from './pinpoint-stand-in';

/** The fields of a Pinpoint event that carry the legacy event's data. */
export type EventCore = Pick<Event, 'EventType' | 'Timestamp' | 'Attributes' | 'Metrics' | 'Session'>;

/**
 * What a legacy event must become in Pinpoint, written from the legacy model and
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

/** The fields of an event-stream record that carry the legacy event's data. */
export type RecordCore = Pick<EventStreamRecord, 'event_type' | 'event_timestamp' | 'session' | 'attributes' | 'metrics'>;

/** What a legacy event must become in an event-stream record (Pinpoint's documented app-event record), independently of `src/mapping`. */
export function expectedRecordCore(legacy: LegacyEvent): RecordCore {
  const core: RecordCore = {
    event_type: legacy.eventType,
    event_timestamp: Date.parse(legacy.timestamp),
    attributes: { ...legacy.attributes },
    metrics: { ...legacy.metrics },
  };
  const s = legacy.session;
  if (s?.id && s.startTimestamp) {
    core.session = { session_id: s.id, start_timestamp: Date.parse(s.startTimestamp) };
    if (s.stopTimestamp) core.session.stop_timestamp = Date.parse(s.stopTimestamp);
  }
  return core;
}

function recordCore(record: EventStreamRecord): RecordCore {
  const { event_type, event_timestamp, session, attributes, metrics } = record;
  return session ? { event_type, event_timestamp, session, attributes, metrics } : { event_type, event_timestamp, attributes, metrics };
}

let recordValidator: ValidateFunction | undefined;

/** Names the first schema problems of an event-stream record, or returns undefined when it is valid. */
export function eventStreamRecordProblems(record: unknown): string | undefined {
  recordValidator ??= createStrictAjv({ allErrors: true }).compile(loadSchema('event-stream/app-event.schema.json'));
  if (recordValidator(record)) return undefined;
  return (recordValidator.errors ?? [])
    .slice(0, 5)
    .map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`)
    .join('; ');
}

/** A legacy request as the device sent it: a fixture, or what a real client was given. */
export interface SentRequest {
  clientContext: LegacyClientContext;
  events: LegacyEvent[];
}

/** The id a device's events are keyed by: `client_id`, or iOS's `installation_id` without one. */
export function clientIdOf(context: LegacyClientContext): string {
  return context.client.client_id ?? context.client.installation_id ?? '';
}

function definedOnly(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** JSON with object keys sorted at every level, so equal values give equal text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

/** What `actual` lacks and what it has too often, compared with `expected` as multisets (each value once, with its count difference). */
function multisetDifference(actual: readonly unknown[], expected: readonly unknown[]): { missing: string[]; extra: string[] } {
  const counts = new Map<string, number>();
  const add = (item: unknown, delta: number): void => {
    const key = canonicalJson(item);
    counts.set(key, (counts.get(key) ?? 0) + delta);
  };
  for (const item of expected) add(item, 1);
  for (const item of actual) add(item, -1);
  const missing: string[] = [];
  const extra: string[] = [];
  for (const [key, count] of counts) {
    if (count > 0) missing.push(`${count}x ${key}`);
    if (count < 0) extra.push(`${-count}x ${key}`);
  }
  return { missing, extra };
}

/**
 * Asserts that `records` are exactly the events of `sent`, each once per request that carried it
 * (a device that sent the same request twice gets two records with one event_id, holding the same
 * event; only arrival time and SDK version may differ): every record is
 * valid against `schemas/event-stream/app-event.schema.json`, carries its request's app, client
 * and device, and its event type, timestamps, session, attributes and metrics intact.
 */
export function expectStreamRecordsIntact(sent: readonly SentRequest[], records: readonly EventStreamRecord[]): void {
  for (const record of records) expect({ event_id: record.event_id, problems: eventStreamRecordProblems(record) }).toEqual({ event_id: record.event_id, problems: undefined });
  const contexts = new Map(sent.map((r) => [`${r.clientContext.services.mobile_analytics.app_id}\0${clientIdOf(r.clientContext)}`, r.clientContext]));
  for (const record of records) {
    const context = contexts.get(`${record.application.app_id}\0${record.client.client_id}`);
    expect(context).toBeDefined();
    expect(record.application).toEqual(expect.objectContaining(definedOnly({ package_name: context?.client.app_package_name, title: context?.client.app_title })));
    expect(record.device).toEqual(expect.objectContaining(definedOnly({ make: context?.env?.make, model: context?.env?.model })));
  }
  const expected = sent.flatMap((r) => r.events.map((e) => ({ app: r.clientContext.services.mobile_analytics.app_id, client: clientIdOf(r.clientContext), core: expectedRecordCore(e) })));
  const actual = records.map((r) => ({ app: r.application.app_id, client: r.client.client_id, core: recordCore(r) }));
  expect(multisetDifference(actual, expected)).toEqual({ missing: [], extra: [] });
  const dataById = new Map<string, string>();
  actual.forEach((data, index) => {
    const eventId = (records[index] as EventStreamRecord).event_id;
    const json = canonicalJson(data);
    expect({ eventId, data: dataById.get(eventId) ?? json }).toEqual({ eventId, data: json });
    dataById.set(eventId, json);
  });
}
