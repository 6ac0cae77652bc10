import type { EventItemResponse, EventsResponse, ItemResponse } from '@aws-sdk/client-pinpoint';
import type { CheckedEventsRequest } from './events-request-checks';

/** What every accepted endpoint and event gets: the JS clients read the 202, the others "Accepted". */
const ACCEPTED = { StatusCode: 202, Message: 'Accepted' } as const;

/**
 * The PutEvents `EventsResponse` (the body of the 202) for a checked request: every endpoint id
 * sent gets `EndpointItemResponse` 202 "Accepted", every event id sent gets an
 * `EventsItemResponse` entry, 202 "Accepted" when stored or 400 with the reason when a per-event
 * check refused it. No id may be missing: aws-sdk-android throws on a missing entry (and resends),
 * Amplify Flutter takes it as sent, so an entry is the only answer all of them read alike.
 * Call it only once the accepted events are stored: "Accepted" makes the senders delete them.
 */
export function toEventsResponse(checked: CheckedEventsRequest): EventsResponse {
  const refusedByEndpoint = new Map<string, Array<[string, EventItemResponse]>>();
  for (const refusal of checked.refusals) {
    const entries = refusedByEndpoint.get(refusal.endpointId) ?? [];
    entries.push([refusal.eventId, { StatusCode: 400, Message: refusal.message }]);
    refusedByEndpoint.set(refusal.endpointId, entries);
  }
  const results = Object.entries(checked.batches).map(([endpointId, batch]): [string, ItemResponse] => {
    const accepted = Object.keys(batch.Events).map((eventId): [string, EventItemResponse] => [eventId, { ...ACCEPTED }]);
    // fromEntries defines own properties, so ids such as `__proto__` keep their entries.
    const events = Object.fromEntries([...accepted, ...(refusedByEndpoint.get(endpointId) ?? [])]);
    return [endpointId, { EndpointItemResponse: { ...ACCEPTED }, EventsItemResponse: events }];
  });
  return { Results: Object.fromEntries(results) };
}
