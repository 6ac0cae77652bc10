import type { EndpointRequest, EventsRequest, EventsResponse } from '@aws-sdk/client-pinpoint';
import type { StoredEndpoint, EndpointProfileStore } from '../endpoint-profiles/endpoint-profile-store';
import { BadRequestError, NotFoundError } from '../errors';
import { parseBoundedJson } from '../legacy/json-shape';
import { pinpointEventId } from '../mapping/event-id';
import { eventCountOf } from '../mapping/map-pinpoint-request';
import type { CheckedBatch, CheckedEventsRequest, EventRefusal, EventsRequestChecker } from '../pinpoint-api/events-request-checks';
import { toEventsResponse } from '../pinpoint-api/events-response';
import { NONE_REFUSED, type Acceptor, type RefusedByDestination } from './acceptor';
import type { ByteBudget } from './byte-budget';
import { withInflatedBody } from './inflated-body';

/** A Pinpoint API request with a body, free of any HTTP framework. */
export interface PinpointBodyRequest {
  /** The path's `{ApplicationId}`, decoded. */
  applicationId: string;
  /** The body as received (maybe compressed). */
  body: Buffer;
  contentEncoding: string | undefined;
  /** Unix ms. */
  receivedAt: number;
}

/** What the Pinpoint ingest needs, built once. */
export interface PinpointIngestDeps {
  checkEvents: EventsRequestChecker;
  /** Validates an `EndpointRequest`; throws a BadRequestError. */
  checkEndpoint: (body: unknown) => EndpointRequest;
  profiles: EndpointProfileStore;
  acceptor: Acceptor;
  inflatedBodyLimit: number;
  /** The same budget the legacy ingest uses: both kinds of body share one bound on bytes in work. */
  budget: ByteBudget;
}

/** The Pinpoint-native calls, decoded, checked and taken; each throws a ProxyError when it cannot. */
export interface PinpointIngest {
  /** PutEvents: stores (or, upstream, delivers) the events that pass the checks; the answer gives every id its entry. */
  putEvents(request: PinpointBodyRequest): Promise<{ response: EventsResponse; events: number; refusedEvents: number }>;
  /** UpdateEndpoint: stores the endpoint profile (the latest `EffectiveDate` wins). */
  updateEndpoint(request: PinpointBodyRequest & { endpointId: string }): Promise<void>;
  /** GetEndpoint: the stored profile; a NotFoundError when none was stored. */
  getEndpoint(applicationId: string, endpointId: string): StoredEndpoint;
}

/**
 * The checked request with the events a destination refused one by one (upstream mode) moved to
 * its refusals, so their entries carry the destination's message (status 400, as Pinpoint itself
 * answered such an event) instead of "Accepted".
 */
function withRefusedByDestination(checked: CheckedEventsRequest, applicationId: string, refused: RefusedByDestination): CheckedEventsRequest {
  const refusals: EventRefusal[] = [...checked.refusals];
  const batches = Object.entries(checked.batches).map(([endpointId, batch]): [string, CheckedBatch] => {
    const kept = Object.entries(batch.Events).filter(([key]) => {
      const message = refused.get(pinpointEventId(applicationId, endpointId, key));
      if (message !== undefined) refusals.push({ endpointId, eventId: key, message });
      return message === undefined;
    });
    // fromEntries defines own properties, so an id such as `__proto__` stays an id.
    return [endpointId, { Endpoint: batch.Endpoint, Events: Object.fromEntries(kept) }];
  });
  return { batches: Object.fromEntries(batches), refusals };
}

function parseBody(inflated: Buffer, what: string): unknown {
  const text = inflated.toString('utf8');
  if (text.trim().length === 0) throw new BadRequestError(`The ${what} is missing: the body is empty.`);
  return parseBoundedJson(text, `The ${what}`, `The ${what} is not valid JSON.`).value;
}

/**
 * The Pinpoint-native pipeline, beside the legacy one (`ingest.ts`) and over the same acceptor:
 * decode → check → accept. A PutEvents request is checked as Pinpoint checks it
 * (`pinpoint-api/events-request-checks.ts`: a bad envelope refuses the call, a bad event only
 * itself); its accepted events go to the acceptor with the stored profiles of its endpoints, and
 * only once the acceptor resolved (committed, or delivered upstream) is the `EventsResponse`
 * built: "Accepted" makes every sender delete its events.
 */
export function createPinpointIngest(deps: PinpointIngestDeps): PinpointIngest {
  const { checkEvents, checkEndpoint, profiles, acceptor, inflatedBodyLimit, budget } = deps;
  return {
    putEvents(request) {
      acceptor.admit();
      const { applicationId, receivedAt } = request;
      return withInflatedBody(budget, request.body, request.contentEncoding, inflatedBodyLimit, async (inflated) => {
        const checked = checkEvents(parseBody(inflated, 'EventsRequest'));
        const accepted: EventsRequest = { BatchItem: checked.batches };
        const endpointIds = Object.entries(checked.batches)
          .filter(([, batch]) => Object.keys(batch.Events).length > 0)
          .map(([endpointId]) => endpointId);
        // A call whose events were all refused by the checks has nothing to store or send.
        const refused =
          eventCountOf(accepted.BatchItem) === 0
            ? NONE_REFUSED
            : await acceptor.acceptPinpoint({ applicationId, request: accepted, receivedAt, profiles: profiles.getMany(applicationId, endpointIds) });
        const answered = refused.size === 0 ? checked : withRefusedByDestination(checked, applicationId, refused);
        const events = eventCountOf(answered.batches);
        return { response: toEventsResponse(answered), events, refusedEvents: answered.refusals.length };
      });
    },
    updateEndpoint(request) {
      const { applicationId, endpointId, receivedAt } = request;
      return withInflatedBody(budget, request.body, request.contentEncoding, inflatedBodyLimit, async (inflated) => {
        profiles.put(applicationId, endpointId, checkEndpoint(parseBody(inflated, 'EndpointRequest')), receivedAt);
        return Promise.resolve();
      });
    },
    getEndpoint(applicationId, endpointId) {
      const stored = profiles.get(applicationId, endpointId);
      if (stored === undefined) throw new NotFoundError('Resource not found');
      return stored;
    },
  };
}
