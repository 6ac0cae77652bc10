import type { SinkErrorKind } from '../sinks/sink-error';

/** Backoff bounds per kind of failure, in ms. */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** Bad credentials or an unknown app/stream: an operator must act, so retry slowly. */
  operatorBaseMs: number;
  operatorMaxMs: number;
}

/** Defaults: 0.5 s doubling to 60 s; 15 s doubling to 5 min when an operator must act. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 60_000, operatorBaseMs: 15_000, operatorMaxMs: 300_000 };

/**
 * Exponential backoff with "full jitter" (a random delay between half and all of the step), so
 * many instances recovering from one outage do not retry in lockstep.
 */
export function backoffDelay(kind: SinkErrorKind, consecutiveFailures: number, policy: BackoffPolicy, random: () => number): number {
  const operator = kind === 'forbidden' || kind === 'not-found';
  const base = operator ? policy.operatorBaseMs : policy.baseMs;
  const max = operator ? policy.operatorMaxMs : policy.maxMs;
  const step = Math.min(max, base * 2 ** Math.max(0, Math.min(30, consecutiveFailures - 1)));
  return Math.round(step / 2 + (random() * step) / 2);
}
