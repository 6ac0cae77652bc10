import type { EventsResponse } from '@aws-sdk/client-pinpoint';

/**
 * What a mobile SDK does with one event of a batch once it has the answer to its PutEvents call:
 * - `delivered`: deleted from the device's queue as accepted;
 * - `kept`: left in the queue, sent again with a later batch;
 * - `discarded`: deleted from the queue though nobody stored it (lost).
 */
export type ClientVerdict = 'delivered' | 'kept' | 'discarded';

/**
 * The answer to one PutEvents call as the SDK sees it: the HTTP status, the error type it reads
 * (`x-amzn-ErrorType`, the part before any `:`), and the parsed body of a 2xx. `status: 0` is a
 * network error (no answer).
 */
export interface CallAnswer {
  status: number;
  errorType?: string;
  response?: EventsResponse;
}

/** One batch the SDK sent: its single endpoint and the ids (keys) of its events. */
export interface SentBatch {
  endpointId: string;
  eventIds: readonly string[];
}

/** The SDK's verdict for every event of a batch, by event id. */
export type BatchVerdicts = Record<string, ClientVerdict>;

function everyEvent(batch: SentBatch, verdict: ClientVerdict): BatchVerdicts {
  return Object.fromEntries(batch.eventIds.map((id) => [id, verdict]));
}

const isServerError = (status: number): boolean => status >= 500 && status <= 599;

/**
 * aws-sdk-android `PinpointManager` (`EventRecorder.submitEventsAndEndpoint`, `processEventsResponse`):
 * - a network error or a 5xx (`AmazonServiceException` with a status in 500–599) keeps the whole
 *   batch; any other error status, every 4xx and 429 too, deletes the whole batch;
 * - on success it reads `Results[endpointId].EndpointItemResponse` and then, per event,
 *   `Results[endpointId].EventsItemResponse[eventId]`: a `Message` equal to "Accepted" (ignoring
 *   case) deletes the event, a 5xx `StatusCode` keeps it, anything else deletes it;
 * - a missing entry (the endpoint's or an event's) throws a NullPointerException that nothing
 *   catches before the deletes run, so the whole batch stays queued.
 */
export function pinpointManagerVerdicts(batch: SentBatch, answer: CallAnswer): BatchVerdicts {
  if (answer.status === 0 || isServerError(answer.status)) return everyEvent(batch, 'kept');
  if (answer.status < 200 || answer.status > 299) return everyEvent(batch, 'discarded');
  const item = answer.response?.Results?.[batch.endpointId];
  if (item?.EndpointItemResponse === undefined) return everyEvent(batch, 'kept');
  const entries = batch.eventIds.map((id) => [id, item.EventsItemResponse?.[id]] as const);
  if (entries.some(([, entry]) => entry?.Message === undefined)) return everyEvent(batch, 'kept');
  return Object.fromEntries(
    entries.map(([id, entry]): [string, ClientVerdict] => {
      if (entry?.Message?.toLowerCase() === 'accepted') return [id, 'delivered'];
      return [id, isServerError(entry?.StatusCode ?? 0) ? 'kept' : 'discarded'];
    }),
  );
}

/** The error names AWSPinpoint never retries (`AWSPinpointEventRecorder isRetryable:`). */
const AWS_PINPOINT_FINAL_ERRORS = new Set(['SerializationException', 'BadRequestException', 'ValidationException']);

/** How many times AWSPinpoint resends an event that failed: it is set aside once `retryCount > 3`. */
export const AWS_PINPOINT_MAX_RETRIES = 3;

/**
 * aws-sdk-ios `AWSPinpoint` (`AWSPinpointEventRecorder putEvents:error:endpointProfile:`), given how
 * many times each event of the batch had already failed (`retryCount`, 0 for a first send):
 * - a whole-call error whose type is `BadRequestException`, `SerializationException` or
 *   `ValidationException` marks the batch dirty (discarded); any other error status (5xx, 429)
 *   adds one to each event's retry count; a network error keeps the batch without counting;
 * - on success, per event: `Message` exactly "Accepted" deletes it; a `Message` naming one of those
 *   three error types marks it dirty; anything else, a 400 with Pinpoint's reason included (the
 *   SDK compares the item's `StatusCode` with its error enum, never 400) and a missing entry, adds
 *   one to its retry count;
 * - an event whose retry count passes `AWS_PINPOINT_MAX_RETRIES` is moved to the dirty table:
 *   discarded.
 */
export function awsPinpointVerdicts(batch: SentBatch, answer: CallAnswer, retriesSoFar: Readonly<Record<string, number>> = {}): BatchVerdicts {
  const retryOrGiveUp = (id: string): ClientVerdict => ((retriesSoFar[id] ?? 0) + 1 > AWS_PINPOINT_MAX_RETRIES ? 'discarded' : 'kept');
  // Since aws-sdk-ios #4357 (2022) a connectivity error is retried without counting.
  if (answer.status === 0) return everyEvent(batch, 'kept');
  if (answer.status < 200 || answer.status > 299) {
    if (AWS_PINPOINT_FINAL_ERRORS.has(answer.errorType ?? '')) return everyEvent(batch, 'discarded');
    return Object.fromEntries(batch.eventIds.map((id) => [id, retryOrGiveUp(id)]));
  }
  const events = answer.response?.Results?.[batch.endpointId]?.EventsItemResponse ?? {};
  return Object.fromEntries(
    batch.eventIds.map((id): [string, ClientVerdict] => {
      const message = events[id]?.Message;
      if (message === 'Accepted') return [id, 'delivered'];
      if (message !== undefined && AWS_PINPOINT_FINAL_ERRORS.has(message)) return [id, 'discarded'];
      return [id, retryOrGiveUp(id)];
    }),
  );
}

/** A mobile SDK's keep-or-delete rule, for tests that run each SDK alike. */
export interface MobileClientModel {
  name: string;
  /** The verdicts for a batch; `retriesSoFar` counts each event's earlier failed sends (only AWSPinpoint reads it). */
  verdicts(batch: SentBatch, answer: CallAnswer, retriesSoFar: Readonly<Record<string, number>>): BatchVerdicts;
}

export const PINPOINT_MANAGER_MODEL: MobileClientModel = { name: 'PinpointManager', verdicts: (batch, answer) => pinpointManagerVerdicts(batch, answer) };
export const AWS_PINPOINT_MODEL: MobileClientModel = { name: 'AWSPinpoint', verdicts: awsPinpointVerdicts };

/** The ids of a batch with a given verdict, in the batch's order. */
export function idsWith(verdicts: BatchVerdicts, verdict: ClientVerdict): string[] {
  return Object.entries(verdicts)
    .filter(([, v]) => v === verdict)
    .map(([id]) => id);
}
