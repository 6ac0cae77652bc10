/**
 * The calls replay sends and dry-runs, told from a request's method and path (the query ignored):
 * - `LegacyPutEvents`: `POST …/2014-06-05/events`, the Mobile Analytics API;
 * - `PutEvents`: `POST …/v1/apps/{ApplicationId}/events`, and `…/events/legacy`, where Amplify JS
 *   v5 sends a web session's last events with `navigator.sendBeacon` (the same `EventsRequest`);
 * - `UpdateEndpoint`: `PUT …/v1/apps/{ApplicationId}/endpoints/{EndpointId}`.
 * The path may have a prefix (a HAR file captured through a gateway at a base path); the ids are
 * percent-decoded, as the service's routes decode them.
 */
export type ReplayCall =
  | { readonly name: 'LegacyPutEvents' }
  | { readonly name: 'PutEvents'; readonly applicationId: string }
  | { readonly name: 'UpdateEndpoint'; readonly applicationId: string; readonly endpointId: string };

const LEGACY_PUT_EVENTS = /\/2014-06-05\/events$/;
const PUT_EVENTS = /\/v1\/apps\/([^/]+)\/events(?:\/legacy)?$/;
const UPDATE_ENDPOINT = /\/v1\/apps\/([^/]+)\/endpoints\/([^/]+)$/;

/** A path segment decoded, or undefined when its escapes are broken. */
function decodedSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The call a request makes, or undefined when it is none of the calls replay knows. */
export function replayCallOf(method: string, url: string): ReplayCall | undefined {
  const path = url.split('?', 1)[0] ?? '';
  if (method === 'POST') {
    if (LEGACY_PUT_EVENTS.test(path)) return { name: 'LegacyPutEvents' };
    const putEvents = PUT_EVENTS.exec(path);
    const applicationId = putEvents ? decodedSegment(putEvents[1] as string) : undefined;
    return applicationId === undefined ? undefined : { name: 'PutEvents', applicationId };
  }
  if (method === 'PUT') {
    const match = UPDATE_ENDPOINT.exec(path);
    if (!match) return undefined;
    const applicationId = decodedSegment(match[1] as string);
    const endpointId = decodedSegment(match[2] as string);
    return applicationId === undefined || endpointId === undefined ? undefined : { name: 'UpdateEndpoint', applicationId, endpointId };
  }
  return undefined;
}

/** A call of the Pinpoint API (signed for `mobiletargeting`, answered as Pinpoint answers). */
export type PinpointCall = Exclude<ReplayCall, { name: 'LegacyPutEvents' }>;

/** Whether a call is one of the Pinpoint API's. */
export function isPinpointCall(call: ReplayCall): call is PinpointCall {
  return call.name !== 'LegacyPutEvents';
}
