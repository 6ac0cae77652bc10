import type { DeliveryResult } from '../sinks/event-sink';
import type { Settlement } from '../spool/delivery-queue';
import type { LeaseEvents } from './lease-events';

/** Verdicts queued per event id, one per reported entry. */
function byEventId<T>(entries: ReadonlyArray<readonly [string, T]>): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const [eventId, verdict] of entries) {
    const list = map.get(eventId);
    if (list) list.push(verdict);
    else map.set(eventId, [verdict]);
  }
  return map;
}

/**
 * Turns a delivery's verdicts (by event id) into the spool's settlement (by row). A device that
 * resent a request has several copies of one event id in a lease; each verdict settles one copy,
 * so a copy the sink took is not sent again because another copy failed. A failure outranks a
 * refusal for the same copy.
 */
export function toSettlement(leased: LeaseEvents, result: DeliveryResult, retryAt: number): Settlement {
  const failed = byEventId(result.failed.map((f) => [f.eventId, `${f.error.code}: ${f.error.message}`] as const));
  const rejected = byEventId(result.rejected.map((r) => [r.eventId, r.message] as const));
  const settlement: Settlement = { failed: [], retryAt, deadLetters: [], undecodable: leased.undecodable };
  for (const { seq, envelope } of leased.events) {
    const error = failed.get(envelope.eventId)?.shift();
    if (error !== undefined) {
      settlement.failed.push({ seq, eventId: envelope.eventId, error });
      continue;
    }
    const message = rejected.get(envelope.eventId)?.shift();
    if (message !== undefined) settlement.deadLetters.push({ eventId: envelope.eventId, message, envelope });
  }
  return settlement;
}
