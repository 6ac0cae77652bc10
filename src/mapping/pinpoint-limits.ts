import type { EndpointDemographic, Event, PublicEndpoint } from '@aws-sdk/client-pinpoint';
import type { EventEnvelope } from './event-envelope';

/**
 * Pinpoint's limits, and how legacy data beyond the per-event ones is fitted for PutEvents. The
 * legacy model allowed 50 map entries and 1000-character values; Pinpoint drops a whole event with
 * more than 40 attributes + metrics or a value over 200 characters. The mapping keeps the event as
 * sent (local store, Kinesis and Firehose have no such limits); only the Pinpoint sink fits it:
 * values are cut to 200 characters (code points), and of the entries, reserved `_…` names
 * (session, monetization) are kept first, then the others in the order sent, up to 40; Demographic
 * values are cut to Pinpoint's lengths. Every fit is counted so the sink can log it.
 */
export const PINPOINT_LIMITS = {
  eventsPerCall: 100,
  /** 4 MB per call, with headroom for the JSON envelope. */
  bytesPerCall: 3_900_000,
  entriesPerEvent: 40,
  attributeValueLength: 200,
} as const;

/** Pinpoint's Demographic length limits (API reference, Events page), in characters (code points). */
export const DEMOGRAPHIC_LIMITS = { Make: 50, Model: 100, ModelVersion: 50, Platform: 50, PlatformVersion: 50, Locale: 50, AppVersion: 50 } as const;

/** What fitting changed in one event; all zero when nothing was beyond the limits. */
export interface LimitAdjustments {
  /** Attributes and metrics left out (over 40 entries). */
  droppedEntries: number;
  /** Attribute values and Demographic values cut. */
  truncatedValues: number;
}

/** One envelope as Pinpoint can take it, and what fitting changed (all zero: `envelope` is the one given). */
export interface FittedEnvelope {
  envelope: EventEnvelope;
  adjustments: LimitAdjustments;
}

/** True when `value` has more than `max` code points (counting stops as soon as it is known). */
function exceeds(value: string, max: number): boolean {
  if (value.length <= max) return false;
  let count = 0;
  for (const _ of value) {
    count += 1;
    if (count > max) return true;
  }
  return false;
}

/** `value` cut to at most `max` code points (a surrogate pair is never split). */
function cut(value: string, max: number): string {
  return exceeds(value, max) ? Array.from(value).slice(0, max).join('') : value;
}

/** The endpoint with its Demographic values cut to Pinpoint's lengths (a new object), or the same one when none is too long. */
function fitEndpoint(endpoint: PublicEndpoint): { endpoint: PublicEndpoint; truncatedValues: number } {
  const demographic = endpoint.Demographic;
  if (!demographic) return { endpoint, truncatedValues: 0 };
  let fitted: EndpointDemographic | undefined;
  let truncatedValues = 0;
  for (const [key, max] of Object.entries(DEMOGRAPHIC_LIMITS) as Array<[keyof typeof DEMOGRAPHIC_LIMITS, number]>) {
    const value = demographic[key];
    if (value === undefined || !exceeds(value, max)) continue;
    fitted ??= { ...demographic };
    fitted[key] = cut(value, max);
    truncatedValues += 1;
  }
  return fitted ? { endpoint: { ...endpoint, Demographic: fitted }, truncatedValues } : { endpoint, truncatedValues: 0 };
}

type Entry = ['attribute' | 'metric', string];

/** The order entries are kept in: all of them as sent, or reserved `_…` names first when over budget. */
function keepOrder(attributeKeys: string[], metricKeys: string[], overBudget: boolean): Entry[] {
  const attributes = attributeKeys.map((k): Entry => ['attribute', k]);
  const metrics = metricKeys.map((k): Entry => ['metric', k]);
  if (!overBudget) return [...attributes, ...metrics];
  const reserved = ([, key]: Entry): boolean => key.startsWith('_');
  return [
    ...attributes.filter(reserved),
    ...metrics.filter(reserved),
    ...attributes.filter((e) => !reserved(e)),
    ...metrics.filter((e) => !reserved(e)),
  ];
}

/** The event with its attributes and metrics fitted (a new object), or the same one when it is within the limits. */
function fitEvent(event: Event): { event: Event; adjustments: LimitAdjustments } {
  const attributes = event.Attributes ?? {};
  const metrics = event.Metrics ?? {};
  const attributeKeys = Object.keys(attributes);
  const metricKeys = Object.keys(metrics);
  const overBudget = attributeKeys.length + metricKeys.length > PINPOINT_LIMITS.entriesPerEvent;
  if (!overBudget && attributeKeys.every((k) => !exceeds(attributes[k] as string, PINPOINT_LIMITS.attributeValueLength))) {
    return { event, adjustments: { droppedEntries: 0, truncatedValues: 0 } };
  }
  const kept = keepOrder(attributeKeys, metricKeys, overBudget).slice(0, PINPOINT_LIMITS.entriesPerEvent);
  const adjustments = { droppedEntries: attributeKeys.length + metricKeys.length - kept.length, truncatedValues: 0 };
  const fittedAttributes: Record<string, string> = {};
  const fittedMetrics: Record<string, number> = {};
  for (const [kind, key] of kept) {
    if (kind === 'metric') {
      fittedMetrics[key] = metrics[key] as number;
      continue;
    }
    const value = attributes[key] as string;
    const fittedValue = cut(value, PINPOINT_LIMITS.attributeValueLength);
    if (fittedValue !== value) adjustments.truncatedValues += 1;
    fittedAttributes[key] = fittedValue;
  }
  const { Attributes: _attributes, Metrics: _metrics, ...rest } = event;
  const fitted: Event = rest;
  if (Object.keys(fittedAttributes).length > 0) fitted.Attributes = fittedAttributes;
  if (Object.keys(fittedMetrics).length > 0) fitted.Metrics = fittedMetrics;
  return { event: fitted, adjustments };
}

/**
 * Fits one envelope to Pinpoint's per-event limits (pure; the envelope given is never changed).
 * Returns the same envelope when nothing is beyond the limits, else a new one whose event and
 * endpoint are new objects where they were fitted. Demographic cuts count for every event that
 * carries the endpoint.
 */
export function fitForPinpoint(envelope: EventEnvelope): FittedEnvelope {
  const event = fitEvent(envelope.event);
  const endpoint = fitEndpoint(envelope.endpoint);
  const adjustments = { droppedEntries: event.adjustments.droppedEntries, truncatedValues: event.adjustments.truncatedValues + endpoint.truncatedValues };
  if (event.event === envelope.event && endpoint.endpoint === envelope.endpoint) return { envelope, adjustments };
  return { envelope: { ...envelope, event: event.event, endpoint: endpoint.endpoint }, adjustments };
}

/** True when fitting changed anything. */
export function wasFitted(adjustments: LimitAdjustments): boolean {
  return adjustments.droppedEntries > 0 || adjustments.truncatedValues > 0;
}
