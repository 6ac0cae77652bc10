import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { dayOf } from '../src/kpis/days';
import { measureKpisAtVolume, type KpiVolumeResult } from './kpi-volume';
import { measureRollupCost, type RollupCostResult } from './kpi-rollup-cost';
import type { KpiPlan } from './plan';

/** The KPI phase's figures: what the roll-ups cost the local sink, and the KPIs over a large store. */
export interface KpiPhaseResult {
  /** Wall time of the whole phase. */
  seconds: number;
  /** Peak RSS of the bench process so far (the phase's own when it runs alone), MB. */
  peakRssMb: number;
  rollupCost: RollupCostResult;
  volume: KpiVolumeResult;
}

/**
 * The KPI phase (issue 11, "Fast at volume"), in the bench process itself: the local store is a
 * library of the delivery side, so it is driven directly, with no HTTP or spool in front of it
 * (the dashboard's load goes through the admin HTTP app). Runs after the other phases, on a quiet
 * machine. Store files live under `tmp` (the bench's temporary dir) and are deleted as soon as
 * they are measured.
 */
export async function runKpiPhase(options: { plan: KpiPlan; tmp: string; now: number; log: (line: string) => void }): Promise<KpiPhaseResult> {
  const { plan, now, log } = options;
  const started = performance.now();
  const dir = join(options.tmp, 'kpi');
  mkdirSync(dir, { recursive: true });
  // The traffic's last day is today, so "the last 90 days" is the range the dashboard would ask for.
  const lastDay = dayOf(now);
  const rollupCost = await measureRollupCost(plan, dir, lastDay, log);
  const volume = await measureKpisAtVolume(plan, dir, lastDay, log);
  return { seconds: (performance.now() - started) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024, rollupCost, volume };
}
