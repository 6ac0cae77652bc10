import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEventStore } from '../src/local-store/event-store';
import type { EventEnvelope } from '../src/mapping/event-envelope';
import type { EventSink } from '../src/sinks/event-sink';
import { createLocalSink } from '../src/sinks/local-sink';
import { inBatches, timedDelivery, yieldToEventLoop } from './kpi-batches';
import { generateKpiTraffic } from './kpi-traffic';
import type { KpiPlan } from './plan';
import { median } from './report';
import { removeStoreFiles } from './store-files';

/** One timed round: the same envelopes into a fresh copy of a store, with or without the roll-ups. */
export interface RollupCostRound {
  pair: number;
  rollups: boolean;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** This process's CPU time per event (µs) during the deliveries. */
  cpuMicrosPerEvent: number;
}

/** What keeping the KPI roll-ups costs the local sink. */
export interface RollupCostResult {
  /** Events the stores held before each round (the same history for both). */
  prefillEvents: number;
  eventsPerRound: number;
  batchEvents: number;
  rounds: RollupCostRound[];
  /** Medians over the rounds of each kind. */
  withRollupsPerSecond: number | null;
  withoutRollupsPerSecond: number | null;
  /** Median over the pairs of 1 − with/without, each pair from the same moment of the machine. */
  cost: number | null;
  /** Medians of the CPU time per event, and the cost they make (1 − without/with): less swayed by other work on the machine. */
  withRollupsCpuMicros: number | null;
  withoutRollupsCpuMicros: number | null;
  cpuCost: number | null;
}

/**
 * Writes the same history into two template stores (one with roll-ups, one without, through the
 * local sink) and keeps the envelopes that follow it in memory, in the local sink's batches.
 * The rounds then start from copies of a store that already knows its devices, as a running
 * service's store does: an empty store would make every client lookup a miss.
 */
async function prepare(plan: KpiPlan, dir: string, lastDay: number): Promise<{ templates: { with: string; without: string }; batches: EventEnvelope[][] }> {
  const templates = { with: join(dir, 'template-with.db'), without: join(dir, 'template-without.db') };
  const stores = [openEventStore(templates.with), openEventStore(templates.without, { kpiRollups: false })];
  const sinks = stores.map((store) => createLocalSink(store));
  const batchEvents = sinks[0]?.maxBatchEvents ?? 1000;
  const traffic = generateKpiTraffic({ events: plan.costPrefillEvents + plan.costEvents, lastDay, days: plan.days, seed: 11 });
  const batches: EventEnvelope[][] = [];
  let seen = 0;
  // The prefill also warms up both code paths, so the first timed round is not the JIT's.
  for (const batch of inBatches(traffic, batchEvents)) {
    if (seen < plan.costPrefillEvents) {
      for (const sink of sinks) await timedDelivery(sink, batch);
      await yieldToEventLoop();
    } else {
      batches.push(batch);
    }
    seen += batch.length;
  }
  await Promise.all(sinks.map((sink) => sink.close()));
  return { templates, batches };
}

/** One side of a pair: a fresh copy of a template, and what its deliveries took. */
interface Side {
  rollups: boolean;
  file: string;
  sink: EventSink;
  events: number;
  ms: number;
  cpuMs: number;
}

/**
 * One pair of rounds: a fresh copy of each template, fed the same batches, batch by batch in
 * turn (ABBA: the side that goes first alternates), so both see the machine of the same moment.
 */
async function timePair(pair: number, templates: { with: string; without: string }, dir: string, batches: readonly EventEnvelope[][]): Promise<RollupCostRound[]> {
  const sides: Side[] = [true, false].map((rollups) => {
    const file = join(dir, `pair-${pair}-${rollups ? 'with' : 'without'}.db`);
    copyFileSync(rollups ? templates.with : templates.without, file);
    return { rollups, file, sink: createLocalSink(openEventStore(file, { kpiRollups: rollups })), events: 0, ms: 0, cpuMs: 0 };
  });
  try {
    for (const [i, batch] of batches.entries()) {
      for (const side of (i + pair) % 2 === 0 ? sides : [...sides].reverse()) {
        const { ms, cpuMs } = await timedDelivery(side.sink, batch);
        side.ms += ms;
        side.cpuMs += cpuMs;
        side.events += batch.length;
      }
      if (i % 10 === 9) await yieldToEventLoop();
    }
  } finally {
    for (const side of sides) {
      await side.sink.close();
      removeStoreFiles(side.file);
    }
  }
  return sides.map((side) => ({
    pair,
    rollups: side.rollups,
    events: side.events,
    seconds: side.ms / 1000,
    eventsPerSecond: side.events / (side.ms / 1000),
    cpuMicrosPerEvent: (side.cpuMs * 1000) / side.events,
  }));
}

/**
 * Delivers the same envelopes, in the local sink's batches of 1 000, into fresh copies of a
 * store with the KPI roll-ups and of one without (`kpiRollups: false`, the reference). The two
 * rounds of a pair alternate batch by batch rather than one after the other: on a shared
 * machine whose speed swings by ±30 % within seconds, only alternation that fine puts the same
 * noise on both sides. Only `deliver` is timed (record JSON, KPI facts, the insert and the
 * roll-ups, in one transaction per batch).
 */
export async function measureRollupCost(plan: KpiPlan, dir: string, lastDay: number, log: (line: string) => void): Promise<RollupCostResult> {
  const { templates, batches } = await prepare(plan, dir, lastDay);
  const eventsPerRound = batches.reduce((sum, b) => sum + b.length, 0);
  log(`  roll-up cost: ${plan.costPairs} pairs of rounds, ${eventsPerRound.toLocaleString('en-US')} events each into a store holding ${plan.costPrefillEvents.toLocaleString('en-US')}`);
  const rounds: RollupCostRound[] = [];
  for (let pair = 0; pair < plan.costPairs; pair += 1) {
    for (const round of await timePair(pair, templates, dir, batches)) {
      rounds.push(round);
      log(
        `    pair ${pair + 1} ${round.rollups ? 'with roll-ups   ' : 'without roll-ups'} ${Math.round(round.eventsPerSecond).toLocaleString('en-US').padStart(7)} events/s, ` +
          `${round.cpuMicrosPerEvent.toFixed(1)} µs CPU/event`,
      );
    }
  }
  removeStoreFiles(templates.with);
  removeStoreFiles(templates.without);
  const rate = (rollups: boolean): number | null => median(rounds.filter((r) => r.rollups === rollups).map((r) => r.eventsPerSecond));
  const cpu = (rollups: boolean): number | null => median(rounds.filter((r) => r.rollups === rollups).map((r) => r.cpuMicrosPerEvent));
  const [withCpu, withoutCpu] = [cpu(true), cpu(false)];
  const costs: number[] = [];
  for (let pair = 0; pair < plan.costPairs; pair += 1) {
    const withRound = rounds.find((r) => r.pair === pair && r.rollups);
    const withoutRound = rounds.find((r) => r.pair === pair && !r.rollups);
    if (withRound && withoutRound) costs.push(1 - withRound.eventsPerSecond / withoutRound.eventsPerSecond);
  }
  return {
    prefillEvents: plan.costPrefillEvents,
    eventsPerRound,
    batchEvents: batches[0]?.length ?? 0,
    rounds,
    withRollupsPerSecond: rate(true),
    withoutRollupsPerSecond: rate(false),
    cost: median(costs),
    withRollupsCpuMicros: withCpu,
    withoutRollupsCpuMicros: withoutCpu,
    cpuCost: withCpu !== null && withoutCpu !== null ? 1 - withoutCpu / withCpu : null,
  };
}
