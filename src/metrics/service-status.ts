import type { RecorderStats } from '../recording/recorder';
import type { SinkDeliveryTotals } from './delivery-metrics';
import type { DeliveryThreadState, ServiceSources } from './service-sources';

/** One sink's delivery state (durable mode). Times are ISO 8601, ages in seconds. */
export interface SinkStatus extends SinkDeliveryTotals {
  sink: string;
  consecutiveFailures: number;
  /** The last failure's kind, code and message (a destination's own words), and when; null before any. */
  lastError: { kind: string; code: string; message: string; at: string } | null;
  /** Until when the sink is paused after a failure; null when it is not. */
  backoffUntil: string | null;
  /** Events in the spool not yet delivered to this sink, and the age of the oldest. */
  backlogEvents: number;
  oldestEventAgeSeconds: number | null;
}

/** The spool's state (durable mode). */
export interface SpoolStatus {
  storedEvents: number;
  usedBytes: number;
  maxEvents: number;
  maxBytes: number;
  full: boolean;
  unwritable: boolean;
  /** While unwritable: the error of the last failed commit or write probe. */
  lastWriteError: { name: string; code: string | null; message: string } | null;
  /** The oldest event any sink still owes. */
  oldestEventAgeSeconds: number | null;
}

/** `GET /status` on the admin port: the details the public `/readyz` keeps to itself. */
export interface ServiceStatus {
  version: string;
  node: string;
  uptimeSeconds: number;
  ackMode: 'upstream' | 'durable';
  ready: boolean;
  /** Durable mode's sinks; empty in upstream mode, where each request answers what its destination said. */
  sinks: SinkStatus[];
  spool: SpoolStatus | null;
  deliveryThread: DeliveryThreadState | null;
  recording: Pick<RecorderStats, 'linesWritten' | 'bytesWritten' | 'sampledOut' | 'dropped'>;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const seconds = (ms: number | null): number | null => (ms === null ? null : ms / 1000);

/** Reads the service's status from its running parts (each a cheap, read-only call). */
export function readServiceStatus(sources: ServiceSources, totals: (sink: string) => SinkDeliveryTotals): ServiceStatus {
  const { durable } = sources;
  const now = sources.now();
  const { linesWritten, bytesWritten, sampledOut, dropped } = sources.recording();
  const base = {
    version: sources.version,
    node: process.version,
    uptimeSeconds: Math.round(process.uptime()),
    ackMode: sources.ackMode,
    ready: sources.ready(),
    recording: { linesWritten, bytesWritten, sampledOut, dropped },
  };
  if (!durable) return { ...base, sinks: [], spool: null, deliveryThread: null };
  const backlog = new Map(durable.backlog(now).map((b) => [b.sink, b]));
  const sinks = durable.health().map((health): SinkStatus => {
    const owed = backlog.get(health.sink);
    const { lastError, pausedUntil } = health;
    return {
      sink: health.sink,
      consecutiveFailures: health.consecutiveFailures,
      lastError: lastError ? { kind: lastError.kind, code: lastError.code, message: lastError.message, at: iso(lastError.at) } : null,
      backoffUntil: pausedUntil !== undefined && pausedUntil > now ? iso(pausedUntil) : null,
      ...totals(health.sink),
      backlogEvents: owed?.events ?? 0,
      oldestEventAgeSeconds: seconds(owed?.oldestAgeMs ?? null),
    };
  });
  const state = durable.spoolState();
  const ages = [...backlog.values()].map((b) => b.oldestAgeMs).filter((age): age is number => age !== null);
  const writeError = state.lastWriteError;
  return {
    ...base,
    sinks,
    spool: {
      storedEvents: state.storedEvents,
      usedBytes: state.usedBytes,
      ...durable.spoolLimits,
      full: state.refusal === 'full',
      unwritable: state.refusal === 'unwritable',
      lastWriteError: writeError ? { name: writeError.name, code: writeError.code ?? null, message: writeError.message } : null,
      oldestEventAgeSeconds: ages.length > 0 ? Math.max(...ages) / 1000 : null,
    },
    deliveryThread: durable.thread(),
  };
}
