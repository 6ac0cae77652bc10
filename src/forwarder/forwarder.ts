import type { Clock } from '../clock';
import { errorFields } from '../error-fields';
import { createLogThrottle } from '../log-throttle';
import { isDamagedDatabaseError } from '../storage-error';
import type { Logger } from '../logger';
import type { EventEnvelope } from '../mapping/event-envelope';
import type { RequestMapper } from '../mapping/request-mapper';
import { deliveredAll, mergeResults, type DeliveryResult, type EventSink, type FailedEvent } from '../sinks/event-sink';
import { unobserved, type DeliveryObserver } from '../sinks/delivery-observer';
import { classifySdkError } from '../sinks/sink-error';
import type { DeliveryQueue, Lease, Settlement } from '../spool/delivery-queue';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import { eventsOfLease, type LeaseEvents } from './lease-events';
import { toSettlement } from './settlement';

/** What the forwarder needs. */
export interface ForwarderOptions {
  queue: DeliveryQueue;
  sinks: readonly EventSink[];
  /** Maps stored legacy requests to events (with the app id map). */
  mapRequest: RequestMapper;
  /** Workers per sink, each with one lease in flight. */
  concurrency: number;
  /** How long a partial batch may wait for more events before it is sent anyway. */
  lingerMs: number;
  logger: Logger;
  clock: Clock;
  random?: () => number;
  backoff?: BackoffPolicy;
  /** How often an idle worker looks for work, in ms. */
  pollMs?: number;
  /** Told how many stored events each settled lease freed (the appender's count follows it). */
  onDeleted?: (events: number) => void;
  /** Told of every call and every settled lease (the service's metrics); none by default. */
  observer?: DeliveryObserver;
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
  sink: EventSink;
  health: SinkHealth;
  pausedUntil: number;
}

/** Whether a worker should lease now, and whether it may take fresh events. */
interface LeasePlan {
  lease: boolean;
  fresh: boolean;
}

/** How long a worker waits before trying the spool again after it failed (a full disk), at most, ms. */
const SPOOL_RETRY_MAX_MS = 30_000;

/** What a spool error says, for a log line. */
function spoolErrorFields(err: unknown): { error: string; code: string | undefined; reason: string } {
  const { name, code, message } = errorFields(err);
  return { error: name, code, reason: message };
}

/** Splits events into consecutive chunks of at most `size`. */
function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/**
 * Moves events from the spool to the sinks. Per sink, `concurrency` workers each loop: lease up
 * to a full batch (coalescing events from many requests and devices), chunk it once to the
 * sink's batch size, deliver, settle. An event is acknowledged only after its sink accepted it;
 * refused events become dead letters; failures are retried with exponential backoff and jitter,
 * pausing the whole sink meanwhile. Pacing is the sinks' own (one token per remote call).
 */
export function startForwarder(options: ForwarderOptions): Forwarder {
  const { queue, mapRequest, concurrency, lingerMs, logger, clock } = options;
  const random = options.random ?? Math.random;
  const policy = options.backoff ?? DEFAULT_BACKOFF;
  const pollMs = options.pollMs ?? 50;
  const observer = options.observer ?? unobserved;
  let stopping = false;
  let draining = false;
  let wake: () => void = () => undefined;
  let wakeSignal = new Promise<void>((resolve) => (wake = resolve));
  const notify = (): void => {
    wake();
    wakeSignal = new Promise<void>((resolve) => (wake = resolve));
  };
  const idle = (): Promise<void> => Promise.race([clock.sleep(pollMs), wakeSignal]);
  const states: SinkState[] = options.sinks.map((sink) => ({ sink, health: { sink: sink.name, consecutiveFailures: 0 }, pausedUntil: 0 }));

  const plan = (state: SinkState): LeasePlan => {
    const { name, maxBatchEvents } = state.sink;
    const now = clock.now();
    if (now < state.pausedUntil) return { lease: false, fresh: false };
    const nextRetry = queue.nextRetryAt(name);
    const retryDue = nextRetry !== undefined && nextRetry <= now;
    const backlog = queue.freshBacklog(name, maxBatchEvents);
    if (backlog.count === 0) return { lease: retryDue, fresh: false };
    const full = backlog.count >= maxBatchEvents;
    const lingered = backlog.oldestReceivedAt === undefined || now - backlog.oldestReceivedAt >= lingerMs;
    const fresh = full || lingered || draining;
    return { lease: fresh || retryDue, fresh };
  };

  /** Backs the sink off after a failure, or clears its failures after a success; returns when to retry. */
  const recordHealth = (state: SinkState, result: DeliveryResult): number => {
    const { health } = state;
    const now = clock.now();
    const worst = result.failed[0]?.error;
    if (!worst) {
      health.consecutiveFailures = 0;
      state.pausedUntil = 0;
      return now;
    }
    health.consecutiveFailures += 1;
    health.lastError = { kind: worst.kind, code: worst.code, message: worst.message, at: now };
    const delay = backoffDelay(worst.kind, health.consecutiveFailures, policy, random);
    state.pausedUntil = Math.max(state.pausedUntil, now + delay);
    logger.warn('delivery failed; backing off', {
      sink: health.sink,
      kind: worst.kind,
      code: worst.code,
      failedEvents: result.failed.length,
      delayMs: delay,
      consecutiveFailures: health.consecutiveFailures,
    });
    return now + delay;
  };

  const spoolFailures = createLogThrottle(logger, 'warn', 'delivery side cannot use the spool; retrying', 10_000);

  /** Waits before trying the spool again after its `attempt`th failure in a row. */
  const spoolBackoff = (attempt: number): Promise<void> => clock.sleep(Math.min(SPOOL_RETRY_MAX_MS, 500 * 2 ** Math.min(attempt, 6)));

  /**
   * Records a lease's outcome. A settlement the spool cannot write (a full disk) is tried again
   * until it is written: until then the lease's rows stay open, so the sink's cursor never passes
   * events whose outcome it has not recorded (after a restart they are delivered again).
   * Resolves false when the forwarder stopped before the settlement could be written.
   */
  const complete = async (lease: Lease, settlement: Settlement): Promise<boolean> => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const deleted = queue.complete(lease, settlement);
        if (deleted > 0) options.onDeleted?.(deleted);
        return true;
      } catch (err: unknown) {
        // A damaged file will not heal: let the delivery thread fail, and be restarted and reported.
        if (isDamagedDatabaseError(err)) throw err;
        spoolFailures.note({ sink: lease.sink, step: 'settle', ...spoolErrorFields(err) });
        if (stopping) return false;
        await spoolBackoff(attempt);
      }
    }
  };

  const settle = async (state: SinkState, lease: Lease, leased: LeaseEvents, result: DeliveryResult): Promise<void> => {
    const retryAt = recordHealth(state, result);
    for (const rejected of result.rejected) {
      logger.warn('event dead-lettered', { sink: state.health.sink, eventId: rejected.eventId, reason: rejected.message });
    }
    const settlement = toSettlement(leased, result, retryAt);
    // Observed once recorded: a settlement that was never written did not happen (its rows are leased again).
    if (!(await complete(lease, settlement))) return;
    const { sink } = state.health;
    if (settlement.failed.length > 0) observer.retryScheduled(sink, settlement.failed.length);
    if (settlement.deadLetters.length > 0) observer.deadLettered(sink, settlement.deadLetters.length);
    if (settlement.undecodable.length > 0) observer.rowsSetAside(sink, settlement.undecodable.length);
  };

  const deliverOnce = async (state: SinkState, envelopes: EventEnvelope[]): Promise<DeliveryResult> => {
    const started = clock.now();
    let result: DeliveryResult;
    try {
      result = await state.sink.deliver(envelopes);
    } catch (err: unknown) {
      // Sinks report failures in their result; a throw is a bug, retried like a transient failure.
      const error = classifySdkError(err);
      logger.error('sink threw', { sink: state.health.sink, reason: error.message, stack: err instanceof Error ? err.stack : undefined });
      result = { rejected: [], failed: envelopes.map((e) => ({ eventId: e.eventId, error })) };
    }
    const { rejected, failed } = result;
    observer.callFinished({
      sink: state.health.sink,
      delivered: Math.max(0, envelopes.length - rejected.length - failed.length),
      rejected: rejected.length,
      failed: failed.length,
      failure: failed[0]?.error.kind,
      durationMs: clock.now() - started,
    });
    return result;
  };

  /**
   * Delivers one chunk. When the destination refuses a whole call as malformed (400) or too
   * large (413), retrying the same call can never succeed and one bad event must not hold back
   * the others: the refused events are split in halves and sent again until each refused event
   * stands alone, and is then dead-lettered with the destination's message.
   */
  const deliverIsolating = async (state: SinkState, envelopes: EventEnvelope[]): Promise<DeliveryResult> => {
    const result = await deliverOnce(state, envelopes);
    const refusedWhole = result.failed.filter((f) => f.error.kind === 'invalid' || f.error.kind === 'too-large');
    if (refusedWhole.length === 0) return result;
    const isolated: DeliveryResult = { rejected: [...result.rejected], failed: result.failed.filter((f) => !refusedWhole.includes(f)) };
    if (refusedWhole.length === 1) {
      const [only] = refusedWhole as [FailedEvent];
      isolated.rejected.push({ eventId: only.eventId, message: `${only.error.code}: ${only.error.message}` });
      return isolated;
    }
    const refusedIds = new Set(refusedWhole.map((f) => f.eventId));
    const retry = envelopes.filter((e) => refusedIds.has(e.eventId));
    for (const part of chunks(retry, Math.ceil(retry.length / 2))) mergeResults(isolated, await deliverIsolating(state, part));
    return isolated;
  };

  /** One turn of a worker: lease, map, deliver, settle. Resolves false when the worker should stop. */
  const turn = async (state: SinkState): Promise<boolean> => {
    const { sink } = state;
    const next = plan(state);
    if (!next.lease) {
      if (draining && queue.freshBacklog(sink.name, 1).count === 0) return false;
      await idle();
      return true;
    }
    const lease = queue.lease(sink.name, sink.maxBatchEvents, next.fresh);
    if (!lease) {
      // The due retry is already in another worker's hands: wait instead of spinning.
      await idle();
      return true;
    }
    const leased = eventsOfLease(lease, mapRequest);
    for (const { seq, reason } of leased.undecodable) logger.error('undecodable spool row set aside', { sink: sink.name, seq, reason });
    const result = deliveredAll();
    for (const chunk of chunks(leased.events.map((e) => e.envelope), sink.maxBatchEvents)) {
      mergeResults(result, await deliverIsolating(state, chunk));
    }
    await settle(state, lease, leased, result);
    return true;
  };

  const worker = async (state: SinkState): Promise<void> => {
    let failures = 0;
    while (!stopping) {
      try {
        if (!(await turn(state))) return;
        failures = 0;
      } catch (err: unknown) {
        if (isDamagedDatabaseError(err)) throw err;
        // Reading the spool failed (a full disk, an I/O error): nothing was leased, so wait and try again.
        failures += 1;
        spoolFailures.note({ sink: state.sink.name, step: 'lease', ...spoolErrorFields(err) });
        await spoolBackoff(failures);
      }
    }
  };

  const workers = states.flatMap((state) => Array.from({ length: concurrency }, () => worker(state)));
  const allDone = Promise.all(workers);

  return {
    health: () => states.map((s) => ({ ...s.health, ...(s.pausedUntil > clock.now() ? { pausedUntil: s.pausedUntil } : {}) })),
    notify,
    async drain(graceMs) {
      draining = true;
      notify();
      const graceOver = new AbortController();
      await Promise.race([allDone, clock.sleep(graceMs, graceOver.signal)]);
      graceOver.abort();
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
