import { PINPOINT_PATH_PREFIX, pinpointOperation, type PinpointOperation } from '../pinpoint-api/pinpoint-operation';

/**
 * The calls replay sends and dry-runs, told from a request's method and path (the query ignored):
 * - `LegacyPutEvents`: `POST …/2014-06-05/events`, the Mobile Analytics API;
 * - `PutEvents`: `POST …/v1/apps/{ApplicationId}/events`, and `…/events/legacy`, where Amplify JS
 *   v5 sends a web session's last events with `navigator.sendBeacon` (the same `EventsRequest`);
 * - `UpdateEndpoint`: `PUT …/v1/apps/{ApplicationId}/endpoints/{EndpointId}`.
 * The path may have a prefix (a HAR file captured through a gateway at a base path); from
 * `/v1/apps/` on it is read by the service's own `pinpointOperation`, ids decoded and bounded.
 */
export type ReplayCall = { readonly name: 'LegacyPutEvents' } | Exclude<PinpointOperation, { name: 'GetEndpoint' }>;

const LEGACY_PUT_EVENTS = /\/2014-06-05\/events$/;

/** The call a request makes, or undefined when it is none of the calls replay knows. */
export function replayCallOf(method: string, url: string): ReplayCall | undefined {
  const path = url.split('?', 1)[0] ?? '';
  if (method === 'POST' && LEGACY_PUT_EVENTS.test(path)) return { name: 'LegacyPutEvents' };
  const at = path.indexOf(PINPOINT_PATH_PREFIX);
  if (at < 0) return undefined;
  // The service's own reading of the path (ids decoded and bounded): what it would answer 404 is no call.
  let operation: PinpointOperation;
  try {
    operation = pinpointOperation(method, path.slice(at));
  } catch {
    return undefined;
  }
  // A read changes nothing: replay sends and dry-runs only the writes a recording keeps.
  return operation.name === 'GetEndpoint' ? undefined : operation;
}

/** A call of the Pinpoint API (signed for `mobiletargeting`, answered as Pinpoint answers). */
export type PinpointCall = Exclude<ReplayCall, { name: 'LegacyPutEvents' }>;

/** Whether a call is one of the Pinpoint API's. */
export function isPinpointCall(call: ReplayCall): call is PinpointCall {
  return call.name !== 'LegacyPutEvents';
}
