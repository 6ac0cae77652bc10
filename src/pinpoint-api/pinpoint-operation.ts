import { NotFoundError } from '../errors';

/** Where the Pinpoint REST API's application paths start. */
export const PINPOINT_PATH_PREFIX = '/v1/apps/';

/** The Pinpoint API operations the proxy answers, with the ids their paths name (decoded). */
export type PinpointOperation =
  | { name: 'PutEvents'; applicationId: string }
  | { name: 'UpdateEndpoint'; applicationId: string; endpointId: string }
  | { name: 'GetEndpoint'; applicationId: string; endpointId: string };

/** Pinpoint's own limit on an endpoint id; an application id is shorter still (32 hex characters). */
const MAX_ID_LENGTH = 256;

/** One decoded path segment, or undefined when it is not a usable id (empty, too long, bad escapes, control characters). */
function pathId(segment: string | undefined): string | undefined {
  if (segment === undefined || segment === '') return undefined;
  let id: string;
  try {
    id = decodeURIComponent(segment);
  } catch {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (id.length > MAX_ID_LENGTH || /[\u0000-\u001f\u007f]/.test(id) || !id.isWellFormed()) return undefined;
  return id;
}

/**
 * The operation a request names, by method and path (the query string ignored):
 * - `POST /v1/apps/{ApplicationId}/events`, and `POST …/events/legacy` (Amplify JS v5's
 *   `sendBeacon` at a web session's end, the same `EventsRequest`): PutEvents;
 * - `PUT /v1/apps/{ApplicationId}/endpoints/{EndpointId}`: UpdateEndpoint; `GET`: GetEndpoint.
 * Ids are percent-decoded (SDKs encode an endpoint id's reserved characters). Anything else under
 * `/v1/apps/` is a NotFoundError: the Pinpoint API's other operations are not served here.
 */
export function pinpointOperation(method: string, url: string): PinpointOperation {
  const path = url.split('?', 1)[0] ?? '';
  const segments = path.slice(PINPOINT_PATH_PREFIX.length).split('/');
  const [app, collection, ...rest] = segments;
  const applicationId = pathId(app);
  if (path.startsWith(PINPOINT_PATH_PREFIX) && applicationId !== undefined) {
    if (method === 'POST' && collection === 'events' && (rest.length === 0 || (rest.length === 1 && rest[0] === 'legacy'))) {
      return { name: 'PutEvents', applicationId };
    }
    const endpointId = rest.length === 1 ? pathId(rest[0]) : undefined;
    if (collection === 'endpoints' && endpointId !== undefined) {
      if (method === 'PUT') return { name: 'UpdateEndpoint', applicationId, endpointId };
      if (method === 'GET') return { name: 'GetEndpoint', applicationId, endpointId };
    }
  }
  throw new NotFoundError(`${method} ${path.slice(0, 200)} is not a Pinpoint operation this endpoint serves (PutEvents, UpdateEndpoint, GetEndpoint).`);
}
