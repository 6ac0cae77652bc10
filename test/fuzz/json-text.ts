/**
 * A JSON *text* model for the fuzz suite: what `JSON.stringify` cannot write (duplicate keys, bare
 * `NaN`/`Infinity` tokens, lone surrogates as `\ud800` escapes, nesting thousands deep, maps of
 * thousands of entries) rendered without recursion where it could be deep or huge.
 */
export type JsonNode =
  /** Written verbatim: `NaN`, `Infinity`, `1e999`, `01`, anything. */
  | { k: 'raw'; text: string }
  /** A string, written by `JSON.stringify` (lone surrogates become `\udXXX` escapes). */
  | { k: 'str'; s: string }
  | { k: 'num'; n: number }
  | { k: 'lit'; v: null | boolean }
  | { k: 'arr'; items: JsonNode[] }
  /** Entries in order; a key may repeat (JSON.parse keeps the last). */
  | { k: 'obj'; entries: Array<[string, JsonNode]> }
  /** `depth` levels of arrays, objects (`{"d":…}`) or both, around `leaf`. */
  | { k: 'deep'; depth: number; shape: 'array' | 'object' | 'mixed'; leaf: JsonNode }
  /** An object of `count` entries `${prefix}${i}`: `value`. */
  | { k: 'manyEntries'; count: number; prefix: string; value: JsonNode }
  /** An array of `count` copies of `item`. */
  | { k: 'manyItems'; count: number; item: JsonNode };

export const raw = (text: string): JsonNode => ({ k: 'raw', text });
export const str = (s: string): JsonNode => ({ k: 'str', s });
export const num = (n: number): JsonNode => ({ k: 'num', n });
export const NULL: JsonNode = { k: 'lit', v: null };
export const arr = (items: JsonNode[]): JsonNode => ({ k: 'arr', items });
export const obj = (entries: Array<[string, JsonNode]>): JsonNode => ({ k: 'obj', entries });

/** JSON text of a node. Numbers that JSON cannot write (NaN, ±Infinity) are written as bare tokens. */
export function render(node: JsonNode): string {
  const out: string[] = [];
  write(node, out);
  return out.join('');
}

function write(node: JsonNode, out: string[]): void {
  switch (node.k) {
    case 'raw':
      out.push(node.text);
      return;
    case 'str':
      out.push(JSON.stringify(node.s));
      return;
    case 'num':
      out.push(Number.isFinite(node.n) ? JSON.stringify(node.n) : String(node.n));
      return;
    case 'lit':
      out.push(String(node.v));
      return;
    case 'arr':
      out.push('[');
      node.items.forEach((item, i) => {
        if (i > 0) out.push(',');
        write(item, out);
      });
      out.push(']');
      return;
    case 'obj':
      out.push('{');
      node.entries.forEach(([key, value], i) => {
        if (i > 0) out.push(',');
        out.push(JSON.stringify(key), ':');
        write(value, out);
      });
      out.push('}');
      return;
    case 'deep': {
      const leaf = render(node.leaf);
      if (node.shape === 'array') out.push('['.repeat(node.depth), leaf, ']'.repeat(node.depth));
      else if (node.shape === 'object') out.push('{"d":'.repeat(node.depth), leaf, '}'.repeat(node.depth));
      else {
        const pairs = Math.ceil(node.depth / 2);
        out.push('[{"d":'.repeat(pairs), leaf, '}]'.repeat(pairs));
      }
      return;
    }
    case 'manyEntries': {
      const value = render(node.value);
      out.push('{');
      for (let i = 0; i < node.count; i += 1) out.push(i > 0 ? ',' : '', JSON.stringify(`${node.prefix}${i}`), ':', value);
      out.push('}');
      return;
    }
    case 'manyItems': {
      const item = render(node.item);
      out.push('[', Array.from({ length: node.count }, () => item).join(','), ']');
      return;
    }
  }
}

/** The node of a parsed JSON value (fixtures are parsed, mutated as nodes, and rendered again). */
export function fromValue(value: unknown): JsonNode {
  if (value === null) return NULL;
  if (typeof value === 'boolean') return { k: 'lit', v: value };
  if (typeof value === 'number') return num(value);
  if (typeof value === 'string') return str(value);
  if (Array.isArray(value)) return arr(value.map(fromValue));
  if (typeof value === 'object') return obj(Object.entries(value).map(([key, v]) => [key, fromValue(v)]));
  throw new Error(`not a JSON value: ${typeof value}`);
}

/** A place in a node tree that a mutation can replace: the container and the index of the child. */
export interface Slot {
  parent: JsonNode & { k: 'arr' | 'obj' };
  index: number;
  /** The child's key when the parent is an object. */
  key?: string;
  node: JsonNode;
}

/** Every child slot of arrays and objects in the tree (not inside deep/many nodes), breadth first. */
export function slots(root: JsonNode): Slot[] {
  const found: Slot[] = [];
  const queue: JsonNode[] = [root];
  while (queue.length > 0) {
    const node = queue.shift() as JsonNode;
    if (node.k === 'arr') {
      node.items.forEach((child, index) => {
        found.push({ parent: node, index, node: child });
        queue.push(child);
      });
    } else if (node.k === 'obj') {
      node.entries.forEach(([key, child], index) => {
        found.push({ parent: node, index, key, node: child });
        queue.push(child);
      });
    }
  }
  return found;
}

/** Replaces the child at a slot. */
export function replaceAt(slot: Slot, node: JsonNode): void {
  if (slot.parent.k === 'arr') slot.parent.items[slot.index] = node;
  else {
    const entry = slot.parent.entries[slot.index];
    if (entry) entry[1] = node;
  }
}

/** A deep copy (mutations change nodes in place). */
export function clone(node: JsonNode): JsonNode {
  return structuredClone(node);
}

/** The object nodes of a tree, breadth first (targets for duplicate keys and unknown properties). */
export function objects(root: JsonNode): Array<JsonNode & { k: 'obj' }> {
  const found: Array<JsonNode & { k: 'obj' }> = root.k === 'obj' ? [root] : [];
  for (const slot of slots(root)) if (slot.node.k === 'obj') found.push(slot.node);
  return found;
}
