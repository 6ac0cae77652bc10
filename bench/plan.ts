import type { ShapeId } from './request-shapes';

/** How long one shape is driven against each target. */
export interface ShapePlan {
  shape: ShapeId;
  rounds: number;
  seconds: number;
  /** Distinct devices (prebuilt requests) autocannon cycles through. */
  devices: number;
}

/** The whole run, sized so a full run stays under 10 minutes on 2 cores. */
export interface BenchPlan {
  quick: boolean;
  connections: number;
  warmupSeconds: number;
  /** Longest wait for the previous target to finish its abandoned in-flight work. */
  settleMaxSeconds: number;
  shapes: ShapePlan[];
  coalescing: { requests: number; drainTimeoutSeconds: number };
  /** The local store phase: seconds of fresh js-10 events, and the longest wait for the spool to empty. */
  localStore: { seconds: number; drainTimeoutSeconds: number };
  quota: { seconds: number; steadyFromSeconds: number; requestsPerSecond: number; callsPerSecond: number; ceilingEventsPerSecond: number };
  /** Hard stop for the whole run. */
  deadlineSeconds: number;
}

/**
 * The round plan. The main shape (10 events/request) gets the most rounds because the pass
 * criteria use it: five, so that the median of the per-round ratios is not decided by one round
 * in which the shared machine was busy or quiet for one target only. `BENCH_QUICK=1` shrinks
 * everything to a ~1.5-minute smoke run.
 */
export function createPlan(quick: boolean): BenchPlan {
  const main = quick ? { rounds: 2, seconds: 2 } : { rounds: 5, seconds: 5 };
  const other = quick ? { rounds: 1, seconds: 2 } : { rounds: 2, seconds: 4 };
  return {
    quick,
    connections: 50,
    warmupSeconds: quick ? 0.5 : 1,
    settleMaxSeconds: quick ? 3 : 5,
    shapes: [
      { shape: 'js-10', ...main, devices: 300 },
      { shape: 'js-1', ...other, devices: 300 },
      { shape: 'js-100', ...other, devices: 100 },
      { shape: 'ama-240kb', ...other, devices: 8 },
      { shape: 'android-gzip', ...other, devices: 300 },
      { shape: 'gzip-10mb', ...other, devices: 4 },
    ],
    coalescing: { requests: quick ? 300 : 2000, drainTimeoutSeconds: quick ? 20 : 60 },
    localStore: { seconds: quick ? 2 : 5, drainTimeoutSeconds: quick ? 20 : 60 },
    // 300 req/s × 10 events offers twice the 1 500 events/s that 15 calls/s × 100 events allow.
    quota: { seconds: quick ? 8 : 20, steadyFromSeconds: quick ? 3 : 5, requestsPerSecond: 300, callsPerSecond: 15, ceilingEventsPerSecond: 1500 },
    deadlineSeconds: quick ? 240 : 840,
  };
}

/** Estimated wall time in seconds for `targets` load targets (start-up and drain included). */
export function estimateSeconds(plan: BenchPlan, targets: number): number {
  const perTarget = plan.shapes.reduce((sum, s) => sum + plan.warmupSeconds + s.rounds * (s.seconds + 0.3), 0);
  const drain = (plan.coalescing.requests * 10) / plan.quota.ceilingEventsPerSecond;
  const delivery = drain + plan.quota.seconds + 5;
  // Fresh events are taken about three times slower than they are accepted (measured).
  const localStore = plan.localStore.seconds * 4;
  return Math.round(perTarget * targets + delivery + localStore + 5);
}
