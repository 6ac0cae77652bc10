import type { Event, PublicEndpoint } from '@aws-sdk/client-pinpoint';
import type { ValidateFunction } from 'ajv';
import { BadRequestError } from '../errors';
import { eventCountOf } from '../mapping/map-pinpoint-request';
import { createStrictAjv, loadSchema } from '../schemas';
import { namesARealInstant } from './real-instant';
import { describeSchemaErrors } from './schema-errors';

/** Pinpoint's quota: events in one PutEvents call, over all endpoints (Pinpoint's documented quotas). */
export const MAX_EVENTS_PER_REQUEST = 100;
/** Pinpoint's quota: attribute keys plus metric keys in one event (the safe, combined reading). */
export const MAX_ATTRIBUTES_AND_METRICS = 40;
/** EventType length, as Pinpoint checks it per event. */
export const MAX_EVENT_TYPE_LENGTH = 50;

/** One endpoint's part of a checked request: its endpoint as sent and the events that passed. */
export interface CheckedBatch {
  Endpoint: PublicEndpoint;
  Events: Record<string, Event>;
}

/** An event that failed a per-event check: it gets a 400 entry and is not stored. */
export interface EventRefusal {
  endpointId: string;
  eventId: string;
  message: string;
}

/**
 * A PutEvents request split by the per-event checks. Every endpoint sent is in `batches` (with
 * no events when all of its events were refused); every event sent is either in its batch or in
 * `refusals`, so the answer can give every id its entry.
 */
export interface CheckedEventsRequest {
  batches: Record<string, CheckedBatch>;
  refusals: EventRefusal[];
}

/** Checks a parsed PutEvents body; compiled once, then pure. */
export type EventsRequestChecker = (body: unknown) => CheckedEventsRequest;

const SCHEMA_NAME = 'pinpoint/events-request.schema.json';

/**
 * Compiles `schemas/pinpoint/events-request.schema.json` twice from one file: the whole request
 * with each event left open (its envelope: endpoints, the maps, the endpoint profiles), and the
 * event definition alone. A bad event then refuses only that event, with a 400 entry in the
 * answer, as Pinpoint does; a bad envelope refuses the call (BadRequestError).
 */
export function createEventsRequestChecker(): EventsRequestChecker {
  const schema = loadSchema(SCHEMA_NAME);
  const ajv = createStrictAjv();
  ajv.addSchema(schema);
  const validateEvent = ajv.getSchema(`${String(schema['$id'])}#/definitions/event`) as ValidateFunction<Event>;
  const definitions = schema['definitions'] as Record<string, unknown>;
  const validateEnvelope = ajv.compile<{ BatchItem: Record<string, CheckedBatch> }>({
    ...schema,
    $id: 'ma2pinpoint/pinpoint/events-request-envelope.schema.json',
    definitions: { ...definitions, event: { type: 'object' } },
  });

  return (body) => {
    if (!validateEnvelope(body)) {
      throw new BadRequestError(`The body is not a valid EventsRequest: ${describeSchemaErrors(validateEnvelope.errors)}.`);
    }
    const batchEntries = Object.entries(body.BatchItem);
    const eventCount = eventCountOf(body.BatchItem);
    if (eventCount > MAX_EVENTS_PER_REQUEST) {
      throw new BadRequestError(`A PutEvents request may carry at most ${MAX_EVENTS_PER_REQUEST} events; this one carries ${eventCount}.`);
    }
    const refusals: EventRefusal[] = [];
    const batches = batchEntries.map(([endpointId, batch]): [string, CheckedBatch] => {
      const accepted = Object.entries(batch.Events).filter(([eventId, event]) => {
        const problem = problemOf(event, validateEvent);
        if (problem !== undefined) refusals.push({ endpointId, eventId, message: problem });
        return problem === undefined;
      });
      // fromEntries defines own properties, so an id such as `__proto__` stays an id.
      return [endpointId, { Endpoint: batch.Endpoint, Events: Object.fromEntries(accepted) }];
    });
    return { batches: Object.fromEntries(batches), refusals };
  };
}

/** Why Pinpoint would refuse this event, or undefined when it passes every per-event check. */
function problemOf(event: unknown, validateEvent: ValidateFunction<Event>): string | undefined {
  if (!validateEvent(event)) {
    const first = validateEvent.errors?.[0];
    // Pinpoint's own message for the one rule clients are known to break (amplify-android #2007).
    if (first?.keyword === 'dependencies') return "Session start and stop timestamp's exist but duration is null";
    return `The event is invalid: ${describeSchemaErrors(validateEvent.errors)}.`;
  }
  const eventType = event.EventType as string;
  if (eventType.length > MAX_EVENT_TYPE_LENGTH) {
    return `EventType must be 1 to ${MAX_EVENT_TYPE_LENGTH} characters; it has ${eventType.length}.`;
  }
  const names = Object.keys(event.Attributes ?? {}).length + Object.keys(event.Metrics ?? {}).length;
  if (names > MAX_ATTRIBUTES_AND_METRICS) {
    // Pinpoint's own wording (amplify-android #2112), though the limit it enforces is 40 inclusive.
    return `Number of attributes per event submitted should be less than ${MAX_ATTRIBUTES_AND_METRICS}.`;
  }
  for (const [field, value] of [
    ['Timestamp', event.Timestamp],
    ['Session.StartTimestamp', event.Session?.StartTimestamp],
    ['Session.StopTimestamp', event.Session?.StopTimestamp],
  ] as const) {
    if (value !== undefined && !namesARealInstant(value)) return `${field} is not a real date and time: ${value}.`;
  }
  return undefined;
}
