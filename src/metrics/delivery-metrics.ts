import { Counter, Histogram, type Registry } from 'prom-client';
import type { DeliveryCall, DeliveryObserver } from '../sinks/delivery-observer';

/** One sink's deliveries since the service started, for `/status`. */
export interface SinkDeliveryTotals {
  deliveredEvents: number;
  deadLetteredEvents: number;
}

/** The delivery side's instruments: a `DeliveryObserver` on the registry, and the totals `/status` shows. */
export interface DeliveryMetrics extends DeliveryObserver {
  totals(sink: string): SinkDeliveryTotals;
}

/** Destination call latency buckets, seconds: a local insert in a millisecond, a remote call up to its 30 s timeout. */
const CALL_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** A call's outcome label: `ok` when no event failed, else the first failure's kind in snake_case. */
function callOutcome(call: DeliveryCall): string {
  return call.failure === undefined ? 'ok' : call.failure.replace('-', '_');
}

/**
 * The delivery side's instruments on `registry`, fed by the forwarder and the sinks through the
 * `DeliveryObserver` interface (directly inline, by messages from the delivery worker thread).
 * The counters of each configured sink start at zero, so the first dead letter is an increase
 * an alert can see.
 */
export function createDeliveryMetrics(registry: Registry, sinks: readonly string[]): DeliveryMetrics {
  const registers = [registry];
  const calls = new Counter({
    name: 'ma2pinpoint_delivery_calls_total',
    help: 'Calls to deliver a chunk of events to a sink, by sink and outcome (ok, or the failure kind: throttled, transient, forbidden, not_found, invalid, too_large).',
    labelNames: ['sink', 'outcome'] as const,
    registers,
  });
  const callDuration = new Histogram({
    name: 'ma2pinpoint_delivery_call_duration_seconds',
    help: 'Duration of a call delivering a chunk of events to a sink (all the remote calls it needs, paced), by sink.',
    labelNames: ['sink'] as const,
    buckets: CALL_BUCKETS,
    registers,
  });
  const events = new Counter({
    name: 'ma2pinpoint_delivery_events_total',
    help: 'Events in delivery calls, by sink and outcome: delivered, rejected (refused for good), failed (to be retried, or split to find a refused one).',
    labelNames: ['sink', 'outcome'] as const,
    registers,
  });
  const retries = new Counter({
    name: 'ma2pinpoint_delivery_retries_total',
    help: 'Events scheduled for another delivery attempt after a failure, by sink.',
    labelNames: ['sink'] as const,
    registers,
  });
  const deadLetters = new Counter({
    name: 'ma2pinpoint_dead_letters_total',
    help: 'Events a sink refused for good, kept as dead letters in the spool (ma2pinpoint spool dead-letters), by sink.',
    labelNames: ['sink'] as const,
    registers,
  });
  const fitted = new Counter({
    name: 'ma2pinpoint_fitted_events_total',
    help: "Events fitted to a destination's limits before sending (entries dropped, values cut; Pinpoint only), counted at each attempt, by sink.",
    labelNames: ['sink'] as const,
    registers,
  });
  const setAside = new Counter({
    name: 'ma2pinpoint_undecodable_rows_total',
    help: 'Spool rows a sink could not decode and set aside (ma2pinpoint spool undecodable), by sink.',
    labelNames: ['sink'] as const,
    registers,
  });
  const totals = new Map<string, SinkDeliveryTotals>();
  const totalsOf = (sink: string): SinkDeliveryTotals => {
    let found = totals.get(sink);
    if (!found) {
      found = { deliveredEvents: 0, deadLetteredEvents: 0 };
      totals.set(sink, found);
    }
    return found;
  };
  for (const sink of sinks) {
    totalsOf(sink);
    for (const counter of [retries, deadLetters, fitted, setAside]) counter.inc({ sink }, 0);
    for (const outcome of ['delivered', 'rejected', 'failed']) events.inc({ sink, outcome }, 0);
  }
  return {
    callFinished(call) {
      const { sink } = call;
      calls.inc({ sink, outcome: callOutcome(call) });
      callDuration.observe({ sink }, call.durationMs / 1000);
      events.inc({ sink, outcome: 'delivered' }, call.delivered);
      events.inc({ sink, outcome: 'rejected' }, call.rejected);
      events.inc({ sink, outcome: 'failed' }, call.failed);
      totalsOf(sink).deliveredEvents += call.delivered;
    },
    retryScheduled(sink, count) {
      retries.inc({ sink }, count);
    },
    deadLettered(sink, count) {
      deadLetters.inc({ sink }, count);
      totalsOf(sink).deadLetteredEvents += count;
    },
    eventsFitted(sink, count) {
      fitted.inc({ sink }, count);
    },
    rowsSetAside(sink, rows) {
      setAside.inc({ sink }, rows);
    },
    totals: (sink) => ({ ...totalsOf(sink) }),
  };
}
