import type { PublicEndpoint } from '@aws-sdk/client-pinpoint';
import type { EventEnvelope } from './event-envelope';
import { recordSession, sharedRecordFields } from './event-stream-record';

/** The `application`, `client` and `device` JSON of a request's events, and what it was built from. */
interface SharedPart {
  applicationId: string;
  endpointId: string;
  appPackageName: string | undefined;
  appTitle: string | undefined;
  appVersionCode: string | undefined;
  sdkName: string | undefined;
  clientSdkVersion: string | undefined;
  json: string;
}

/** Keyed by the endpoint object, which every envelope of one mapped request shares. */
const sharedParts = new WeakMap<PublicEndpoint, SharedPart>();

function sharedPart(envelope: EventEnvelope): string {
  const { event } = envelope;
  const cached = sharedParts.get(envelope.endpoint);
  if (
    cached &&
    cached.applicationId === envelope.applicationId &&
    cached.endpointId === envelope.endpointId &&
    cached.appPackageName === event.AppPackageName &&
    cached.appTitle === event.AppTitle &&
    cached.appVersionCode === event.AppVersionCode &&
    cached.sdkName === event.SdkName &&
    cached.clientSdkVersion === event.ClientSdkVersion
  ) {
    return cached.json;
  }
  const shared = sharedRecordFields(envelope);
  const json = `"application":${JSON.stringify(shared.application)},"client":${JSON.stringify(shared.client)},"device":${JSON.stringify(shared.device)}`;
  sharedParts.set(envelope.endpoint, {
    applicationId: envelope.applicationId,
    endpointId: envelope.endpointId,
    appPackageName: event.AppPackageName,
    appTitle: event.AppTitle,
    appVersionCode: event.AppVersionCode,
    sdkName: event.SdkName,
    clientSdkVersion: event.ClientSdkVersion,
    json,
  });
  return json;
}

/**
 * The event-stream record of an envelope as JSON text: exactly `JSON.stringify(toEventStreamRecord(envelope))`
 * (same keys, same order), built without the intermediate object. The application, client and
 * device part, equal for every event of a request, is serialized once per request. This runs
 * once per delivered event on every stream sink and the local store.
 */
export function eventStreamRecordJson(envelope: EventEnvelope): string {
  const { event } = envelope;
  const json =
    `{"event_type":${JSON.stringify(event.EventType)},"event_timestamp":${Date.parse(event.Timestamp as string)},` +
    `"arrival_timestamp":${envelope.receivedAt},"event_version":"3.0","event_id":${JSON.stringify(envelope.eventId)},` +
    `${sharedPart(envelope)},"attributes":${JSON.stringify(event.Attributes ?? {})},"metrics":${JSON.stringify(event.Metrics ?? {})}`;
  const session = recordSession(event.Session);
  return session ? `${json},"session":${JSON.stringify(session)}}` : `${json}}`;
}
