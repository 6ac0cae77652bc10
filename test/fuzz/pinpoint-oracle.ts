import type { EndpointRequest } from '@aws-sdk/client-pinpoint';
import { BadRequestError, PayloadTooLargeError, ProxyError } from '../../src/errors';
import { pinpointOperation, type PinpointOperation } from '../../src/pinpoint-api/pinpoint-operation';
import { inflateBody } from '../../src/legacy/decode-body';
import { parseBoundedJson } from '../../src/legacy/json-shape';
import { pinpointEventId } from '../../src/mapping/event-id';
import { createEndpointRequestChecker } from '../../src/pinpoint-api/endpoint-request-checks';
import { createEventsRequestChecker, type CheckedEventsRequest } from '../../src/pinpoint-api/events-request-checks';
import { headerValue } from './wire';
import type { PinpointFuzzRequest } from './pinpoint-wire';

/**
 * What the service must do with a Pinpoint request, found the way it decides
 * (`http/pinpoint-route.ts`, `pipeline/pinpoint-ingest.ts`): `pinpointOperation` on the method and
 * path, `PINPOINT_BODY_LIMIT`, `inflateBody` within `INFLATED_BODY_LIMIT`, the body parsed by
 * `parseBoundedJson`, then `createEventsRequestChecker` or `createEndpointRequestChecker`.
 */
export type PinpointVerdict =
  /** PutEvents taken: `checked` says which events are stored and which get a 400 entry. */
  | { answer: 'events-taken'; applicationId: string; body: unknown; checked: CheckedEventsRequest }
  | { answer: 'endpoint-stored'; applicationId: string; endpointId: string; request: EndpointRequest }
  /** GetEndpoint: 200 or 404, as the run's UpdateEndpoint calls decide. */
  | { answer: 'endpoint-read'; applicationId: string; endpointId: string }
  /** A ProxyError: the answer `toPinpointAnswer` gives it; the operation and the parsed body when they were found. */
  | { answer: 'refused'; error: ProxyError; operation?: PinpointOperation; body?: unknown }
  /** The service's own functions threw something else: it can only answer "retry later", a bug. */
  | { answer: 'crashed'; reason: string };

export interface PinpointOracle {
  verdict(request: PinpointFuzzRequest): Promise<PinpointVerdict>;
}

/** The body as `pipeline/pinpoint-ingest.ts` parses it (its `parseBody`, which it does not export). */
function parseBody(inflated: Buffer, what: string): unknown {
  const text = inflated.toString('utf8');
  if (text.trim().length === 0) throw new BadRequestError(`The ${what} is missing: the body is empty.`);
  return parseBoundedJson(text, `The ${what}`, `The ${what} is not valid JSON.`).value;
}

/** The limits the service runs with (from its own config). */
export interface PinpointLimits {
  /** `PINPOINT_BODY_LIMIT`: the largest body as sent. */
  pinpointBodyLimit: number;
  inflatedBodyLimit: number;
}

export function createPinpointOracle(limits: PinpointLimits): PinpointOracle {
  const checkEvents = createEventsRequestChecker();
  const checkEndpoint = createEndpointRequestChecker();
  return {
    async verdict(request) {
      let operation: PinpointOperation | undefined;
      let body: unknown;
      try {
        operation = pinpointOperation(request.method, request.path);
        if (request.body.length > limits.pinpointBodyLimit) throw new PayloadTooLargeError(`The payload cannot exceed ${limits.pinpointBodyLimit} bytes.`);
        const { applicationId } = operation;
        if (operation.name === 'GetEndpoint') return { answer: 'endpoint-read', applicationId, endpointId: operation.endpointId };
        const inflated = await inflateBody(request.body, headerValue(request, 'content-encoding'), limits.inflatedBodyLimit);
        if (operation.name === 'PutEvents') {
          body = parseBody(inflated, 'EventsRequest');
          return { answer: 'events-taken', applicationId, body, checked: checkEvents(body) };
        }
        body = parseBody(inflated, 'EndpointRequest');
        return { answer: 'endpoint-stored', applicationId, endpointId: operation.endpointId, request: checkEndpoint(body) };
      } catch (err: unknown) {
        if (err instanceof ProxyError) return { answer: 'refused', error: err, ...(operation ? { operation } : {}), ...(body === undefined ? {} : { body }) };
        return { answer: 'crashed', reason: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
      }
    },
  };
}

/** An event of a PutEvents request by where it was sent: application, endpoint, the caller's key. */
export interface SentEvent {
  applicationId: string;
  endpointId: string;
  key: string;
  eventId: string;
}

/**
 * Every event of a PutEvents body by the JSON's own keys (JSON.parse keeps the last of duplicate
 * keys), however much of it the checks accept: what a refused or unanswered request may not have
 * stored. Empty when the body has no `BatchItem` object.
 */
export function sentEvents(applicationId: string, body: unknown): SentEvent[] {
  const batchItem = (body as { BatchItem?: unknown } | null | undefined)?.BatchItem;
  if (typeof batchItem !== 'object' || batchItem === null || Array.isArray(batchItem)) return [];
  return Object.entries(batchItem).flatMap(([endpointId, batch]) => {
    const events = (batch as { Events?: unknown } | null)?.Events;
    if (typeof events !== 'object' || events === null || Array.isArray(events)) return [];
    return Object.keys(events).map((key) => ({ applicationId, endpointId, key, eventId: pinpointEventId(applicationId, endpointId, key) }));
  });
}

/** The timestamps of an event that the service stored, by where they are. */
export function eventTimestamps(event: { Timestamp?: string; Session?: { StartTimestamp?: string; StopTimestamp?: string } }): Array<[string, string | undefined]> {
  return [
    ['Timestamp', event.Timestamp],
    ['Session.StartTimestamp', event.Session?.StartTimestamp],
    ['Session.StopTimestamp', event.Session?.StopTimestamp],
  ];
}
