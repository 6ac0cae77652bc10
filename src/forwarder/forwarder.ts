import type { Logger } from '../logger';
import type { EventEnvelope } from '../mapping/event-envelope';
import type { DeliveryResult, EventSink, FailedEvent } from '../sinks/event-sink';
import type { RateLimiter } from '../sinks/rate-limiter';
import { classifySdkError, type SinkError } from '../sinks/sink-error';
import type { Lease, Spool } from '../spool/spool';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';

/** One destination as the forwarder drives it. */
export interface ForwardTarget {
  sink: EventSink;
  /** Calls per second allowed to this sink (Pinpoint: 15 per account); none for local. */
  limiter?: RateLimiter;
}

/** What the forwarder needs. */
export interface ForwarderOptions {
  spool: Spool;
  targets: readonly ForwardTarget[];
  concurrency: number;
  /** How long a partial batch may wait for more events before it is sent anyway. */
  lingerMs: number;
  logger: Logger;
  now: () => number;
  random?: () => number;
  backoff?: BackoffPolicy;
  /** How often an idle worker looks for work, in ms. */
  pollMs?: number;
  /** Told how many stored events each settled lease freed (the delivery thread reports it). */
  onDeleted?: (events: number) => void;
}

/** A sink's health as `/readyz` reports it. */
export interface SinkHealth {
  sink: string;
  consecutiveFailures: number;
  lastError?: { kind: string; code: string; message: string; at: number };
  pausedUntil?: number;
}

/** The running forwarder. */
export interface Forwarder {
  health(): SinkHealth[];
  /** Wakes idle workers (called after an append). */
  notify(): void;
  /** Sends what is left, ignoring linger, until empty or `graceMs` passes; then stops. */
  drain(graceMs: number): Promise<void>;
  stop(): Promise<void>;
}

interface SinkState {
  target: ForwardTarget;
  health: SinkHealth;
  pausedUntil: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Moves events from the spool to the sinks: per sink, `concurrency` workers lease up to a full
 * batch (coalescing events from many requests and devices), deliver, and settle the lease. An
 * event is acknowledged only after its sink accepted it; refused events become dead letters;
 * failures are retried with exponential backoff and jitter, pausing the whole sink meanwhile.
 */
export function startForwarder(options: ForwarderOptions): Forwarder {
  const { spool, concurrency, lingerMs, logger, now } = options;
  const random = options.random ?? Math.random;
  const policy = options.backoff ?? DEFAULT_BACKOFF;
  const pollMs = options.pollMs ?? 50;
  let stopping = false;
  let draining = false;
  let wake: (() => void) | undefined;
  let wakeSignal = new Promise<void>((resolve) => (wake = resolve));
  const notify = (): void => {
    wake?.();
    wakeSignal = new Promise<void>((resolve) => (wake = resolve));
  };
  const states: SinkState[] = options.targets.map((target) => ({
    target,
    health: { sink: target.sink.name, consecutiveFailures: 0 },
    pausedUntil: 0,
  }));

  /** Decides whether a worker should lease now, and whether fresh events may be taken. */
  const readiness = (state: SinkState): { lease: boolean; fresh: boolean } => {
    const name = state.target.sink.name;
    if (now() < state.pausedUntil) return { lease: false, fresh: false };
    const nextRetry = spool.nextRetryAt(name);
    const retryDue = nextRetry !== undefined && nextRetry <= now();
    const backlog = spool.freshBacklog(name, state.target.sink.maxBatchEvents);
    if (backlog.count === 0) return { lease: retryDue, fresh: false };
    const full = backlog.count >= state.target.sink.maxBatchEvents;
    const lingered = backlog.oldestReceivedAt === undefined || now() - backlog.oldestReceivedAt >= lingerMs;
    const fresh = full || lingered || draining;
    return { lease: fresh || retryDue, fresh };
  };

  const settle = (state: SinkState, lease: Lease, result: DeliveryResult): void => {
    const { health } = state;
    const worst = result.failed[0]?.error;
    let retryAt = now();
    if (worst) {
      health.consecutiveFailures += 1;
      health.lastError = { kind: worst.kind, code: worst.code, message: worst.message, at: now() };
      const delay = backoffDelay(worst.kind, health.consecutiveFailures, policy, random);
      retryAt = now() + delay;
      state.pausedUntil = Math.max(state.pausedUntil, retryAt);
      logger.warn('delivery failed; backing off', {
        sink: health.sink,
        kind: worst.kind,
        code: worst.code,
        failedEvents: result.failed.length,
        delayMs: delay,
        consecutiveFailures: health.consecutiveFailures,
      });
    } else {
      health.consecutiveFailures = 0;
      state.pausedUntil = 0;
    }
    for (const rejected of result.rejected) {
      logger.warn('event dead-lettered', { sink: health.sink, eventId: rejected.eventId, reason: rejected.message });
    }
    const deleted = spool.complete(lease, {
      rejected: result.rejected,
      failed: result.failed.map((f) => ({ eventId: f.eventId, error: `${f.error.code}: ${f.error.message}` })),
      retryAt,
    });
    if (deleted > 0) options.onDeleted?.(deleted);
  };

  const deliverChunk = async (state: SinkState, envelopes: EventEnvelope[]): Promise<DeliveryResult> => {
    try {
      return await state.target.sink.deliver(envelopes);
    } catch (err: unknown) {
      const error: SinkError = classifySdkError(err);
      logger.error('sink threw', { sink: state.health.sink, reason: error.message, stack: (err as Error)?.stack });
      return { rejected: [], failed: envelopes.map((e) => ({ eventId: e.eventId, error })) };
    }
  };

  /**
   * Delivers one call's worth of events. When the destination refuses the whole call as
   * malformed (400) or too large (413), retrying the same call can never succeed and one bad
   * event must not hold back the others: the events are split in halves and sent again until
   * each refused event stands alone, and is then dead-lettered with the destination's message.
   */
  const deliverIsolating = async (state: SinkState, envelopes: EventEnvelope[]): Promise<DeliveryResult> => {
    const result = await deliverChunk(state, envelopes);
    const refusedWhole = result.failed.filter((f) => f.error.kind === 'invalid' || f.error.kind === 'too-large');
    if (refusedWhole.length === 0) return result;
    const failed = result.failed.filter((f) => !refusedWhole.includes(f));
    const rejected = [...result.rejected];
    if (refusedWhole.length === 1) {
      const [only] = refusedWhole as [FailedEvent];
      rejected.push({ eventId: only.eventId, message: `${only.error.code}: ${only.error.message}` });
      return { rejected, failed };
    }
    const refusedIds = new Set(refusedWhole.map((f) => f.eventId));
    const retry = envelopes.filter((e) => refusedIds.has(e.eventId));
    const half = Math.ceil(retry.length / 2);
    for (const part of [retry.slice(0, half), retry.slice(half)]) {
      await state.target.limiter?.take();
      const partResult = await deliverIsolating(state, part);
      rejected.push(...partResult.rejected);
      failed.push(...partResult.failed);
    }
    return { rejected, failed };
  };

  /** Delivers a lease in calls of at most `maxBatchEvents`, each paced by the sink's limiter. */
  const deliver = async (state: SinkState, lease: Lease): Promise<DeliveryResult> => {
    const { sink, limiter } = state.target;
    const envelopes = lease.events.map((e) => e.envelope);
    const result: DeliveryResult = { rejected: [], failed: [] };
    for (let start = 0; start < envelopes.length; start += sink.maxBatchEvents) {
      if (start > 0) await limiter?.take();
      const chunk = await deliverIsolating(state, envelopes.slice(start, start + sink.maxBatchEvents));
      result.rejected.push(...chunk.rejected);
      result.failed.push(...chunk.failed);
    }
    return result;
  };

  const worker = async (state: SinkState): Promise<void> => {
    while (!stopping) {
      const ready = readiness(state);
      if (!ready.lease) {
        if (draining && spool.freshBacklog(state.target.sink.name, 1).count === 0) return;
        await Promise.race([sleep(pollMs), wakeSignal]);
        continue;
      }
      await state.target.limiter?.take();
      if (stopping) return;
      const lease = spool.lease(state.target.sink.name, state.target.sink.maxBatchEvents, readiness(state).fresh || draining);
      if (!lease) {
        // The due retry is already in another worker's hands: wait instead of spinning.
        await Promise.race([sleep(pollMs), wakeSignal]);
        continue;
      }
      for (const seq of lease.undecodableRows) logger.error('undecodable spool row dead-lettered', { sink: lease.sink, seq });
      settle(state, lease, await deliver(state, lease));
    }
  };

  const workers = states.flatMap((state) => Array.from({ length: concurrency }, () => worker(state)));
  const allDone = Promise.all(workers);

  return {
    health: () => states.map((s) => ({ ...s.health, ...(s.pausedUntil > now() ? { pausedUntil: s.pausedUntil } : {}) })),
    notify,
    async drain(graceMs) {
      draining = true;
      notify();
      await Promise.race([allDone, sleep(graceMs)]);
      stopping = true;
      notify();
      await allDone;
    },
    async stop() {
      stopping = true;
      notify();
      await allDone;
    },
  };
}
