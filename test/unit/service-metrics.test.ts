import { BadRequestError } from '../../src/errors';
import { createServiceMetrics, type ServiceMetrics } from '../../src/metrics/service-metrics';
import type { DeliveryThreadState, ServiceSources } from '../../src/metrics/service-sources';
import { readServiceStatus } from '../../src/metrics/service-status';
import { emptyRecorderStats } from '../../src/recording/recorder';
import type { SpoolState } from '../../src/spool/spool-appender';
import { histogramCount, parseExposition, sampleValue, type Scrape } from '../support/prometheus-text';

const NOW = 1_800_000_000_000;

/** Sources a test sets by hand: a durable service with two sinks. */
function fakeSources() {
  const state = {
    ready: true,
    spool: { storedEvents: 120, usedBytes: 65_536, refusal: undefined, lastWriteError: undefined } as SpoolState,
    thread: { mode: 'worker', running: true, restarts: 0 } as DeliveryThreadState,
    recording: emptyRecorderStats(),
    backlogReads: 0,
  };
  const sources: ServiceSources = {
    version: '9.9.9',
    ackMode: 'durable',
    ready: () => state.ready,
    durable: {
      spoolLimits: { maxEvents: 1000, maxBytes: 1_048_576 },
      spoolState: () => state.spool,
      backlog: () => {
        state.backlogReads += 1;
        return [
          { sink: 'pinpoint', events: 100, oldestAgeMs: 90_000 },
          { sink: 'local', events: 0, oldestAgeMs: null },
        ];
      },
      health: () => [
        { sink: 'pinpoint', consecutiveFailures: 3, lastError: { kind: 'throttled', code: 'ThrottlingException', message: 'Rate exceeded', at: NOW - 5000 }, pausedUntil: NOW + 2000 },
        { sink: 'local', consecutiveFailures: 0 },
      ],
      thread: () => state.thread,
    },
    recording: () => state.recording,
    now: () => NOW,
  };
  return { state, sources };
}

describe('service metrics (fake sources)', () => {
  let metrics: ServiceMetrics;
  let fake: ReturnType<typeof fakeSources>;
  const scrape = async (): Promise<Scrape> => parseExposition((await metrics.expose()).text);

  beforeEach(() => {
    metrics = createServiceMetrics(['pinpoint', 'local']);
    fake = fakeSources();
    metrics.watch(fake.sources);
  });

  it('exposes valid text exposition format with process metrics and a content type Prometheus accepts', async () => {
    const exposition = await metrics.expose();
    expect(exposition.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parseExposition(exposition.text);
    expect(families.map((f) => f.name)).toEqual(expect.arrayContaining(['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds']));
    expect(sampleValue(families, 'ma2pinpoint_build_info', { version: '9.9.9', node_version: process.version, ack_mode: 'durable' })).toBe(1);
  });

  it('requests: by status and client kind, latency, bytes, accepted events, refusals by reason', async () => {
    metrics.requests.answered({ status: 202, clientKind: 'android', durationSeconds: 0.004, bodyBytes: 900, events: 3, outcome: 'accepted' });
    metrics.requests.answered({ status: 202, clientKind: 'android', durationSeconds: 0.006, bodyBytes: 100, events: 1, outcome: 'accepted' });
    metrics.requests.answered({ status: 400, clientKind: 'ios', durationSeconds: 0.001, bodyBytes: 50, events: 0, outcome: new BadRequestError('bad') });
    const families = await scrape();
    expect(sampleValue(families, 'ma2pinpoint_requests_total', { status: '202', client_kind: 'android' })).toBe(2);
    expect(sampleValue(families, 'ma2pinpoint_requests_total', { status: '400', client_kind: 'ios' })).toBe(1);
    expect(histogramCount(families, 'ma2pinpoint_request_duration_seconds', { client_kind: 'android' })).toBe(2);
    expect(sampleValue(families, 'ma2pinpoint_received_bytes_total', { client_kind: 'android' })).toBe(1000);
    expect(sampleValue(families, 'ma2pinpoint_received_bytes_total', { client_kind: 'ios' })).toBe(50);
    expect(sampleValue(families, 'ma2pinpoint_accepted_events_total', { client_kind: 'android' })).toBe(4);
    expect(sampleValue(families, 'ma2pinpoint_accepted_events_total', { client_kind: 'ios' })).toBe(0);
    expect(sampleValue(families, 'ma2pinpoint_refused_requests_total', { refusal: 'bad_request', reason: 'bad_request' })).toBe(1);
  });

  it('deliveries: calls and events by outcome, latency, retries, dead letters, fitted, set aside; counters of each sink start at zero', async () => {
    const before = await scrape();
    expect(sampleValue(before, 'ma2pinpoint_dead_letters_total', { sink: 'pinpoint' })).toBe(0);
    expect(before.find((f) => f.name === 'ma2pinpoint_dead_letters_total')?.samples).toHaveLength(2);
    const { delivery } = metrics;
    delivery.callFinished({ sink: 'pinpoint', delivered: 98, rejected: 2, failed: 0, failure: undefined, durationMs: 120 });
    delivery.callFinished({ sink: 'pinpoint', delivered: 0, rejected: 0, failed: 50, failure: 'not-found', durationMs: 30 });
    delivery.retryScheduled('pinpoint', 50);
    delivery.deadLettered('pinpoint', 2);
    delivery.eventsFitted('pinpoint', 7);
    delivery.rowsSetAside('local', 1);
    const families = await scrape();
    expect(sampleValue(families, 'ma2pinpoint_delivery_calls_total', { sink: 'pinpoint', outcome: 'ok' })).toBe(1);
    expect(sampleValue(families, 'ma2pinpoint_delivery_calls_total', { sink: 'pinpoint', outcome: 'not_found' })).toBe(1);
    expect(sampleValue(families, 'ma2pinpoint_delivery_events_total', { sink: 'pinpoint', outcome: 'delivered' })).toBe(98);
    expect(sampleValue(families, 'ma2pinpoint_delivery_events_total', { sink: 'pinpoint', outcome: 'rejected' })).toBe(2);
    expect(sampleValue(families, 'ma2pinpoint_delivery_events_total', { sink: 'pinpoint', outcome: 'failed' })).toBe(50);
    expect(histogramCount(families, 'ma2pinpoint_delivery_call_duration_seconds', { sink: 'pinpoint' })).toBe(2);
    expect(sampleValue(families, 'ma2pinpoint_delivery_call_duration_seconds_sum', { sink: 'pinpoint' })).toBeCloseTo(0.15);
    expect(sampleValue(families, 'ma2pinpoint_delivery_retries_total', { sink: 'pinpoint' })).toBe(50);
    expect(sampleValue(families, 'ma2pinpoint_dead_letters_total', { sink: 'pinpoint' })).toBe(2);
    expect(sampleValue(families, 'ma2pinpoint_fitted_events_total', { sink: 'pinpoint' })).toBe(7);
    expect(sampleValue(families, 'ma2pinpoint_undecodable_rows_total', { sink: 'local' })).toBe(1);
    expect(metrics.delivery.totals('pinpoint')).toEqual({ deliveredEvents: 98, deadLetteredEvents: 2 });
  });

  it('state read at scrape time: readiness, spool, backlog (one read per scrape), sink failures, thread, recording', async () => {
    fake.state.thread = { mode: 'worker', running: false, restarts: 2 };
    fake.state.recording = { ...emptyRecorderStats(), linesWritten: 40, dropped: { queueFull: 3, unwritable: 1, tooLarge: 0, shutdown: 0 } };
    fake.state.spool = { ...fake.state.spool, refusal: 'full' };
    fake.state.ready = false;
    const families = await scrape();
    expect(fake.state.backlogReads).toBe(1);
    const value = (name: string, labels?: Record<string, string>) => sampleValue(families, name, labels);
    expect(value('ma2pinpoint_ready')).toBe(0);
    expect(value('ma2pinpoint_spool_stored_events')).toBe(120);
    expect(value('ma2pinpoint_spool_used_bytes')).toBe(65_536);
    expect(value('ma2pinpoint_spool_max_events')).toBe(1000);
    expect(value('ma2pinpoint_spool_max_bytes')).toBe(1_048_576);
    expect(value('ma2pinpoint_spool_refusing', { refusal: 'full' })).toBe(1);
    expect(value('ma2pinpoint_spool_refusing', { refusal: 'unwritable' })).toBe(0);
    expect(value('ma2pinpoint_spool_backlog_events', { sink: 'pinpoint' })).toBe(100);
    expect(value('ma2pinpoint_spool_oldest_event_age_seconds', { sink: 'pinpoint' })).toBe(90);
    expect(value('ma2pinpoint_spool_oldest_event_age_seconds', { sink: 'local' })).toBe(0);
    expect(value('ma2pinpoint_sink_consecutive_failures', { sink: 'pinpoint' })).toBe(3);
    expect(value('ma2pinpoint_delivery_thread_running')).toBe(0);
    expect(value('ma2pinpoint_delivery_thread_restarts_total')).toBe(2);
    expect(value('ma2pinpoint_recording_lines_total')).toBe(40);
    expect(value('ma2pinpoint_recording_dropped_lines_total', { reason: 'queue_full' })).toBe(3);
    expect(value('ma2pinpoint_recording_dropped_lines_total', { reason: 'unwritable' })).toBe(1);
    // Restarts only grow: a later scrape shows the running total again.
    fake.state.thread = { mode: 'worker', running: true, restarts: 3 };
    expect(sampleValue(await scrape(), 'ma2pinpoint_delivery_thread_restarts_total')).toBe(3);
  });

  it('/status: versions, readiness, each sink with its last error, backoff and totals, the spool, the thread', () => {
    metrics.delivery.callFinished({ sink: 'local', delivered: 5, rejected: 0, failed: 0, failure: undefined, durationMs: 1 });
    const status = readServiceStatus(fake.sources, (sink) => metrics.delivery.totals(sink));
    expect(status).toEqual({
      version: '9.9.9',
      node: process.version,
      uptimeSeconds: expect.any(Number),
      ackMode: 'durable',
      ready: true,
      sinks: [
        {
          sink: 'pinpoint',
          consecutiveFailures: 3,
          lastError: { kind: 'throttled', code: 'ThrottlingException', message: 'Rate exceeded', at: new Date(NOW - 5000).toISOString() },
          backoffUntil: new Date(NOW + 2000).toISOString(),
          deliveredEvents: 0,
          deadLetteredEvents: 0,
          backlogEvents: 100,
          oldestEventAgeSeconds: 90,
        },
        { sink: 'local', consecutiveFailures: 0, lastError: null, backoffUntil: null, deliveredEvents: 5, deadLetteredEvents: 0, backlogEvents: 0, oldestEventAgeSeconds: null },
      ],
      spool: { storedEvents: 120, usedBytes: 65_536, maxEvents: 1000, maxBytes: 1_048_576, full: false, unwritable: false, lastWriteError: null, oldestEventAgeSeconds: 90 },
      deliveryThread: { mode: 'worker', running: true, restarts: 0 },
      recording: { linesWritten: 0, bytesWritten: 0, sampledOut: 0, dropped: { queueFull: 0, unwritable: 0, tooLarge: 0, shutdown: 0 } },
    });
  });

  it('upstream mode: no spool or delivery thread samples, /status without them', async () => {
    const upstream = createServiceMetrics([]);
    const sources: ServiceSources = { ...fake.sources, ackMode: 'upstream', durable: undefined };
    upstream.watch(sources);
    const families = parseExposition((await upstream.expose()).text);
    for (const name of ['ma2pinpoint_spool_stored_events', 'ma2pinpoint_spool_backlog_events', 'ma2pinpoint_delivery_thread_running', 'ma2pinpoint_dead_letters_total']) {
      expect(families.find((f) => f.name === name)?.samples ?? []).toEqual([]);
    }
    expect(sampleValue(families, 'ma2pinpoint_ready')).toBe(1);
    expect(readServiceStatus(sources, () => ({ deliveredEvents: 0, deadLetteredEvents: 0 }))).toEqual(
      expect.objectContaining({ ackMode: 'upstream', sinks: [], spool: null, deliveryThread: null }),
    );
  });

  it('services in one process never share a registry', async () => {
    const other = createServiceMetrics(['local']);
    other.requests.answered({ status: 202, clientKind: 'js', durationSeconds: 0.01, bodyBytes: 10, events: 1, outcome: 'accepted' });
    expect(sampleValue(await scrape(), 'ma2pinpoint_requests_total')).toBe(0);
    expect(sampleValue(parseExposition((await other.expose()).text), 'ma2pinpoint_requests_total')).toBe(1);
  });
});

describe('the exposition check itself', () => {
  it.each([
    ['an unterminated label set', '# HELP x_total A counter.\n# TYPE x_total counter\nx_total{a="1" 3\n'],
    ['a sample of no declared family', '# HELP x_total A counter.\n# TYPE x_total counter\ny_total 3\n'],
    ['a value that is no number', '# HELP x A gauge.\n# TYPE x gauge\nx three\n'],
    ['a negative counter', '# HELP x_total A counter.\n# TYPE x_total counter\nx_total -1\n'],
  ])('refuses %s', (_what, text) => {
    expect(() => parseExposition(text)).toThrow();
  });
});
