import type { SinkHealth } from '../forwarder/forwarder';
import type { RecorderStats } from '../recording/recorder';
import type { SpoolLimits, SpoolState } from '../spool/spool-appender';
import type { SinkBacklogGauge } from '../spool/spool-gauges';

/** The delivery side's thread as the metrics and `/status` see it. */
export interface DeliveryThreadState {
  mode: 'worker' | 'inline';
  /** False while a failed worker waits for its restart. */
  running: boolean;
  /** Restarts of the worker since the service started (inline: always 0). */
  restarts: number;
}

/** Durable mode's parts, read when metrics are scraped or `/status` is asked. */
export interface DurableSources {
  spoolLimits: SpoolLimits;
  spoolState(): SpoolState;
  /** Every configured sink's owed events and oldest age. */
  backlog(now: number): SinkBacklogGauge[];
  health(): SinkHealth[];
  thread(): DeliveryThreadState;
}

/**
 * What the service's state metrics and `/status` read: cheap, read-only calls into the running
 * parts, made at scrape time, so nothing is polled between scrapes.
 */
export interface ServiceSources {
  version: string;
  ackMode: 'upstream' | 'durable';
  /** What `/readyz` says (it logs the details when it changes). */
  ready(): boolean;
  /** Undefined in upstream mode: no spool, no delivery side. */
  durable: DurableSources | undefined;
  recording(): RecorderStats;
  now: () => number;
}
