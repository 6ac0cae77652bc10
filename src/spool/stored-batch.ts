import type { Event, PublicEndpoint } from '@aws-sdk/client-pinpoint';
import type { EventEnvelope } from '../mapping/event-envelope';

/** The Event fields every event of one request shares (they come from its client context). */
const COMMON_FIELDS = ['AppPackageName', 'AppTitle', 'AppVersionCode', 'SdkName', 'ClientSdkVersion'] as const;
type CommonFields = Pick<Event, (typeof COMMON_FIELDS)[number]>;

/**
 * How the spool stores events that are already mapped (a dead letter requeued by the CLI): what
 * they share (application, endpoint, arrival, the app and SDK fields of each event) once, then
 * each event with its id. Accepted requests are stored as they arrived instead (`spool-payload.ts`).
 */
export interface StoredBatch {
  applicationId: string;
  endpointId: string;
  endpoint: PublicEndpoint;
  receivedAt: number;
  common: CommonFields;
  events: Array<[eventId: string, event: Event]>;
}

/** The event without its common fields (equal to the batch's `common` by construction). */
function withoutCommon(event: Event): Event {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { AppPackageName, AppTitle, AppVersionCode, SdkName, ClientSdkVersion, ...rest } = event;
  return rest;
}

/** Groups envelopes into batches: consecutive envelopes sharing application, endpoint, arrival and common fields. */
export function toStoredBatches(envelopes: readonly EventEnvelope[]): StoredBatch[] {
  const batches: StoredBatch[] = [];
  let current: StoredBatch | undefined;
  for (const e of envelopes) {
    if (
      !current ||
      current.applicationId !== e.applicationId ||
      current.endpointId !== e.endpointId ||
      current.receivedAt !== e.receivedAt ||
      COMMON_FIELDS.some((field) => e.event[field] !== (current as StoredBatch).common[field])
    ) {
      const common: CommonFields = {};
      for (const field of COMMON_FIELDS) if (e.event[field] !== undefined) common[field] = e.event[field];
      current = { applicationId: e.applicationId, endpointId: e.endpointId, endpoint: e.endpoint, receivedAt: e.receivedAt, common, events: [] };
      batches.push(current);
    }
    current.events.push([e.eventId, withoutCommon(e.event)]);
  }
  return batches;
}

/** The envelopes of a freshly parsed stored batch (whose events it completes in place), optionally only those whose ids are in `only`. */
export function fromStoredBatch(batch: StoredBatch, only?: ReadonlySet<string>): EventEnvelope[] {
  const envelopes: EventEnvelope[] = [];
  const common = Object.entries(batch.common) as Array<[keyof CommonFields, string]>;
  for (const [eventId, event] of batch.events) {
    if (only && !only.has(eventId)) continue;
    // `batch` was just parsed from the spool and is ours: fill the fields in, no copy per event.
    for (const [field, value] of common) event[field] = value;
    envelopes.push({
      eventId,
      applicationId: batch.applicationId,
      endpointId: batch.endpointId,
      endpoint: batch.endpoint,
      event,
      receivedAt: batch.receivedAt,
    });
  }
  return envelopes;
}
