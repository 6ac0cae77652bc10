import type { LegacyEvent } from '../../src/legacy/types';

/** The attribute that carries the long value in `reportedEvent`. */
export const LONG_ATTRIBUTE = 'attr07';

/** The reserved (`_…`) attributes of `reportedEvent`, sent last. */
export const RESERVED_ATTRIBUTES = ['_currency', '_product_id'];

/**
 * The event of the report that legacy data beyond Pinpoint's limits was cut for every sink:
 * 45 attributes (within the legacy model's 50), one of them 1 000 characters long and the last two
 * reserved monetization names, and one metric. Pinpoint takes 40 attributes + metrics and
 * 200-character values; the other sinks take it whole.
 */
export function reportedEvent(eventType = 'level_complete'): LegacyEvent {
  const attributes: Record<string, string> = {};
  for (let i = 1; i <= 43; i++) attributes[`attr${String(i).padStart(2, '0')}`] = `value ${i}`;
  attributes[LONG_ATTRIBUTE] = 'x'.repeat(999) + 'y';
  attributes['_currency'] = 'EUR';
  attributes['_product_id'] = 'sku-1';
  return { eventType, timestamp: '2026-11-22T10:00:00.000Z', attributes, metrics: { score: 7 } };
}

/** The attribute names Pinpoint gets for `reportedEvent`: the reserved ones first, then the others in order, 40 in all. */
export function reportedEventFittedNames(): string[] {
  return [...RESERVED_ATTRIBUTES, ...Array.from({ length: 38 }, (_, i) => `attr${String(i + 1).padStart(2, '0')}`)];
}
