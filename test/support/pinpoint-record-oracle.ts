import type { Event, EventsRequest, PublicEndpoint } from '@aws-sdk/client-pinpoint';
import { dayOf } from '../../src/kpis/days';
import { CURRENCY, NO_CURRENCY, PURCHASE, SESSION_STOP } from '../../src/kpis/kpi-event';
import { pinpointEventId } from '../../src/mapping/event-id';
import type { EventStreamRecord } from '../../src/mapping/event-stream-record';
import { eventStreamRecordProblems } from './delivery-oracle';
import type { OracleEvent } from './kpi-oracle';

/**
 * Events one Pinpoint-native client sent for one endpoint and the service accepted (answered
 * "Accepted"), with the endpoint their records must carry: the request's `Endpoint`, laid by the
 * test itself over what it sent with UpdateEndpoint when it sent one.
 */
export interface AcceptedPinpointEvents {
  applicationId: string;
  endpointId: string;
  endpoint: PublicEndpoint;
  /** By the caller's event id (the `Events` key). */
  events: Record<string, Event>;
}

/**
 * The accepted events of a PutEvents request, endpoint by endpoint, with each entry's own
 * `Endpoint` as the expected one; `refused` names the caller's event ids the service answered
 * 400, which are left out.
 */
export function acceptedEventsOf(applicationId: string, request: EventsRequest, refused: ReadonlySet<string> = new Set()): AcceptedPinpointEvents[] {
  return Object.entries(request.BatchItem ?? {}).map(([endpointId, batch]) => ({
    applicationId,
    endpointId,
    endpoint: batch.Endpoint ?? {},
    events: Object.fromEntries(Object.entries(batch.Events ?? {}).filter(([key]) => !refused.has(key))),
  }));
}

/** Undefined for an empty object: records leave empty endpoint members out. */
function nonEmpty<T extends object>(value: T | undefined): T | undefined {
  return value !== undefined && Object.keys(value).length > 0 ? value : undefined;
}

/** The record's endpoint: every member but `Address` (a push token or phone number stays out of records), empty ones left out. */
function expectedEndpoint(endpoint: PublicEndpoint): Record<string, unknown> {
  const { Address: _address, ...members } = endpoint;
  return Object.fromEntries(
    Object.entries(members).filter(([, value]) => value !== undefined && (typeof value !== 'object' || nonEmpty(value as object) !== undefined)),
  );
}

/** Only the defined values of an object. */
function defined(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}

/**
 * The event-stream record an accepted event must become, written from Pinpoint's documented
 * app-event record (and the README's `endpoint` extension), independently of `src/mapping`:
 * everything but `arrival_timestamp`, which the service stamps.
 */
export function expectedPinpointRecord(sent: AcceptedPinpointEvents, key: string): Omit<EventStreamRecord, 'arrival_timestamp'> {
  const event = sent.events[key] as Event;
  const demographic = sent.endpoint.Demographic ?? {};
  const [language, country] = (demographic.Locale ?? '').split(/[_-]/);
  const sdk = defined({ name: event.SdkName, version: event.ClientSdkVersion });
  const platform = defined({ name: demographic.Platform, version: demographic.PlatformVersion });
  const record: Omit<EventStreamRecord, 'arrival_timestamp'> = {
    event_type: event.EventType as string,
    event_timestamp: Date.parse(event.Timestamp as string),
    event_version: '3.0',
    event_id: pinpointEventId(sent.applicationId, sent.endpointId, key),
    application: {
      app_id: sent.applicationId,
      ...defined({ package_name: event.AppPackageName, title: event.AppTitle, version_name: demographic.AppVersion, version_code: event.AppVersionCode }),
      ...(Object.keys(sdk).length > 0 ? { sdk } : {}),
    },
    client: { client_id: sent.endpointId },
    device: {
      ...(demographic.Locale ? { locale: { code: demographic.Locale, ...defined({ language, country }) } } : {}),
      ...defined({ make: demographic.Make, model: demographic.Model }),
      ...(Object.keys(platform).length > 0 ? { platform } : {}),
    },
    attributes: event.Attributes ?? {},
    metrics: event.Metrics ?? {},
    endpoint: expectedEndpoint(sent.endpoint),
  };
  const session = event.Session;
  if (session?.Id && session.StartTimestamp) {
    record.session = { session_id: session.Id, start_timestamp: Date.parse(session.StartTimestamp) };
    if (session.StopTimestamp) record.session.stop_timestamp = Date.parse(session.StopTimestamp);
  }
  return record;
}

/**
 * Asserts that `records` hold every accepted event exactly once, each valid against the
 * event-stream schema and equal to `expectedPinpointRecord` (its arrival time aside), and
 * nothing else.
 */
export function expectPinpointRecordsIntact(sent: readonly AcceptedPinpointEvents[], records: readonly EventStreamRecord[]): void {
  for (const record of records) expect({ event_id: record.event_id, problems: eventStreamRecordProblems(record) }).toEqual({ event_id: record.event_id, problems: undefined });
  const expected = new Map(sent.flatMap((s) => Object.keys(s.events).map((key) => [pinpointEventId(s.applicationId, s.endpointId, key), expectedPinpointRecord(s, key)] as const)));
  expect(records.map((r) => r.event_id).sort()).toEqual([...expected.keys()].sort());
  for (const { arrival_timestamp: _arrival, ...record } of records) {
    expect(record).toEqual(expected.get(record.event_id));
  }
}

/** The KPI facts of the accepted events, from what was sent (the oracle's input, `createKpiOracle`). */
export function pinpointOracleEvents(sent: readonly AcceptedPinpointEvents[]): OracleEvent[] {
  return sent.flatMap((s) =>
    Object.entries(s.events).map(([key, event]): OracleEvent => {
      const eventType = event.EventType as string;
      const base = {
        eventId: pinpointEventId(s.applicationId, s.endpointId, key),
        appId: s.applicationId,
        clientId: s.endpointId,
        eventType,
        day: dayOf(Date.parse(event.Timestamp as string)),
        metrics: { ...event.Metrics },
      };
      if (eventType === PURCHASE) return { ...base, currency: event.Attributes?.[CURRENCY] || NO_CURRENCY };
      const { Id, StartTimestamp, StopTimestamp } = event.Session ?? {};
      if (eventType === SESSION_STOP && Id && StartTimestamp && StopTimestamp && Date.parse(StopTimestamp) >= Date.parse(StartTimestamp)) {
        return { ...base, sessionLengthMs: Date.parse(StopTimestamp) - Date.parse(StartTimestamp) };
      }
      return base;
    }),
  );
}
