import { Counter, Gauge, type Registry } from 'prom-client';
import type { RecorderDrops } from '../recording/recorder';
import type { SinkBacklogGauge } from '../spool/spool-gauges';
import type { DurableSources, ServiceSources } from './service-sources';

/** The recorder's drop reasons as label values. */
const DROP_REASONS: ReadonlyArray<[keyof RecorderDrops, string]> = [
  ['queueFull', 'queue_full'],
  ['unwritable', 'unwritable'],
  ['tooLarge', 'too_large'],
  ['shutdown', 'shutdown'],
];

/**
 * The instruments whose values are read from the running parts when Prometheus scrapes (collect
 * callbacks): the build, readiness, the recorder, and durable mode's spool, sinks and delivery
 * thread. Nothing runs between scrapes. Counters kept elsewhere (restarts, recording lines) are
 * set to their running total. Returns what to call before each scrape: values two instruments
 * share (the spool's backlog) are read once per scrape.
 */
export function registerStateMetrics(registry: Registry, sources: ServiceSources): () => void {
  const registers = [registry];
  const { durable } = sources;

  new Gauge({
    name: 'ma2pinpoint_build_info',
    help: 'Always 1: the version, the Node.js version and the ack mode as labels.',
    labelNames: ['version', 'node_version', 'ack_mode'] as const,
    registers,
  }).set({ version: sources.version, node_version: process.version, ack_mode: sources.ackMode }, 1);

  const ready: Gauge = new Gauge({
    name: 'ma2pinpoint_ready',
    help: '1 while /readyz answers ready, 0 while it answers 503 (a full or unwritable spool, a failing delivery thread).',
    registers,
    collect: () => {
      ready.set(sources.ready() ? 1 : 0);
    },
  });

  const newScrape = durable ? registerDurableMetrics(registry, durable, sources.now) : () => undefined;

  const recorded: Counter = new Counter({
    name: 'ma2pinpoint_recording_lines_total',
    help: 'Requests written to the recording (RECORD_DIR).',
    registers,
    collect: () => {
      recorded.reset();
      recorded.inc(sources.recording().linesWritten);
    },
  });
  const dropped: Counter<'reason'> = new Counter({
    name: 'ma2pinpoint_recording_dropped_lines_total',
    help: 'Requests the recording could not keep, by reason: queue_full, unwritable, too_large, shutdown (sampled-out requests are not drops).',
    labelNames: ['reason'] as const,
    registers,
    collect: () => {
      const drops = sources.recording().dropped;
      dropped.reset();
      for (const [key, reason] of DROP_REASONS) dropped.inc({ reason }, drops[key]);
    },
  });
  return newScrape;
}

/**
 * Durable mode's instruments: the spool (the appender's counts in memory, each sink's backlog on
 * a read-only connection, read once per scrape), each sink's health and the delivery thread.
 * Upstream mode has none of them, so it exposes none. Returns what forgets the backlog and the
 * spool state read for the last scrape.
 */
function registerDurableMetrics(registry: Registry, durable: DurableSources, clock: () => number): () => void {
  const registers = [registry];
  let backlogRead: SinkBacklogGauge[] | undefined;
  const backlog = (): SinkBacklogGauge[] => (backlogRead ??= durable.backlog(clock()));
  // Three gauges read the spool's state; the appender works it out (a write probe when it refuses) once per scrape.
  let stateRead: ReturnType<DurableSources['spoolState']> | undefined;
  const spoolState = (): ReturnType<DurableSources['spoolState']> => (stateRead ??= durable.spoolState());

  const storedEvents: Gauge = new Gauge({
    name: 'ma2pinpoint_spool_stored_events',
    help: 'Events stored in the spool and not yet handled by every sink (durable mode).',
    registers,
    collect: () => {
      storedEvents.set(spoolState().storedEvents);
    },
  });
  const usedBytes: Gauge = new Gauge({
    name: 'ma2pinpoint_spool_used_bytes',
    help: "Bytes of the spool file's used pages, the size SPOOL_MAX_BYTES bounds (durable mode).",
    registers,
    collect: () => {
      usedBytes.set(spoolState().usedBytes);
    },
  });
  const maxEvents = new Gauge({ name: 'ma2pinpoint_spool_max_events', help: 'SPOOL_MAX_EVENTS (durable mode).', registers });
  const maxBytes = new Gauge({ name: 'ma2pinpoint_spool_max_bytes', help: 'SPOOL_MAX_BYTES (durable mode).', registers });
  maxEvents.set(durable.spoolLimits.maxEvents);
  maxBytes.set(durable.spoolLimits.maxBytes);
  const refusing: Gauge<'refusal'> = new Gauge({
    name: 'ma2pinpoint_spool_refusing',
    help: 'Whether the spool refuses requests now (1) or not (0), by refusal: full, unwritable (durable mode).',
    labelNames: ['refusal'] as const,
    registers,
    collect: () => {
      const { refusal } = spoolState();
      refusing.set({ refusal: 'full' }, refusal === 'full' ? 1 : 0);
      refusing.set({ refusal: 'unwritable' }, refusal === 'unwritable' ? 1 : 0);
    },
  });
  const backlogEvents: Gauge<'sink'> = new Gauge({
    name: 'ma2pinpoint_spool_backlog_events',
    help: 'Events in the spool not yet delivered to a sink (new, and waiting for a retry), by sink (durable mode).',
    labelNames: ['sink'] as const,
    registers,
    collect: () => {
      for (const { sink, events } of backlog()) backlogEvents.set({ sink }, events);
    },
  });
  const oldestAge: Gauge<'sink'> = new Gauge({
    name: 'ma2pinpoint_spool_oldest_event_age_seconds',
    help: 'Age of the oldest event not yet delivered to a sink, 0 when there is none, by sink (durable mode).',
    labelNames: ['sink'] as const,
    registers,
    collect: () => {
      for (const { sink, oldestAgeMs } of backlog()) oldestAge.set({ sink }, (oldestAgeMs ?? 0) / 1000);
    },
  });
  const failures: Gauge<'sink'> = new Gauge({
    name: 'ma2pinpoint_sink_consecutive_failures',
    help: 'Failed delivery calls in a row, 0 after a success, by sink (durable mode).',
    labelNames: ['sink'] as const,
    registers,
    collect: () => {
      for (const health of durable.health()) failures.set({ sink: health.sink }, health.consecutiveFailures);
    },
  });
  const threadRunning: Gauge = new Gauge({
    name: 'ma2pinpoint_delivery_thread_running',
    help: 'Whether the delivery side runs (1) or a failed worker thread waits for its restart (0) (durable mode).',
    registers,
    collect: () => {
      threadRunning.set(durable.thread().running ? 1 : 0);
    },
  });
  const restarts: Counter = new Counter({
    name: 'ma2pinpoint_delivery_thread_restarts_total',
    help: 'Restarts of the delivery worker thread after it failed (durable mode, DELIVERY_THREAD=worker).',
    registers,
    collect: () => {
      restarts.reset();
      restarts.inc(durable.thread().restarts);
    },
  });
  return () => {
    backlogRead = undefined;
    stateRead = undefined;
  };
}
