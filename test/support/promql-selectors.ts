import { parser } from '@prometheus-io/lezer-promql';

/** A series selector of a PromQL expression: its metric name and the label names it matches on. */
export interface Selector {
  metric: string | undefined;
  labels: string[];
}

/**
 * The series selectors of a PromQL expression, read from Prometheus's own grammar
 * (`@prometheus-io/lezer-promql`), not by pattern. Throws when the expression does not parse.
 * A selector without a metric name (`{__name__=~"…"}`) has `metric` undefined.
 */
export function selectorsOf(expr: string): Selector[] {
  const tree = parser.parse(expr);
  const selectors: Selector[] = [];
  let error: number | undefined;
  tree.iterate({
    enter(node) {
      if (node.type.isError) error ??= node.from;
      if (node.name !== 'VectorSelector') return;
      const identifier = node.node.getChild('Identifier');
      const matchers = node.node.getChild('LabelMatchers');
      const labels: string[] = [];
      for (let matcher = matchers?.firstChild ?? null; matcher; matcher = matcher.nextSibling) {
        const label = matcher.getChild('LabelName');
        if (label) labels.push(expr.slice(label.from, label.to));
      }
      selectors.push({ metric: identifier ? expr.slice(identifier.from, identifier.to) : undefined, labels });
    },
  });
  if (error !== undefined) throw new Error(`PromQL does not parse at ${error}: ${expr}`);
  return selectors;
}
