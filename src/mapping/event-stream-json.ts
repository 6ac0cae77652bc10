import type { EventEnvelope } from './event-envelope';
import { recordEndpoint, recordSession, sharedRecordFields } from './event-stream-record';

/** Serializes envelopes to event-stream record JSON (see `createEventStreamSerializer`). */
export type EventStreamSerializer = (envelope: EventEnvelope) => string;

/** True when two envelopes have the same `application`, `client` and `device` record parts. */
function sameSharedPart(a: EventEnvelope, b: EventEnvelope): boolean {
  return (
    a.endpoint === b.endpoint &&
    a.applicationId === b.applicationId &&
    a.endpointId === b.endpointId &&
    a.event.AppPackageName === b.event.AppPackageName &&
    a.event.AppTitle === b.event.AppTitle &&
    a.event.AppVersionCode === b.event.AppVersionCode &&
    a.event.SdkName === b.event.SdkName &&
    a.event.ClientSdkVersion === b.event.ClientSdkVersion
  );
}

/**
 * A serializer of event-stream records (event_version 3.0) to JSON text, built directly rather
 * than through an intermediate object, since it runs once per delivered event on every stream
 * sink and the local store. The `application`, `client` and `device` part is equal for every
 * event of a request (they share one endpoint object), so the serializer remembers the last one
 * it built: consecutive events of a request serialize it once, and likewise the `endpoint` of
 * events that came through PutEvents (last, after the session). Each sink holds its own serializer.
 */
export function createEventStreamSerializer(): EventStreamSerializer {
  let last: { envelope: EventEnvelope; json: string } | undefined;
  const sharedPart = (envelope: EventEnvelope): string => {
    if (last && sameSharedPart(last.envelope, envelope)) return last.json;
    const shared = sharedRecordFields(envelope);
    const json = `"application":${JSON.stringify(shared.application)},"client":${JSON.stringify(shared.client)},"device":${JSON.stringify(shared.device)}`;
    last = { envelope, json };
    return json;
  };
  let lastEndpoint: { endpoint: EventEnvelope['endpoint']; json: string } | undefined;
  const endpointPart = (envelope: EventEnvelope): string => {
    if (lastEndpoint?.endpoint !== envelope.endpoint) {
      // Only events that came through PutEvents have one (recordEndpoint says which).
      const endpoint = recordEndpoint(envelope);
      lastEndpoint = { endpoint: envelope.endpoint, json: endpoint === undefined ? '' : `,"endpoint":${JSON.stringify(endpoint)}` };
    }
    return lastEndpoint.json;
  };
  return (envelope) => {
    const { event } = envelope;
    const json =
      `{"event_type":${JSON.stringify(event.EventType)},"event_timestamp":${Date.parse(event.Timestamp ?? '')},` +
      `"arrival_timestamp":${envelope.receivedAt},"event_version":"3.0","event_id":${JSON.stringify(envelope.eventId)},` +
      `${sharedPart(envelope)},"attributes":${JSON.stringify(event.Attributes ?? {})},"metrics":${JSON.stringify(event.Metrics ?? {})}`;
    const session = recordSession(event.Session);
    return `${session ? `${json},"session":${JSON.stringify(session)}` : json}${endpointPart(envelope)}}`;
  };
}
