/**
 * Pinpoint's per-event limits, and how legacy data beyond them is fitted. The legacy model
 * allowed 50 map entries and 1000-character values; Pinpoint drops a whole event with more than
 * 40 attributes + metrics or a value over 200 characters. We keep the event and fit its data:
 * values are cut to 200 characters, and of the entries, reserved `_…` names (session,
 * monetization) are kept first, then the others in the order sent, up to 40. Every fit is counted
 * so the caller can log it.
 */
export const PINPOINT_LIMITS = {
  eventsPerCall: 100,
  /** 4 MB per call, with headroom for the JSON envelope. */
  bytesPerCall: 3_900_000,
  entriesPerEvent: 40,
  attributeValueLength: 200,
} as const;

/** What fitting changed in one request; all zero when nothing was beyond the limits. */
export interface LimitAdjustments {
  droppedEntries: number;
  truncatedValues: number;
}

/** Starts a fresh adjustment count. */
export function noAdjustments(): LimitAdjustments {
  return { droppedEntries: 0, truncatedValues: 0 };
}

function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  return Array.from(value).slice(0, max).join('');
}

/** Cuts a string to at most `max` characters (code points), counting the cut in `adjust`. */
export function fitText(value: string, max: number, adjust: LimitAdjustments): string {
  const fitted = truncate(value, max);
  if (fitted !== value) adjust.truncatedValues += 1;
  return fitted;
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

/** Fits an event's attributes and metrics to Pinpoint's limits; returns new objects. */
export function fitEntries(
  attributes: Record<string, string> = {},
  metrics: Record<string, number> = {},
  adjust: LimitAdjustments,
): { attributes: Record<string, string>; metrics: Record<string, number> } {
  const attributeKeys = Object.keys(attributes);
  const metricKeys = Object.keys(metrics);
  const overBudget = attributeKeys.length + metricKeys.length > PINPOINT_LIMITS.entriesPerEvent;
  if (!overBudget && attributeKeys.every((k) => (attributes[k] as string).length <= PINPOINT_LIMITS.attributeValueLength)) {
    return { attributes, metrics };
  }
  const kept = keepOrder(attributeKeys, metricKeys, overBudget).slice(0, PINPOINT_LIMITS.entriesPerEvent);
  adjust.droppedEntries += attributeKeys.length + metricKeys.length - kept.length;
  const fittedAttributes: Record<string, string> = {};
  const fittedMetrics: Record<string, number> = {};
  for (const [kind, key] of kept) {
    if (kind === 'attribute') {
      fittedAttributes[key] = fitText(attributes[key] as string, PINPOINT_LIMITS.attributeValueLength, adjust);
    } else {
      fittedMetrics[key] = metrics[key] as number;
    }
  }
  return { attributes: fittedAttributes, metrics: fittedMetrics };
}
