import type { EventEnvelope } from '../mapping/event-envelope';
import { recordSession, type EventStreamRecord } from '../mapping/event-stream-record';
import { dayOf } from './days';

/** The event types the KPI definitions give a meaning to. */
export const SESSION_START = '_session.start';
export const SESSION_STOP = '_session.stop';
export const PURCHASE = '_monetization.purchase';
/** The purchase metric daily revenue sums, and the attribute that names its currency. */
export const ITEM_PRICE = '_item_price';
export const CURRENCY = '_currency';
/** ISO 4217's code for "no currency": purchases that name none are summed under it. */
export const NO_CURRENCY = 'XXX';

/**
 * What the KPI roll-ups need to know of one stored event. Derived from the event-stream record,
 * so live events and imported history count the same way.
 */
export interface KpiEvent {
  readonly appId: string;
  /** The device: the legacy `client_id`, or the endpoint id (BatchItem key) of a PutEvents event; never `User.UserId`. */
  readonly clientId: string;
  readonly eventType: string;
  /** UTC day number of the event's own timestamp (the device's clock, as the record has it). */
  readonly day: number;
  readonly metrics: Readonly<Record<string, number>>;
  /** Purchases only: the `_currency` attribute, `NO_CURRENCY` when absent. */
  readonly currency?: string;
  /**
   * `_session.stop` only: stop − start of the record's session, when both are known and stop ≥ start.
   * Never the event's `Duration` (Pinpoint-native SDKs send one equal to stop − start, scripts may
   * send another): event-stream records carry no duration, and live events count as their records.
   */
  readonly sessionLengthMs?: number;
}

/** The KPI facts of an event-stream record (imported history). */
export function kpiEventFromRecord(record: EventStreamRecord): KpiEvent {
  return kpiEvent(
    { appId: record.application.app_id, clientId: record.client.client_id, eventType: record.event_type, day: dayOf(record.event_timestamp), metrics: record.metrics },
    record.attributes[CURRENCY],
    record.session,
  );
}

/**
 * The KPI facts of a mapped event (live traffic): equal to `kpiEventFromRecord` of the record the
 * event-stream serializer writes for it, without parsing that record back.
 */
export function kpiEventFromEnvelope(envelope: EventEnvelope): KpiEvent {
  const { event } = envelope;
  const eventType = event.EventType ?? '';
  return kpiEvent(
    { appId: envelope.applicationId, clientId: envelope.endpointId, eventType, day: dayOf(Date.parse(event.Timestamp ?? '')), metrics: event.Metrics ?? {} },
    event.Attributes?.[CURRENCY],
    recordSession(event.Session),
  );
}

function kpiEvent(base: Omit<KpiEvent, 'currency' | 'sessionLengthMs'>, currency: string | undefined, session: EventStreamRecord['session']): KpiEvent {
  if (base.eventType === PURCHASE) return { ...base, currency: currency || NO_CURRENCY };
  if (base.eventType === SESSION_STOP && session?.stop_timestamp !== undefined && session.stop_timestamp >= session.start_timestamp) {
    return { ...base, sessionLengthMs: session.stop_timestamp - session.start_timestamp };
  }
  return base;
}
