import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createServiceMetrics } from '../../src/metrics/service-metrics';
import { readServiceStatus } from '../../src/metrics/service-status';
import { emptyRecorderStats } from '../../src/recording/recorder';
import { seriesCatalogue } from '../support/metric-catalogue';

const README = readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');

/** The README's `## Metrics and status` section, up to the next `## ` heading. */
function section(): string {
  const start = README.indexOf('\n## Metrics and status\n');
  expect(start).toBeGreaterThan(-1);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end === -1 ? undefined : end);
}

/** The `code spans` of a Markdown text. */
function codeSpans(text: string): string[] {
  return text.split('`').filter((_part, i) => i % 2 === 1);
}

describe('README: Metrics and status', () => {
  const documented = new Set(codeSpans(section()).filter((span) => span.startsWith('ma2pinpoint_') && !span.includes('*')));
  const exposed = new Set(createServiceMetrics(['local']).registry.getMetricsAsArray().map((m) => (m as unknown as { name: string }).name));
  // Durable-only and scrape-time instruments are registered by `watch`: the catalogue has them all.
  for (const series of seriesCatalogue().keys()) if (series.startsWith('ma2pinpoint_')) exposed.add(series.replace(/_(bucket|sum|count)$/, ''));

  it('lists every metric the service exposes', () => {
    expect([...exposed].filter((name) => name.startsWith('ma2pinpoint_') && !documented.has(name))).toEqual([]);
  });

  it('names no metric the service does not expose', () => {
    expect([...documented].filter((name) => !exposed.has(name))).toEqual([]);
  });

  it('describes every field of /status', () => {
    const status = readServiceStatus(
      { version: '0', ackMode: 'upstream', ready: () => true, durable: undefined, recording: emptyRecorderStats, now: Date.now },
      () => ({ deliveredEvents: 0, deadLetteredEvents: 0 }),
    );
    const spans = new Set(codeSpans(section()));
    expect(Object.keys(status).filter((field) => !spans.has(field) && !spans.has(`${field}[]`))).toEqual([]);
  });
});
