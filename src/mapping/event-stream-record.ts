import type { EventEnvelope } from './event-envelope';

/**
 * A Pinpoint app-event stream record (event_version 3.0), the JSON Pinpoint wrote to Kinesis /
 * Firehose for each event (pinpoint-facts.md §5.2). `event_id` is our addition: the
 * deterministic id, so consumers can drop the duplicates that at-least-once delivery allows.
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
}

/** Splits `en_US` (or `en-US`) into the record's locale object. */
function toLocale(code: string): NonNullable<EventStreamRecord['device']['locale']> {
  const [language, country] = code.split(/[_-]/);
  const locale: NonNullable<EventStreamRecord['device']['locale']> = { code };
  if (country) locale.country = country;
  if (language) locale.language = language;
  return locale;
}

/** Builds the event-stream record of one mapped event (pure; on the delivery hot path). */
export function toEventStreamRecord(envelope: EventEnvelope): EventStreamRecord {
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
  const record: EventStreamRecord = {
    event_type: event.EventType as string,
    event_timestamp: Date.parse(event.Timestamp as string),
    arrival_timestamp: envelope.receivedAt,
    event_version: '3.0',
    event_id: envelope.eventId,
    application,
    client: { client_id: envelope.endpointId },
    device,
    attributes: event.Attributes ?? {},
    metrics: event.Metrics ?? {},
  };
  const session = event.Session;
  if (session?.Id && session.StartTimestamp) {
    record.session = { session_id: session.Id, start_timestamp: Date.parse(session.StartTimestamp) };
    if (session.StopTimestamp) record.session.stop_timestamp = Date.parse(session.StopTimestamp);
  }
  return record;
}
