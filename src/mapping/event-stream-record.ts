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

function compact<T extends object>(value: T): T | undefined {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length > 0 ? (Object.fromEntries(entries) as T) : undefined;
}

/** Splits `en_US` (or `en-US`) into the record's locale object. */
function toLocale(code: string | undefined): EventStreamRecord['device']['locale'] {
  if (!code) return undefined;
  const [language, country] = code.split(/[_-]/);
  return compact({ code, language: language || undefined, country: country || undefined });
}

/** Builds the event-stream record of one mapped event (pure). */
export function toEventStreamRecord(envelope: EventEnvelope): EventStreamRecord {
  const { event, endpoint } = envelope;
  const demographic = endpoint.Demographic ?? {};
  const session = event.Session;
  const record: EventStreamRecord = {
    event_type: event.EventType as string,
    event_timestamp: Date.parse(event.Timestamp as string),
    arrival_timestamp: envelope.receivedAt,
    event_version: '3.0',
    event_id: envelope.eventId,
    application: compact({
      app_id: envelope.applicationId,
      package_name: event.AppPackageName,
      title: event.AppTitle,
      version_name: demographic.AppVersion,
      version_code: event.AppVersionCode,
      sdk: compact({ name: event.SdkName, version: event.ClientSdkVersion }),
    }) as EventStreamRecord['application'],
    client: { client_id: envelope.endpointId },
    device:
      compact({
        locale: toLocale(demographic.Locale),
        make: demographic.Make,
        model: demographic.Model,
        platform: compact({ name: demographic.Platform, version: demographic.PlatformVersion }),
      }) ?? {},
    attributes: event.Attributes ?? {},
    metrics: event.Metrics ?? {},
  };
  if (session?.Id && session.StartTimestamp) {
    record.session = compact({
      session_id: session.Id,
      start_timestamp: Date.parse(session.StartTimestamp),
      stop_timestamp: session.StopTimestamp ? Date.parse(session.StopTimestamp) : undefined,
    }) as EventStreamRecord['session'];
  }
  return record;
}
