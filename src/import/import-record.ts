import type { StoredEvent } from '../local-store/event-store';
import { storedEventFromRecord } from '../local-store/stored-event';
import type { EventStreamRecord } from '../mapping/event-stream-record';
import { stableRecordId } from './record-id';

/** Why a record read from an export was not imported. */
export type SkipReason =
  | 'not a JSON object'
  | 'larger than the record limit'
  | 'no event_type'
  | 'no valid event_timestamp'
  | 'invalid arrival_timestamp'
  | 'no application.app_id'
  | 'no client.client_id'
  | 'attributes not an object'
  | 'metrics not an object'
  | 'invalid event_id';

/** A record checked for the local store: the event to store, or why it is skipped. */
export type CheckedRecord =
  | {
      readonly ok: true;
      readonly event: StoredEvent;
      /** Attribute values that were not strings and metric values that were not finite numbers, left out. */
      readonly droppedValues: number;
    }
  | { readonly ok: false; readonly reason: SkipReason };

/** Unix ms a `Date` can hold (±100 000 000 days): a day outside it has no `YYYY-MM-DD`. */
const MAX_TIME_MS = 8.64e15;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isTime(value: unknown): value is number {
  return Number.isInteger(value) && Math.abs(value as number) <= MAX_TIME_MS;
}

/** Keeps the entries whose value passes `keep`; counts the others. */
function keepEntries<T>(source: Json, keep: (value: unknown) => value is T): { kept: Record<string, T>; dropped: number } {
  const kept: Record<string, T> = {};
  let dropped = 0;
  for (const [name, value] of Object.entries(source)) {
    if (keep(value)) kept[name] = value;
    else dropped++;
  }
  return { kept, dropped };
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** The record's session when it names one (`session_id` and `start_timestamp`); else none. */
function validSession(session: unknown): EventStreamRecord['session'] {
  if (!isObject(session) || !isNonEmptyString(session['session_id']) || !isTime(session['start_timestamp'])) return undefined;
  const valid: NonNullable<EventStreamRecord['session']> = { ...session, session_id: session['session_id'], start_timestamp: session['start_timestamp'] };
  if (isTime(session['stop_timestamp'])) valid.stop_timestamp = session['stop_timestamp'];
  else delete valid.stop_timestamp;
  return valid;
}

/**
 * Checks one parsed record for what the local store needs, and makes the event to store.
 *
 * Required: `event_type` (a non-empty string), `event_timestamp` (integer Unix ms),
 * `application.app_id` and `client.client_id` (non-empty strings); records without them are
 * skipped: the KPIs count devices, per application. Defaults:
 * `arrival_timestamp` is `event_timestamp` when absent (the KPIs never read it);
 * `attributes` and `metrics` are `{}` when absent. Values the KPIs cannot use are left out, the
 * event kept: attribute values that are not strings, metric values that are not finite numbers,
 * and a `session` without `session_id` and `start_timestamp` (Pinpoint writes `{}` for events
 * outside a session). Every other field is stored as the export had it.
 *
 * The id is `event_id` (ma2pinpoint's records carry it), else `stableRecordId` of the record as
 * read; the stored record carries the id as `event_id`.
 */
export function checkRecord(value: unknown): CheckedRecord {
  if (!isObject(value)) return { ok: false, reason: 'not a JSON object' };
  const { event_type: eventType, event_timestamp: eventTimestamp, application, client } = value;
  if (!isNonEmptyString(eventType)) return { ok: false, reason: 'no event_type' };
  if (!isTime(eventTimestamp)) return { ok: false, reason: 'no valid event_timestamp' };
  const arrivalTimestamp = value['arrival_timestamp'] ?? eventTimestamp;
  if (!isTime(arrivalTimestamp)) return { ok: false, reason: 'invalid arrival_timestamp' };
  if (!isObject(application) || !isNonEmptyString(application['app_id'])) return { ok: false, reason: 'no application.app_id' };
  if (!isObject(client) || !isNonEmptyString(client['client_id'])) return { ok: false, reason: 'no client.client_id' };
  const attributes = value['attributes'] ?? {};
  if (!isObject(attributes)) return { ok: false, reason: 'attributes not an object' };
  const metrics = value['metrics'] ?? {};
  if (!isObject(metrics)) return { ok: false, reason: 'metrics not an object' };
  const eventId = value['event_id'] ?? stableRecordId(value);
  if (!isNonEmptyString(eventId)) return { ok: false, reason: 'invalid event_id' };

  const keptAttributes = keepEntries(attributes, isString);
  const keptMetrics = keepEntries(metrics, isFiniteNumber);
  const { session: _session, ...rest } = value;
  const session = validSession(value['session']);
  const record = {
    ...rest,
    event_id: eventId,
    arrival_timestamp: arrivalTimestamp,
    attributes: keptAttributes.kept,
    metrics: keptMetrics.kept,
    ...(session ? { session } : {}),
  } as unknown as EventStreamRecord;
  return {
    ok: true,
    event: storedEventFromRecord(record, JSON.stringify(record), eventId),
    droppedValues: keptAttributes.dropped + keptMetrics.dropped,
  };
}
