import type { Event, PublicEndpoint } from '@aws-sdk/client-pinpoint';
import type { EventEnvelope } from './event-envelope';

/**
 * A Pinpoint app-event stream record (event_version 3.0), the JSON Pinpoint wrote to Kinesis /
 * Firehose for each event (described in `schemas/event-stream/app-event.schema.json`).
 * `event_id` is our addition: the deterministic id, so consumers can drop the duplicates that
 * at-least-once delivery allows. `endpoint` is present only for events that came through
 * Pinpoint's own PutEvents API (see `RecordEndpoint`). Production code writes it with
 * `event-stream-json.ts`.
 */
export interface EventStreamRecord {
  event_type: string;
  event_timestamp: number;
  arrival_timestamp: number;
  event_version: '3.0';
  event_id: string;
  application: {
    app_id: string;
    package_name?: string;
    title?: string;
    version_name?: string;
    version_code?: string;
    sdk?: { name?: string; version?: string };
  };
  client: { client_id: string };
  device: {
    locale?: { code: string; country?: string; language?: string };
    make?: string;
    model?: string;
    platform?: { name?: string; version?: string };
  };
  session?: { session_id: string; start_timestamp: number; stop_timestamp?: number };
  attributes: Record<string, string>;
  metrics: Record<string, number>;
  endpoint?: RecordEndpoint;
}

/** The endpoint members a record shows, in the order it shows them. */
const RECORD_ENDPOINT_MEMBERS = [
  'ChannelType',
  'EndpointStatus',
  'OptOut',
  'RequestId',
  'EffectiveDate',
  'Demographic',
  'Location',
  'Attributes',
  'Metrics',
  'User',
] as const satisfies ReadonlyArray<keyof PublicEndpoint>;

/**
 * The endpoint profile in a record, in Pinpoint's own member names, for events sent with
 * PutEvents: there the endpoint is what carries location, time zone, user id and user attributes,
 * which `application`, `client` and `device` have no place for. Pinpoint documents this endpoint
 * JSON on its campaign and journey records (as the string `client_context.custom.endpoint`); its
 * app-event example shows none, so an `endpoint` object on app records is our extension, named and
 * shaped like Pinpoint's so consumers read it the same way. `Address` (a push token, e-mail
 * address or phone number) is left out: no record Pinpoint documents shows it, and analytics
 * consumers have no use for it.
 */
export type RecordEndpoint = Pick<PublicEndpoint, (typeof RECORD_ENDPOINT_MEMBERS)[number]>;

/** Splits `en_US` (or `en-US`) into the record's locale object. */
function toLocale(code: string): NonNullable<EventStreamRecord['device']['locale']> {
  const [language, country] = code.split(/[_-]/);
  const locale: NonNullable<EventStreamRecord['device']['locale']> = { code };
  if (country) locale.country = country;
  if (language) locale.language = language;
  return locale;
}

/** The record fields every event of one request shares: application, client and device. */
export type SharedRecordFields = Pick<EventStreamRecord, 'application' | 'client' | 'device'>;

/** The application, client and device of an event's record (equal for all events of a request). */
export function sharedRecordFields(envelope: EventEnvelope): SharedRecordFields {
  const { event, endpoint } = envelope;
  const demographic = endpoint.Demographic ?? {};
  const application: EventStreamRecord['application'] = { app_id: envelope.applicationId };
  if (event.AppPackageName !== undefined) application.package_name = event.AppPackageName;
  if (event.AppTitle !== undefined) application.title = event.AppTitle;
  if (demographic.AppVersion !== undefined) application.version_name = demographic.AppVersion;
  if (event.AppVersionCode !== undefined) application.version_code = event.AppVersionCode;
  if (event.SdkName !== undefined || event.ClientSdkVersion !== undefined) {
    application.sdk = {};
    if (event.SdkName !== undefined) application.sdk.name = event.SdkName;
    if (event.ClientSdkVersion !== undefined) application.sdk.version = event.ClientSdkVersion;
  }
  const device: EventStreamRecord['device'] = {};
  if (demographic.Locale) device.locale = toLocale(demographic.Locale);
  if (demographic.Make !== undefined) device.make = demographic.Make;
  if (demographic.Model !== undefined) device.model = demographic.Model;
  if (demographic.Platform !== undefined || demographic.PlatformVersion !== undefined) {
    device.platform = {};
    if (demographic.Platform !== undefined) device.platform.name = demographic.Platform;
    if (demographic.PlatformVersion !== undefined) device.platform.version = demographic.PlatformVersion;
  }
  return { application, client: { client_id: envelope.endpointId }, device };
}

/** The record's session id: records carry a session only when the event has an id and a start. */
export function recordSessionId(session: Event['Session']): string | undefined {
  return session?.Id && session.StartTimestamp ? session.Id : undefined;
}

/** The record's session, when `recordSessionId` says it has one. */
export function recordSession(session: Event['Session']): EventStreamRecord['session'] {
  const sessionId = recordSessionId(session);
  if (sessionId === undefined || !session?.StartTimestamp) return undefined;
  const result: NonNullable<EventStreamRecord['session']> = { session_id: sessionId, start_timestamp: Date.parse(session.StartTimestamp) };
  if (session.StopTimestamp) result.stop_timestamp = Date.parse(session.StopTimestamp);
  return result;
}

/**
 * The record's `endpoint`: only for events that came through PutEvents (`origin: 'pinpoint'`), so
 * legacy records stay as they were. Members in a fixed order, absent ones left out.
 */
export function recordEndpoint(envelope: EventEnvelope): RecordEndpoint | undefined {
  if (envelope.origin !== 'pinpoint') return undefined;
  const result: Record<string, unknown> = {};
  for (const member of RECORD_ENDPOINT_MEMBERS) {
    const value = envelope.endpoint[member];
    if (value !== undefined) result[member] = value;
  }
  return result;
}
