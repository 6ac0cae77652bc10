import type { ShapeId } from './request-shapes';

/** The bench's phases, in the order they run; `BENCH_PHASES` picks some (the KPI phase alone: `BENCH_PHASES=kpi`). */
export const PHASES = ['load', 'delivery', 'pinpoint', 'kpi'] as const;
export type Phase = (typeof PHASES)[number];

/**
 * The phases to run: `BENCH_PHASES` (comma-separated) or all of them; `BENCH_DELIVERY=0`, the
 * older switch, still drops the delivery phase. Throws on an unknown name.
 */
export function parsePhases(phases: string | undefined, delivery: string | undefined): Phase[] {
  const names = phases === undefined || phases.trim() === '' ? [...PHASES] : phases.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(PHASES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`BENCH_PHASES: unknown phase ${unknown.join(', ')}; known: ${PHASES.join(', ')}`);
  return PHASES.filter((phase) => names.includes(phase) && !(phase === 'delivery' && delivery === '0'));
}

/** `BENCH_KPI_EVENTS`: the size of the KPI phase's large store, for quicker local runs. */
export function parseKpiEvents(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const events = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(events) || events < 1000) throw new Error(`BENCH_KPI_EVENTS must be a whole number of at least 1000, got ${JSON.stringify(value)}`);
  return events;
}

/** The KPI phase: the roll-ups' cost to the local sink, and the KPIs over a large store. */
export interface KpiPlan {
  /** Events in the large store (issue 11: 5 million, about 50 000 devices over 90 days). */
  events: number;
  days: number;
  /** Timed calls per KPI after the cold one (the median is reported). */
  repeats: number;
  /** The roll-up cost: pairs of rounds, events per round, and the history each round's store starts with. */
  costPairs: number;
  costEvents: number;
  costPrefillEvents: number;
}

/**
 * The Pinpoint-native phase, per sender: its PutEvents in rounds alternating with the legacy
 * route's (each route on a durable/local service of its own), UpdateEndpoint at a small
 * concurrency, and fresh events looked up in the local store.
 */
export interface PinpointPlan {
  /** Rounds per sender shape; each round drives the legacy reference and the Pinpoint calls once, alternating which goes first. */
  rounds: number;
  seconds: number;
  /** UpdateEndpoint: connections (each call fsyncs `endpoints.db`, so few callers) and seconds. */
  endpointConnections: number;
  endpointSeconds: number;
  /** PutEvents calls per sender shape with fresh event ids, for the delivery check. */
  freshCalls: number;
  /** Longest wait for the spool to empty, before each round and before the store is read. */
  drainTimeoutSeconds: number;
}

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
  pinpoint: PinpointPlan;
  kpi: KpiPlan;
  /** Hard stop for the whole run. */
  deadlineSeconds: number;
}

/**
 * The round plan. The main shape (10 events/request) gets the most rounds because the pass
 * criteria use it: five, so that the median of the per-round ratios is not decided by one round
 * in which the shared machine was busy or quiet for one target only. `BENCH_QUICK=1` shrinks
 * everything to a ~3.5-minute smoke run (a KPI store of 200 000 events).
 */
export function createPlan(quick: boolean, kpiEvents?: number): BenchPlan {
  const kpi: KpiPlan = {
    events: kpiEvents ?? (quick ? 200_000 : 5_000_000),
    days: 90,
    repeats: 5,
    costPairs: quick ? 2 : 5,
    costEvents: quick ? 20_000 : 50_000,
    costPrefillEvents: quick ? 50_000 : 200_000,
  };
  const pinpoint: PinpointPlan = {
    rounds: quick ? 2 : 5,
    seconds: 2,
    endpointConnections: 4,
    endpointSeconds: quick ? 2 : 3,
    freshCalls: quick ? 100 : 200,
    drainTimeoutSeconds: quick ? 30 : 60,
  };
  const warmupSeconds = quick ? 0.5 : 1;
  const main = quick ? { rounds: 2, seconds: 2 } : { rounds: 5, seconds: 5 };
  const other = quick ? { rounds: 1, seconds: 2 } : { rounds: 2, seconds: 4 };
  return {
    quick,
    connections: 50,
    warmupSeconds,
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
    pinpoint,
    kpi,
    deadlineSeconds: (quick ? 240 : 840) + kpiSeconds(kpi) * 2 + pinpointSeconds(pinpoint, warmupSeconds) * 2,
  };
}

/**
 * Events per second the KPI phase gets through, for the estimate and the deadline: the 2-core
 * development machine built the 5-million-event store at about 16 000 events/s; a busy machine
 * gets less.
 */
const KPI_EVENTS_PER_SECOND = 10_000;

/**
 * Mean seconds of the Pinpoint phase's waits for empty spools and idle services: a round of 100
 * events per call leaves a backlog of seconds, one of 3 events almost none (full runs on the
 * 2-core development machine took 123 and 127 s).
 */
const PINPOINT_SETTLE_SECONDS = 2.5;

/** Estimated wall time of the KPI phase in seconds. */
export function kpiSeconds(kpi: KpiPlan): number {
  const rounds = kpi.costPairs * 2 * kpi.costEvents + 2 * kpi.costPrefillEvents;
  return Math.round((rounds + kpi.events) / KPI_EVENTS_PER_SECOND + 10);
}

/**
 * Estimated wall time of the Pinpoint phase in seconds, per sender: two service starts, the
 * UpdateEndpoint load, the warm-ups, the rounds and the fresh calls, each wait for empty spools
 * taking PINPOINT_SETTLE_SECONDS on average.
 */
export function pinpointSeconds(pinpoint: PinpointPlan, warmupSeconds: number): number {
  const senders = 2;
  const settle = PINPOINT_SETTLE_SECONDS;
  const perSender = 2 + pinpoint.endpointSeconds + 2 * (warmupSeconds + settle) + pinpoint.rounds * 2 * (pinpoint.seconds + settle) + 2 + settle;
  return Math.round(senders * perSender + 5);
}

/** Estimated wall time in seconds of `phases` with `targets` load targets (start-up and drain included). */
export function estimateSeconds(plan: BenchPlan, targets: number, phases: readonly Phase[] = PHASES): number {
  const perTarget = plan.shapes.reduce((sum, s) => sum + plan.warmupSeconds + s.rounds * (s.seconds + 0.3), 0);
  const drain = (plan.coalescing.requests * 10) / plan.quota.ceilingEventsPerSecond;
  const delivery = drain + plan.quota.seconds + 5;
  // Fresh events are taken about three times slower than they are accepted (measured).
  const localStore = plan.localStore.seconds * 4;
  const kpi = kpiSeconds(plan.kpi);
  const load = perTarget * targets + localStore;
  const pinpoint = pinpointSeconds(plan.pinpoint, plan.warmupSeconds);
  return Math.round(
    (phases.includes('load') ? load : 0) + (phases.includes('delivery') ? delivery : 0) + (phases.includes('pinpoint') ? pinpoint : 0) + (phases.includes('kpi') ? kpi : 0) + 5,
  );
}
