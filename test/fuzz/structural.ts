import fc from 'fast-check';
import { clone, objects, replaceAt, slots, str, type JsonNode } from './json-text';

/** Structural changes made on a parsed or generated JSON document (a body or a client context). */
export type StructuralOp =
  /** The same key again, before (the original wins) or after (the new value wins) the original. */
  | { op: 'duplicate-key'; after: boolean; value: JsonNode }
  /** A value wrapped in `levels` arrays/objects. */
  | { op: 'nest'; levels: number; shape: 'array' | 'object' | 'mixed' }
  | { op: 'replace'; value: JsonNode }
  | { op: 'delete' }
  | { op: 'unknown-property'; key: string; value: JsonNode }
  /** A lone surrogate inserted into a string value. */
  | { op: 'lone-surrogate'; code: number; at: number }
  /** An odd timestamp in a timestamp field. */
  | { op: 'timestamp'; value: string }
  /** One event copied `times` times (the events array grows). */
  | { op: 'repeat-event'; times: number };

/** Structural changes, given the arbitraries for odd values, any values and odd timestamps. */
export function structuralOp(values: {
  leaf: fc.Arbitrary<JsonNode>;
  any: fc.Arbitrary<JsonNode>;
  deepAny: fc.Arbitrary<JsonNode>;
  timestamps: fc.Arbitrary<string>;
  fraction: fc.Arbitrary<number>;
}): fc.Arbitrary<StructuralOp> {
  return fc.oneof(
    fc.record({ op: fc.constant('duplicate-key' as const), after: fc.boolean(), value: values.leaf }),
    fc.record({
      op: fc.constant('nest' as const),
      levels: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 2, arbitrary: fc.integer({ min: 1000, max: 6000 }) }),
      shape: fc.constantFrom('array' as const, 'object' as const, 'mixed' as const),
    }),
    fc.record({ op: fc.constant('replace' as const), value: values.any }),
    fc.record({ op: fc.constant('delete' as const) }),
    fc.record({ op: fc.constant('unknown-property' as const), key: fc.constantFrom('extra', '__proto__', 'constructor', 'x'), value: values.deepAny }),
    fc.record({ op: fc.constant('lone-surrogate' as const), code: fc.integer({ min: 0xd800, max: 0xdfff }), at: values.fraction }),
    fc.record({ op: fc.constant('timestamp' as const), value: values.timestamps }),
    fc.record({ op: fc.constant('repeat-event' as const), times: fc.integer({ min: 1, max: 60 }) }),
  );
}

/**
 * Applies a structural change at the `pick`-th suitable place of a tree (in place); returns what
 * it did, or undefined when the tree has no such place.
 */
export function applyStructural(root: JsonNode, change: StructuralOp, pick: number): string | undefined {
  const all = slots(root);
  const choose = <T>(items: T[]): T | undefined => items[pick % Math.max(1, items.length)];
  const where = (slot: { key?: string; index: number }): string => slot.key ?? `[${slot.index}]`;
  switch (change.op) {
    case 'duplicate-key': {
      const target = choose(objects(root).filter((o) => o.entries.length > 0));
      const entry = target?.entries[pick % Math.max(1, target.entries.length)];
      if (!target || !entry) return undefined;
      target.entries.splice(target.entries.indexOf(entry) + (change.after ? 1 : 0), 0, [entry[0], clone(change.value)]);
      return `duplicate key ${JSON.stringify(entry[0])} ${change.after ? 'after' : 'before'}`;
    }
    case 'nest': {
      const slot = choose(all);
      if (!slot) return undefined;
      replaceAt(slot, { k: 'deep', depth: change.levels, shape: change.shape, leaf: slot.node });
      return `nest ${where(slot)} ${change.levels} levels (${change.shape})`;
    }
    case 'replace': {
      const slot = choose(all);
      if (!slot) return undefined;
      replaceAt(slot, clone(change.value));
      return `replace ${where(slot)}`;
    }
    case 'delete': {
      const slot = choose(all);
      if (!slot) return undefined;
      if (slot.parent.k === 'arr') slot.parent.items.splice(slot.index, 1);
      else slot.parent.entries.splice(slot.index, 1);
      return `delete ${where(slot)}`;
    }
    case 'unknown-property': {
      const target = choose(objects(root));
      if (!target) return undefined;
      target.entries.push([change.key, clone(change.value)]);
      return `add unknown property ${JSON.stringify(change.key)}`;
    }
    case 'lone-surrogate': {
      const slot = choose(all.filter((s) => s.node.k === 'str'));
      if (!slot || slot.node.k !== 'str') return undefined;
      const s = slot.node.s;
      const i = Math.floor(change.at * s.length);
      replaceAt(slot, str(s.slice(0, i) + String.fromCharCode(change.code) + s.slice(i)));
      return `lone surrogate \\u${change.code.toString(16)} in ${where(slot)}`;
    }
    case 'timestamp': {
      const slot = choose(all.filter((s) => s.key !== undefined && /timestamp$/i.test(s.key)));
      if (!slot) return undefined;
      replaceAt(slot, str(change.value));
      return `${where(slot)} = ${change.value}`;
    }
    case 'repeat-event': {
      const events = root.k === 'obj' ? root.entries.find(([k]) => k === 'events')?.[1] : undefined;
      if (events?.k !== 'arr' || events.items.length === 0) return undefined;
      const one = events.items[pick % events.items.length] as JsonNode;
      for (let i = 0; i < change.times; i += 1) events.items.push(clone(one));
      return `repeat an event ${change.times} times`;
    }
  }
}

/** A structural change aimed at the body or the client context, at the `pick`-th place. */
export interface AimedChange {
  target: 'body' | 'context';
  change: StructuralOp;
  pick: number;
}

export function aimedChange(op: fc.Arbitrary<StructuralOp>): fc.Arbitrary<AimedChange> {
  return fc.record({ target: fc.constantFrom('body' as const, 'body' as const, 'context' as const), change: op, pick: fc.nat() });
}
