import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { seriesCatalogue, selectorProblems } from '../support/metric-catalogue';
import { selectorsOf } from '../support/promql-selectors';

const OPS = path.resolve(__dirname, '..', '..', 'ops');
const catalogue = seriesCatalogue();

/** The problems of every selector of a PromQL expression (it must parse, with Prometheus's grammar). */
function exprProblems(expr: string): string[] {
  return selectorsOf(expr).flatMap((selector) => selectorProblems(selector, catalogue));
}

interface AlertRule {
  alert?: unknown;
  expr?: unknown;
  for?: unknown;
  labels?: { severity?: unknown };
  annotations?: { summary?: unknown; description?: unknown };
}

describe('ops/prometheus-alerts.yml', () => {
  const file = path.join(OPS, 'prometheus-alerts.yml');
  const rules = (parse(readFileSync(file, 'utf8')) as { groups: Array<{ name: string; rules: AlertRule[] }> }).groups.flatMap((g) => g.rules);

  it('promtool (Prometheus itself) accepts the rule file', () => {
    expect(execFileSync('promtool', ['check', 'rules', file]).toString()).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('covers what an operator must hear of: not ready, spool growing, oldest age, dead letters, a failing sink, delivery thread restarts', () => {
    const exprs = rules.map((r) => String(r.expr));
    for (const metric of [
      'ma2pinpoint_ready',
      'ma2pinpoint_spool_stored_events',
      'ma2pinpoint_spool_oldest_event_age_seconds',
      'ma2pinpoint_dead_letters_total',
      'ma2pinpoint_sink_consecutive_failures',
      'ma2pinpoint_delivery_thread_restarts_total',
    ]) {
      expect(exprs.some((expr) => selectorsOf(expr).some((s) => s.metric === metric))).toBe(true);
    }
  });

  it.each(rules.map((r) => [String(r.alert), r] as const))('%s: an alert with a severity and a summary, over metrics the service exposes', (_name, rule) => {
    expect(rule.alert).toMatch(/^Ma2pinpoint[A-Za-z]+$/);
    expect(typeof rule.expr).toBe('string');
    expect(rule.labels?.severity).toMatch(/^(page|warn)$/);
    expect(typeof rule.annotations?.summary).toBe('string');
    expect(exprProblems(String(rule.expr))).toEqual([]);
  });
});

interface GrafanaPanel {
  type: string;
  title: string;
  gridPos?: unknown;
  targets?: Array<{ expr: string; refId: string }>;
}

describe('ops/grafana-dashboard.json', () => {
  const dashboard = JSON.parse(readFileSync(path.join(OPS, 'grafana-dashboard.json'), 'utf8')) as {
    title: string;
    uid: string;
    schemaVersion: number;
    panels: GrafanaPanel[];
    templating: { list: Array<{ name: string; query: { query: string } }> };
    __inputs: Array<{ name: string; pluginId: string }>;
  };
  const graphs = dashboard.panels.filter((p) => p.type !== 'row');
  /** Grafana's own variables, as a range Prometheus accepts, and the dashboard's `$instance`. */
  const asPromql = (expr: string): string => expr.replaceAll('$__rate_interval', '5m').replaceAll('$instance', '.*');

  it('is an importable Grafana dashboard: a Prometheus data source input, an instance variable, placed panels', () => {
    expect(dashboard).toEqual(expect.objectContaining({ title: 'ma2pinpoint', uid: 'ma2pinpoint', schemaVersion: expect.any(Number) }));
    expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', pluginId: 'prometheus' })]);
    for (const panel of dashboard.panels) expect(panel.gridPos).toEqual(expect.objectContaining({ h: expect.any(Number), w: expect.any(Number) }));
    for (const panel of graphs) expect(panel.targets?.length).toBeGreaterThan(0);
  });

  it('has the panels an operator looks at', () => {
    const metricsShown = new Set(graphs.flatMap((p) => p.targets ?? []).flatMap((t) => selectorsOf(asPromql(t.expr)).map((s) => s.metric)));
    for (const metric of [
      'ma2pinpoint_requests_total',
      'ma2pinpoint_request_duration_seconds_bucket',
      'ma2pinpoint_accepted_events_total',
      'ma2pinpoint_refused_requests_total',
      'ma2pinpoint_spool_backlog_events',
      'ma2pinpoint_spool_oldest_event_age_seconds',
      'ma2pinpoint_delivery_events_total',
      'ma2pinpoint_delivery_calls_total',
      'ma2pinpoint_dead_letters_total',
      'ma2pinpoint_delivery_thread_restarts_total',
    ]) {
      expect(metricsShown).toContain(metric);
    }
  });

  it.each(graphs.flatMap((p) => (p.targets ?? []).map((t) => [`${p.title} ${t.refId}`, t.expr] as const)))('%s: PromQL over metrics the service exposes', (_name, expr) => {
    expect(exprProblems(asPromql(expr))).toEqual([]);
  });

  it('its instance variable lists the instances of a metric the service exposes', () => {
    const instance = dashboard.templating.list.find((v) => v.name === 'instance');
    const query = instance?.query.query ?? '';
    const prefix = 'label_values(';
    expect(query.startsWith(prefix)).toBe(true);
    const [selector, label] = query.slice(prefix.length, -1).split(',').map((part) => part.trim());
    expect(label).toBe('instance');
    expect(exprProblems(selector ?? '')).toEqual([]);
  });
});

describe('the PromQL check itself', () => {
  it.each([
    ['a metric the service does not expose', 'rate(ma2pinpoint_no_such_thing_total[5m])', ['ma2pinpoint_no_such_thing_total is not a metric of the service']],
    ['a label a metric never has', 'ma2pinpoint_requests_total{app_id="x"}', ['ma2pinpoint_requests_total has no label app_id']],
    ['a histogram by its own name', 'ma2pinpoint_request_duration_seconds', ['ma2pinpoint_request_duration_seconds is not a metric of the service']],
    ['a selector without a name', '{__name__=~"ma2pinpoint_.*"}', ['a selector without a metric name']],
  ])('refuses %s', (_what, expr, problems) => {
    expect(exprProblems(expr)).toEqual(problems);
  });

  it('refuses what does not parse', () => {
    expect(() => exprProblems('sum(rate(ma2pinpoint_requests_total[5m])')).toThrow(/does not parse/);
  });
});
