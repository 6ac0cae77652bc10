import fc from 'fast-check';
import { anyValue, depth, fraction, leaf, validLeaf, w } from './arbitraries';
import { clone, obj, str, type JsonNode } from './json-text';
import { atLimit, effectiveDate, pinpointOddTimestamps } from './pinpoint-values';
import { applyStructural, structuralOp, type StructuralOp } from './structural';

/**
 * Changes made to a Pinpoint request's JSON (generated or a fixture's), aimed at what the
 * service checks: the generic structural changes of `structural.ts` (drop, duplicate, retype,
 * nest members, lone surrogates, odd timestamps), and changes that know the `EventsRequest`'s
 * shape: 0, 1 or 99 to 101 events, 100 or 101 endpoints, odd endpoint ids and event keys, an
 * `EventType` at 50/51 characters, 38 to 42 attributes and metrics, names and values at their
 * limits, a `StopTimestamp` without `Duration`, another `EffectiveDate`. `pick` chooses the place.
 */
export type PinpointChange =
  | { op: 'structural'; change: StructuralOp; pick: number }
  | { op: 'event-count'; target: number; pick: number }
  | { op: 'endpoint-count'; target: number }
  | { op: 'rename-endpoint'; id: string; pick: number }
  | { op: 'rename-event'; id: string; pick: number }
  | { op: 'event-type'; value: string; pick: number }
  | { op: 'entry-count'; attributes: number; metrics: number; pick: number }
  | { op: 'attribute'; name: string; value: string; pick: number }
  | { op: 'stop-without-duration'; pick: number }
  | { op: 'effective-date'; value: string };

type ObjectNode = JsonNode & { k: 'obj' };

/** The value JSON.parse keeps for a key: the last one written. */
function member(node: JsonNode | undefined, name: string): JsonNode | undefined {
  if (node?.k !== 'obj') return undefined;
  for (let i = node.entries.length - 1; i >= 0; i -= 1) if (node.entries[i]?.[0] === name) return node.entries[i]?.[1];
  return undefined;
}

/** Sets a member (replacing every entry of that name). */
function setMember(node: ObjectNode, name: string, value: JsonNode): void {
  node.entries = node.entries.filter(([k]) => k !== name);
  node.entries.push([name, value]);
}

/** The `BatchItem` entries: [endpoint id, batch] pairs, changed in place. */
function batchEntries(root: JsonNode): Array<[string, JsonNode]> {
  const batchItem = member(root, 'BatchItem');
  return batchItem?.k === 'obj' ? batchItem.entries : [];
}

/** Every batch's `Events` object. */
function eventMaps(root: JsonNode): ObjectNode[] {
  return batchEntries(root)
    .map(([, batch]) => member(batch, 'Events'))
    .filter((events): events is ObjectNode => events?.k === 'obj');
}

/** Every [event key, event] entry of the request, changed in place. */
function eventEntries(root: JsonNode): Array<[string, JsonNode]> {
  return eventMaps(root).flatMap((events) => events.entries);
}

function eventObjects(root: JsonNode): ObjectNode[] {
  return eventEntries(root)
    .map(([, event]) => event)
    .filter((event): event is ObjectNode => event.k === 'obj');
}

const choose = <T>(items: readonly T[], pick: number): T | undefined => items[pick % Math.max(1, items.length)];

/** `count` entries named `${prefix}${i}` with the value `value`. */
const entries = (count: number, prefix: string, value: JsonNode): Array<[string, JsonNode]> => Array.from({ length: count }, (_, i): [string, JsonNode] => [`${prefix}${i}`, value]);

/** Applies a change in place; what it did, or undefined when the request has no place for it. */
export function applyPinpointChange(root: JsonNode, change: PinpointChange): string | undefined {
  switch (change.op) {
    case 'structural':
      return applyStructural(root, change.change, change.pick);
    case 'event-count': {
      const events = choose(eventMaps(root), change.pick);
      if (!events) return undefined;
      if (change.target <= 1) {
        events.entries.splice(change.target);
        return `one endpoint's Events cut to ${change.target}`;
      }
      const model = events.entries[0]?.[1] ?? obj([['EventType', str('copy')], ['Timestamp', str('2026-05-01T10:00:00.000Z')]]);
      const missing = change.target - eventEntries(root).length;
      for (let i = 0; i < missing; i += 1) events.entries.push([`fuzz-copy-${i}`, clone(model)]);
      return `events grown to ${change.target} in all`;
    }
    case 'endpoint-count': {
      const batches = batchEntries(root);
      const first = batches[0];
      if (!first) return undefined;
      const events = member(first[1], 'Events');
      if (events?.k === 'obj') events.entries.splice(1);
      for (let i = batches.length; i < change.target; i += 1) batches.push([`fuzz-endpoint-copy-${i}`, clone(first[1])]);
      return `${change.target} endpoints of one event each`;
    }
    case 'rename-endpoint': {
      const entry = choose(batchEntries(root), change.pick);
      if (!entry) return undefined;
      entry[0] = change.id;
      return `endpoint id ${JSON.stringify(change.id.slice(0, 40))}`;
    }
    case 'rename-event': {
      const entry = choose(eventEntries(root), change.pick);
      if (!entry) return undefined;
      entry[0] = change.id;
      return `event key ${JSON.stringify(change.id.slice(0, 40))}`;
    }
    case 'event-type': {
      const event = choose(eventObjects(root), change.pick);
      if (!event) return undefined;
      setMember(event, 'EventType', str(change.value));
      return `EventType of ${change.value.length} UTF-16 units`;
    }
    case 'entry-count': {
      const event = choose(eventObjects(root), change.pick);
      if (!event) return undefined;
      setMember(event, 'Attributes', obj(entries(change.attributes, 'a', str('v'))));
      setMember(event, 'Metrics', obj(entries(change.metrics, 'm', { k: 'num', n: 1 })));
      return `${change.attributes} attributes + ${change.metrics} metrics`;
    }
    case 'attribute': {
      const event = choose(eventObjects(root), change.pick);
      if (!event) return undefined;
      const attributes = member(event, 'Attributes');
      const map = attributes?.k === 'obj' ? attributes : obj([]);
      if (map !== attributes) setMember(event, 'Attributes', map);
      (map as ObjectNode).entries.push([change.name, str(change.value)]);
      return `attribute name of ${change.name.length}, value of ${change.value.length} UTF-16 units`;
    }
    case 'stop-without-duration': {
      const session = choose(
        eventObjects(root)
          .map((event) => member(event, 'Session'))
          .filter((s): s is ObjectNode => s?.k === 'obj'),
        change.pick,
      );
      if (!session) return undefined;
      session.entries = session.entries.filter(([k]) => k !== 'Duration');
      if (member(session, 'StopTimestamp') === undefined) session.entries.push(['StopTimestamp', str('2026-05-01T10:05:00.000Z')]);
      return 'StopTimestamp without Duration';
    }
    case 'effective-date': {
      if (root.k !== 'obj') return undefined;
      setMember(root, 'EffectiveDate', str(change.value));
      return `EffectiveDate ${change.value}`;
    }
  }
}

/** A text at a length limit, or an ordinary one. */
const nameOrValue = (max: number): fc.Arbitrary<string> => fc.oneof(atLimit(max), fc.constant('ok'));

/** Ids for endpoints and events that are odd where the checks look: prototype names, `$` and `%`, lone surrogates, limits, empty. */
const oddId = fc.constantFrom('__proto__', 'constructor', 'toString', '%41', '%', '$', '$x', '${x}', '{', 'a/b', '0', '\u0000', 'ü', '\ud800', 'x\udfff', 'i'.repeat(256), 'i'.repeat(257), '');

/** The generic structural changes, with Pinpoint's odd timestamps. */
const structural: fc.Arbitrary<PinpointChange> = fc
  .tuple(
    structuralOp({
      leaf: fc.oneof(w(6, validLeaf), w(1, leaf)),
      any: anyValue(fc.integer({ min: 1, max: 12 })),
      deepAny: anyValue(depth),
      timestamps: pinpointOddTimestamps,
      fraction,
    }),
    fc.nat(),
  )
  .map(([change, pick]): PinpointChange => ({ op: 'structural', change, pick }));

/** Changes to an `EventsRequest`. */
export const eventsRequestChange: fc.Arbitrary<PinpointChange> = fc.oneof(
  w(10, structural),
  w(2, fc.record({ op: fc.constant('event-count' as const), target: fc.constantFrom(0, 1, 99, 100, 101), pick: fc.nat() })),
  w(1, fc.record({ op: fc.constant('endpoint-count' as const), target: fc.constantFrom(100, 101) })),
  w(2, fc.record({ op: fc.constant('rename-endpoint' as const), id: oddId, pick: fc.nat() })),
  w(2, fc.record({ op: fc.constant('rename-event' as const), id: oddId, pick: fc.nat() })),
  w(2, fc.record({ op: fc.constant('event-type' as const), value: nameOrValue(50), pick: fc.nat() })),
  w(
    2,
    fc
      .tuple(fc.constantFrom(39, 40, 41), fc.nat(), fc.nat())
      .map(([total, split, pick]): PinpointChange => ({ op: 'entry-count', attributes: split % (total + 1), metrics: total - (split % (total + 1)), pick })),
  ),
  w(2, fc.record({ op: fc.constant('attribute' as const), name: nameOrValue(50), value: nameOrValue(200), pick: fc.nat() })),
  w(2, fc.record({ op: fc.constant('stop-without-duration' as const), pick: fc.nat() })),
);

/** Changes to an `EndpointRequest`. */
export const endpointRequestChange: fc.Arbitrary<PinpointChange> = fc.oneof(w(4, structural), w(2, effectiveDate.map((value): PinpointChange => ({ op: 'effective-date', value }))));
