import type { Event } from '@aws-sdk/client-pinpoint';
import { mapPinpointRequest } from '../../src/mapping/map-pinpoint-request';
import type { EventEnvelope } from '../../src/mapping/event-envelope';
import { pinpointEventId } from '../../src/mapping/event-id';
import type { EventStreamRecord } from '../../src/mapping/event-stream-record';
import type { CheckedBatch, CheckedEventsRequest } from '../../src/pinpoint-api/events-request-checks';
import { toEventStreamRecord } from '../support/event-stream-oracle';
import { realTimestampMs } from './oracle';
import { canonicalJson } from './pinpoint-canonical-json';
import type { EndpointLedger, LedgerProblem } from './pinpoint-endpoint-ledger';
import { eventTimestamps, type SentEvent } from './pinpoint-oracle';

/** One event a request's answer called "Accepted": it must be in `events.db` under its id, as mapped. */
interface AcceptedEvent {
  index: number;
  applicationId: string;
  endpointId: string;
  key: string;
  /** Its endpoint's part of the checked request (the mapping's input). */
  batch: CheckedBatch;
  /** Unix ms: the request's send and answer, which bound the record's `arrival_timestamp`. */
  sentAt: number;
  answeredAt: number;
  /**
   * The record it must be (canonical JSON, `arrival_timestamp` aside) when no stored profile can
   * be under its endpoint; undefined when one may be (the record is then checked against itself
   * and the UpdateEndpoint calls, `matchesWithProfile`).
   */
  expected?: string;
}

/** A row of `events.db`. */
export interface StoredRow {
  event_id: string;
  app_id: string;
  client_id: string;
  event_type: string;
  record: string;
}

const EVENT_FAILURE = {
  unmappable: 'answered Accepted but the mapping throws: the events can never be delivered',
  impossibleDate: 'answered Accepted for a timestamp that names no real instant',
  timestampChanged: 'answered Accepted for a real timestamp but mapped it to another instant',
  wrongId: "an Accepted event's id is not pinpointEventId(application, endpoint, key)",
  collision: 'event id collision: different events got one id, the store keeps one',
  missing: 'answered Accepted but the event is not in events.db',
  refusedStored: 'an event answered 400, refused or "retry later" is in events.db',
  strayStored: 'events.db holds an event no request of the run sent',
  recordDiffers: "the stored record is not the mapping of any request that sent the event's id",
  arrival: "a record's arrival_timestamp is outside the time of every request that sent it",
  columns: "a row's columns disagree with its record",
} as const;

function withoutArrival(record: EventStreamRecord): Omit<EventStreamRecord, 'arrival_timestamp'> {
  const { arrival_timestamp: _arrival, ...rest } = record;
  return rest;
}

/** The first top-level member where two records differ, for a failure's detail. */
function firstDifference(expected: Record<string, unknown>, actual: Record<string, unknown>): string {
  const members = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
  const member = members.find((m) => canonicalJson(expected[m]) !== canonicalJson(actual[m]));
  if (member === undefined) return 'no member differs';
  return `${member}: expected ${canonicalJson(expected[member]).slice(0, 300)}, stored ${canonicalJson(actual[member]).slice(0, 300)}`;
}

/**
 * The events of a run by id: those answered "Accepted" (owed to `events.db`, with the record each
 * must be), those answered 400 or refused (that must not be there, unless another request had the
 * same id accepted), those of requests that got no answer (either way). At the end, `events.db`
 * is read against it.
 */
export class EventLedger {
  private readonly accepted = new Map<string, AcceptedEvent[]>();
  private readonly refused = new Map<string, number>();
  private readonly unsure = new Set<string>();
  private readonly owners = new Map<string, { event: string; index: number }>();

  /** Problems when an id already belongs to another (application, endpoint, key). */
  private own(index: number, event: Omit<SentEvent, 'eventId'>, eventId: string): LedgerProblem[] {
    const identity = JSON.stringify([event.applicationId, event.endpointId, event.key]);
    const owner = this.owners.get(eventId);
    if (owner === undefined) this.owners.set(eventId, { event: identity, index });
    else if (owner.event !== identity) {
      return [{ failure: EVENT_FAILURE.collision, detail: `${eventId} is ${owner.event} of request #${owner.index} and ${identity}`, index }];
    }
    return [];
  }

  /**
   * The events of a request answered 202 whose entries say "Accepted" (`isAccepted`), mapped as
   * the delivery side maps them; `mayHaveProfile` tells the endpoints a stored profile may be
   * under. Returns what is wrong already: a mapping that throws, timestamps that name no instant
   * or moved, ids that are not `pinpointEventId`, collisions.
   */
  accept(
    index: number,
    applicationId: string,
    checked: CheckedEventsRequest,
    times: { sentAt: number; answeredAt: number },
    isAccepted: (endpointId: string, key: string) => boolean,
    mayHaveProfile: (endpointId: string) => boolean,
  ): LedgerProblem[] {
    const problems: LedgerProblem[] = [];
    let envelopes: EventEnvelope[];
    try {
      envelopes = mapPinpointRequest({ applicationId, request: { BatchItem: checked.batches }, receivedAt: 0 });
    } catch (err: unknown) {
      // The request's events may or may not arrive after this; the finding says it all.
      const ids = Object.entries(checked.batches).flatMap(([endpointId, batch]) => Object.keys(batch.Events).map((key) => pinpointEventId(applicationId, endpointId, key)));
      for (const id of ids) this.unsure.add(id);
      const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      problems.push({ failure: EVENT_FAILURE.unmappable, detail: `${why} (the request's ${ids.length} events stored in one spool row)`, index });
      return problems;
    }
    let position = 0;
    for (const [endpointId, batch] of Object.entries(checked.batches)) {
      for (const [key, event] of Object.entries(batch.Events)) {
        const envelope = envelopes[position++] as EventEnvelope;
        if (!isAccepted(endpointId, key)) continue;
        const eventId = pinpointEventId(applicationId, endpointId, key);
        if (envelope.eventId !== eventId) problems.push({ failure: EVENT_FAILURE.wrongId, detail: `${JSON.stringify([endpointId, key])}: ${envelope.eventId}, not ${eventId}`, index });
        problems.push(...this.own(index, { applicationId, endpointId, key }, eventId));
        const mapped = new Map(eventTimestamps(envelope.event));
        for (const [where, value] of eventTimestamps(event)) {
          if (value === undefined) continue;
          const sent = realTimestampMs(value);
          const got = Date.parse(mapped.get(where) ?? '');
          if (Number.isNaN(sent)) problems.push({ failure: EVENT_FAILURE.impossibleDate, detail: `${where} = ${JSON.stringify(value)}`, index });
          else if (!(Math.abs(got - sent) <= 1)) {
            problems.push({ failure: EVENT_FAILURE.timestampChanged, detail: `${where} ${JSON.stringify(value)} is ${new Date(sent).toISOString()}, mapped to ${JSON.stringify(mapped.get(where))}`, index });
          }
        }
        const accepted: AcceptedEvent = { index, applicationId, endpointId, key, batch, ...times };
        if (!mayHaveProfile(endpointId)) accepted.expected = canonicalJson(withoutArrival(toEventStreamRecord(envelope)));
        const list = this.accepted.get(eventId) ?? [];
        list.push(accepted);
        this.accepted.set(eventId, list);
      }
    }
    return problems;
  }

  /** Events a request sent that its answer did not call "Accepted" (400 entries, a refused or failed request). */
  refuse(index: number, events: readonly SentEvent[]): LedgerProblem[] {
    return events.flatMap((event) => {
      if (!this.refused.has(event.eventId)) this.refused.set(event.eventId, index);
      return this.own(index, event, event.eventId);
    });
  }

  /** Events of a request that got no answer: stored or not, either is right. */
  unanswered(events: readonly SentEvent[]): void {
    for (const event of events) this.unsure.add(event.eventId);
  }

  /** Events owed to the store, and how many of them a stored profile may be under (checked by `matchesWithProfile`). */
  acceptedCounts(): { events: number; underAProfile: number } {
    let underAProfile = 0;
    for (const candidates of this.accepted.values()) if (candidates.some((c) => c.expected === undefined)) underAProfile += 1;
    return { events: this.accepted.size, underAProfile };
  }

  /**
   * A record of an event whose endpoint may have had a stored profile: the mapping of its request
   * with that profile taken from the record itself must give the record (the request's own
   * `Endpoint` winning member by member, the device fields following the endpoint shown), and
   * every endpoint value it shows must come from the request or from an UpdateEndpoint call.
   */
  private matchesWithProfile(candidate: AcceptedEvent, eventId: string, record: Omit<EventStreamRecord, 'arrival_timestamp'>, text: string, endpoints: EndpointLedger): boolean {
    const shown = (record.endpoint ?? {}) as Record<string, unknown>;
    const envelopes = mapPinpointRequest({
      applicationId: candidate.applicationId,
      request: { BatchItem: Object.fromEntries([[candidate.endpointId, { ...candidate.batch, Events: Object.fromEntries([[candidate.key, candidate.batch.Events[candidate.key] as Event]]) }]]) },
      receivedAt: 0,
      profiles: new Map([[candidate.endpointId, shown]]),
    });
    const envelope = envelopes.find((e) => e.eventId === eventId);
    if (!envelope || canonicalJson(withoutArrival(toEventStreamRecord(envelope))) !== text) return false;
    return endpoints.unexplained(candidate.applicationId, candidate.endpointId, shown, [candidate.batch.Endpoint as Record<string, unknown>]).length === 0;
  }

  /** `events.db` against the run: every Accepted event there once, as mapped; nothing refused or unsent there. */
  storeProblems(rows: readonly StoredRow[], endpoints: EndpointLedger): LedgerProblem[] {
    const problems: LedgerProblem[] = [];
    const stored = new Set<string>();
    for (const row of rows) {
      stored.add(row.event_id);
      const candidates = this.accepted.get(row.event_id);
      if (candidates === undefined) {
        if (this.unsure.has(row.event_id)) continue;
        const refusedBy = this.refused.get(row.event_id);
        problems.push(
          refusedBy === undefined
            ? { failure: EVENT_FAILURE.strayStored, detail: `${row.event_id} (app ${JSON.stringify(row.app_id)}, client ${JSON.stringify(row.client_id)})` }
            : { failure: EVENT_FAILURE.refusedStored, detail: `${row.event_id} (client ${JSON.stringify(row.client_id)})`, index: refusedBy },
        );
        continue;
      }
      const record = JSON.parse(row.record) as EventStreamRecord;
      const rest = withoutArrival(record);
      const text = canonicalJson(rest);
      const matching = candidates.filter((c) => (c.expected !== undefined ? c.expected === text : this.matchesWithProfile(c, row.event_id, rest, text, endpoints)));
      const first = candidates[0] as AcceptedEvent;
      if (matching.length === 0) {
        const detail =
          first.expected !== undefined
            ? firstDifference(JSON.parse(first.expected) as Record<string, unknown>, rest)
            : `endpoint shown ${canonicalJson(rest.endpoint).slice(0, 400)}; unexplained: ${endpoints.unexplained(first.applicationId, first.endpointId, (rest.endpoint ?? {}), [first.batch.Endpoint as Record<string, unknown>]).join('; ')}`;
        problems.push({ failure: EVENT_FAILURE.recordDiffers, detail: `${row.event_id} (${candidates.length} request(s) sent it): ${detail}`, index: first.index });
      } else if (!matching.some((c) => c.sentAt <= record.arrival_timestamp && record.arrival_timestamp <= c.answeredAt)) {
        problems.push({ failure: EVENT_FAILURE.arrival, detail: `${row.event_id}: arrival ${record.arrival_timestamp}, request sent ${first.sentAt}, answered ${first.answeredAt}`, index: first.index });
      }
      if (row.app_id !== record.application.app_id || row.client_id !== record.client.client_id || row.event_type !== record.event_type) {
        problems.push({ failure: EVENT_FAILURE.columns, detail: `${row.event_id}: ${JSON.stringify([row.app_id, row.client_id, row.event_type])}`, index: first.index });
      }
    }
    for (const [eventId, candidates] of this.accepted) {
      if (!stored.has(eventId)) problems.push({ failure: EVENT_FAILURE.missing, detail: `${eventId} ${JSON.stringify([candidates[0]?.endpointId, candidates[0]?.key])}`, index: candidates[0]?.index });
    }
    return problems;
  }
}
