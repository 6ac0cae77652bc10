/** A JSON Schema node, as far as pruning reads it. */
interface SchemaNode {
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: unknown;
  items?: SchemaNode;
  definitions?: Record<string, SchemaNode>;
}

/** Removes the properties a schema does not name, in place; returns how many it removed. */
export type Pruner = (value: unknown) => number;

/**
 * Builds a pruner from a validated schema: in every object whose schema lists `properties` (and
 * gives no schema for other names, as maps like `attributes` do), properties it does not list are
 * deleted, at every level the schema describes (`$ref`s to `#/definitions/…` and array `items`
 * followed). Run after validation, so shapes are known; unknown properties are never mapped, and
 * dropping them keeps what is stored bounded by the known fields. Key order is kept, so the
 * JSON of an event without unknown properties (which event ids hash) does not change.
 */
export function createPruner(schema: Record<string, unknown>): Pruner {
  const root = schema as SchemaNode;
  const resolved = new Map<SchemaNode, SchemaNode>();
  /** The node a `$ref` points to (looked up once per node: this runs for every event). */
  const resolve = (node: SchemaNode): SchemaNode => {
    let target = resolved.get(node);
    if (target === undefined) {
      const name = node.$ref?.replace(/^#\/definitions\//, '');
      target = name === undefined ? node : (root.definitions?.[name] ?? node);
      resolved.set(node, target);
    }
    return target;
  };
  const prune = (value: unknown, node: SchemaNode): number => {
    const schemaNode = resolve(node);
    if (Array.isArray(value)) {
      const { items } = schemaNode;
      return items ? value.reduce((n: number, item: unknown) => n + prune(item, items), 0) : 0;
    }
    const { properties } = schemaNode;
    if (value === null || typeof value !== 'object' || !properties || typeof schemaNode.additionalProperties === 'object') return 0;
    let removed = 0;
    const object = value as Record<string, unknown>;
    // for-in, not Object.keys: no array per object on the hot path (JSON.parse objects have no inherited enumerable keys).
    for (const key in object) {
      const inner = Object.hasOwn(properties, key) ? properties[key] : undefined;
      if (inner === undefined) {
        // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- dropping what the schema does not name is the point
        delete object[key];
        removed += 1;
      } else {
        removed += prune(object[key], inner);
      }
    }
    return removed;
  };
  return (value) => prune(value, root);
}
