import { inflateBody } from '../legacy/decode-body';
import { replayCallOf } from './replay-call';
import type { ReplayRequest } from './replay-request';

/**
 * The most bytes a PutEvents body is inflated to for its endpoint ids: the largest `BODY_LIMIT` a
 * service runs with. A body past it is ordered with nothing; the service refuses it anyway.
 */
const MAX_INFLATED_BYTES = 64 * 1024 * 1024;

/** One endpoint of one application, as a key. */
function endpointKey(applicationId: string, endpointId: string): string {
  return JSON.stringify([applicationId, endpointId]);
}

/** The endpoint ids of a PutEvents body (its `BatchItem` keys); none when the body is not a readable `EventsRequest`. */
async function batchEndpointIds(body: Buffer, contentEncoding: string | undefined): Promise<string[]> {
  try {
    const parsed = JSON.parse((await inflateBody(body, contentEncoding, MAX_INFLATED_BYTES)).toString('utf8')) as unknown;
    const batchItem = (parsed as { BatchItem?: unknown } | null)?.BatchItem;
    return batchItem !== null && typeof batchItem === 'object' && !Array.isArray(batchItem) ? Object.keys(batchItem) : [];
  } catch {
    // Not JSON, not inflatable: the service refuses it as a whole, so no endpoint depends on it.
    return [];
  }
}

/**
 * The Pinpoint endpoints a request is about, as keys replay keeps the order of: an
 * UpdateEndpoint's endpoint, a PutEvents request's endpoints (its body's `BatchItem`). Order
 * matters there: the service maps a PutEvents request's events with the profile UpdateEndpoint
 * stored before it, and Amplify JS sends no event before its UpdateEndpoint succeeded. A legacy
 * request, and one whose body replay cannot read, is about none.
 */
export async function endpointKeysOf(request: ReplayRequest): Promise<string[]> {
  const call = replayCallOf(request.method, request.url);
  if (call === undefined || request.body === null) return [];
  switch (call.name) {
    case 'LegacyPutEvents':
      return [];
    case 'UpdateEndpoint':
      return [endpointKey(call.applicationId, call.endpointId)];
    case 'PutEvents':
      return (await batchEndpointIds(request.body, request.headers['content-encoding'])).map((endpointId) => endpointKey(call.applicationId, endpointId));
  }
}
