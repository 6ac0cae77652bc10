import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { killAllProcessesNow, startProcess, stopAllProcesses, type RunningProcess } from './child-processes';
import { runDeliveryPhase, type DeliveryResult } from './delivery-phase';
import { runKpiPhase, type KpiPhaseResult } from './kpi-phase';
import { runLoadPhase, type LoadCell, type LoadTarget } from './load-phase';
import { runLocalStorePhase, type LocalStoreResult } from './local-store-phase';
import { runPinpointPhase, type PinpointPhaseResult, type StartService } from './pinpoint-phase';
import { createPlan, estimateSeconds, parseKpiEvents, parsePhases, type BenchPlan } from './plan';
import { evaluate, formatDelivery, formatKpis, formatLoadTable, formatLocalStore, formatPinpoint, formatVerdicts, summarizeCells, summarizePinpoint } from './report';
import { buildShape, type ShapeId } from './request-shapes';
import { createRssSampler, type RssSampler } from './rss-sampler';
import { parseTargetList, TARGETS, type TargetContext, type TargetId } from './targets';

/** The compiled bench runs from `dist-bench/bench/` (it compiles the `src/` modules it drives beside it). */
const repoRoot = resolve(__dirname, '..', '..');
const log = (line: string): void => {
  console.log(line);
};
/** Temporary data dirs to remove however the run ends. */
const tmpDirs: string[] = [];

function removeTmpDirs(): void {
  for (const dir of tmpDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

async function startTargets(ids: readonly TargetId[], context: Omit<TargetContext, 'dataDir'>, tmp: string, sampler: RssSampler): Promise<LoadTarget[]> {
  const targets: LoadTarget[] = [];
  for (const id of ids) {
    const dataDir = join(tmp, id);
    mkdirSync(dataDir, { recursive: true });
    const started = await startProcess(TARGETS[id].spec({ ...context, dataDir }));
    if (started.ok) {
      sampler.watch(started.process.pid);
      const spoolFile = join(dataDir, 'spool.db');
      targets.push({ id, process: started.process, ...(existsSync(spoolFile) ? { spoolFile } : {}) });
      log(`  ${TARGETS[id].label.padEnd(30)} pid ${started.process.pid} on ${started.process.url}`);
    } else {
      targets.push({ id, unavailable: started.reason });
      log(`  ${TARGETS[id].label.padEnd(30)} unavailable: ${started.reason}`);
    }
  }
  return targets;
}

/** A load target's peak RSS over the whole run, for the results file. */
interface TargetPeak {
  id: TargetId;
  label: string;
  status: string;
  reason?: string;
  peakRssBytes: number | null;
}

/** The load table's rounds, then the local store phase on durable/local; stops the targets. */
async function load(
  plan: BenchPlan,
  loadIds: readonly TargetId[],
  context: Omit<TargetContext, 'dataDir'>,
  tmp: string,
  sampler: RssSampler,
  standInPid: number,
  now: number,
): Promise<{ cells: LoadCell[]; localStore: LocalStoreResult | { unavailable: string } | undefined; targetPeaks: TargetPeak[] }> {
  log('starting load targets:');
  const targets = await startTargets(loadIds, context, tmp, sampler);
  log('load rounds:');
  const cells = await runLoadPhase({ plan, targets, sampler, helperPids: [standInPid], now, log });
  const local = targets.find((t) => t.id === 'durable-local' && t.process && t.spoolFile && t.unavailable === undefined);
  let localStore: LocalStoreResult | { unavailable: string } | undefined;
  if (local?.process && local.spoolFile) {
    log('local store (durable/local, fresh events):');
    localStore = await runLocalStorePhase({ plan, proxy: local.process, spoolFile: local.spoolFile, shape: buildShape('js-10', 300, now) });
  }
  const targetPeaks = targets.map((t) => ({
    id: t.id,
    label: TARGETS[t.id].label,
    status: t.unavailable === undefined ? 'ran' : 'unavailable',
    ...(t.unavailable !== undefined ? { reason: t.unavailable } : {}),
    peakRssBytes: t.process ? sampler.overallPeak(t.process.pid) : null,
  }));
  await Promise.all(targets.flatMap((t) => (t.process ? [t.process.stop()] : [])));
  return { cells, localStore, targetPeaks };
}

async function delivery(plan: BenchPlan, context: Omit<TargetContext, 'dataDir'>, tmp: string, sampler: RssSampler, now: number): Promise<DeliveryResult> {
  const dataDir = join(tmp, 'durable-pinpoint-delivery');
  mkdirSync(dataDir, { recursive: true });
  const started = await startProcess(TARGETS['durable-pinpoint'].spec({ ...context, dataDir }));
  if (!started.ok) {
    log(`  ${TARGETS['durable-pinpoint'].label} unavailable: ${started.reason}`);
    return { unavailable: started.reason, peakRssBytes: null };
  }
  const proxy: RunningProcess = started.process;
  sampler.watch(proxy.pid);
  try {
    const result = await runDeliveryPhase({ plan, proxy, standInUrl: context.standInUrl, shape: buildShape('js-10', 300, now), sampler, log });
    if (result.unavailable !== undefined) log(`  ${TARGETS['durable-pinpoint'].label}: ${result.unavailable}`);
    return result;
  } finally {
    await proxy.stop();
  }
}

/** The Pinpoint-native phase, on fresh durable/local services of its own. */
function pinpoint(plan: BenchPlan, context: Omit<TargetContext, 'dataDir'>, tmp: string, sampler: RssSampler, now: number): Promise<PinpointPhaseResult> {
  const startService: StartService = async (name) => {
    const dataDir = join(tmp, name);
    mkdirSync(dataDir, { recursive: true });
    const started = await startProcess({ ...TARGETS['durable-local'].spec({ ...context, dataDir }), name });
    if (!started.ok) {
      log(`  ${name} unavailable: ${started.reason}`);
      return { unavailable: started.reason };
    }
    sampler.watch(started.process.pid);
    return { process: started.process, dataDir };
  };
  return runPinpointPhase({ plan, startService, sampler, now, log });
}

/** Runs the whole bench; resolves with the path of the results file. */
async function main(): Promise<string> {
  const quick = process.env['BENCH_QUICK'] === '1';
  const plan = createPlan(quick, parseKpiEvents(process.env['BENCH_KPI_EVENTS']));
  const phases = parsePhases(process.env['BENCH_PHASES'], process.env['BENCH_DELIVERY']);
  const withLoad = phases.includes('load');
  const withDelivery = phases.includes('delivery');
  const withPinpoint = phases.includes('pinpoint');
  const loadIds = withLoad ? parseTargetList(process.env['BENCH_TARGETS']) : [];
  const benchDir = __dirname;
  if ((withLoad || withDelivery || withPinpoint) && !existsSync(join(repoRoot, 'dist', 'main.js'))) {
    throw new Error('dist/main.js is missing: run `npm run build` first (`npm run bench` does).');
  }
  const startedAt = new Date();
  const now = startedAt.getTime();
  const deadline = setTimeout(() => {
    console.error(`bench: deadline of ${plan.deadlineSeconds} s exceeded, stopping`);
    void stopAllProcesses().then(() => {
      removeTmpDirs();
      process.exit(2);
    });
  }, plan.deadlineSeconds * 1000);
  deadline.unref();

  log(`ma2pinpoint bench${quick ? ' (BENCH_QUICK=1 smoke run)' : ''}: node ${process.version}, ${availableParallelism()} CPU (${cpus()[0]?.model ?? 'unknown'})`);
  const kpiPlan = `KPIs over ${plan.kpi.events.toLocaleString('en-US')} events`;
  const loadPlan = `${plan.connections} connections; ${plan.shapes.map((s) => `${s.shape} ${s.rounds}×${s.seconds}s`).join(', ')}; rounds alternate between targets`;
  const pinpointPlan = `Pinpoint ${plan.pinpoint.rounds} paired rounds × ${plan.pinpoint.seconds}s per sender`;
  log(
    `plan: phases ${phases.join(', ')}; ${withLoad ? `${loadPlan}; ` : ''}${withPinpoint ? `${pinpointPlan}; ` : ''}${phases.includes('kpi') ? `${kpiPlan}; ` : ''}` +
      `~${estimateSeconds(plan, loadIds.length, phases)} s estimated`,
  );
  const tmp = mkdtempSync(join(tmpdir(), 'ma2pinpoint-bench-'));
  tmpDirs.push(tmp);
  const sampler = createRssSampler();
  try {
    let cells: LoadCell[] = [];
    let localStore: LocalStoreResult | { unavailable: string } | undefined;
    let targetPeaks: TargetPeak[] = [];
    let deliveryResult: DeliveryResult | undefined;
    let pinpointResult: PinpointPhaseResult | undefined;
    if (withLoad || withDelivery || withPinpoint) {
      const standIn = await startProcess({ name: 'pinpoint-stand-in', script: join(benchDir, 'pinpoint-stand-in.js'), env: {} });
      if (!standIn.ok) throw new Error(`the Pinpoint stand-in did not start: ${standIn.reason}`);
      const context = { repoRoot, benchDir, standInUrl: standIn.process.url };
      if (withLoad) ({ cells, localStore, targetPeaks } = await load(plan, loadIds, context, tmp, sampler, standIn.process.pid, now));
      if (withDelivery) {
        log('delivery (durable + Pinpoint stand-in):');
        deliveryResult = await delivery(plan, context, tmp, sampler, now);
      }
      if (withPinpoint) {
        log('Pinpoint-native ingest (durable/local, PutEvents against the legacy route, UpdateEndpoint):');
        pinpointResult = await pinpoint(plan, context, tmp, sampler, now);
      }
      await standIn.process.stop();
    }
    // Last, once every child process has stopped: it measures the local store in this process.
    let kpis: KpiPhaseResult | undefined;
    if (phases.includes('kpi')) {
      log('KPIs (local store roll-ups, in this process):');
      kpis = await runKpiPhase({ plan: plan.kpi, tmp, now, log });
      log(`  KPI phase: ${kpis.seconds.toFixed(0)} s`);
    }
    const summaries = summarizeCells(cells);
    const verdicts = evaluate(summaries, deliveryResult, kpis, pinpointResult);
    const descriptions = new Map(cells.map((c) => [c.shape, `${c.shapeDescription}, body ${(c.bodyBytes / 1024).toFixed(1)} KB`]));
    log('');
    if (withLoad) {
      log(`Load: ${plan.connections} connections, median of the rounds (ratios: median of per-round ratios to the same round's reference)`);
      log(formatLoadTable(summaries, (shape: ShapeId) => descriptions.get(shape) ?? shape));
      log('');
    }
    if (localStore) {
      log(formatLocalStore(localStore));
      log('');
    }
    if (withLoad || withDelivery) {
      log(formatDelivery(deliveryResult));
      log('');
    }
    if (pinpointResult) {
      log(formatPinpoint(pinpointResult, { connections: plan.connections, rounds: plan.pinpoint.rounds, seconds: plan.pinpoint.seconds }));
      log('');
    }
    if (kpis) {
      log(formatKpis(kpis));
      log('');
    }
    log('PASS/FAIL');
    log(formatVerdicts(verdicts));

    const finishedAt = new Date();
    const resultsDir = join(repoRoot, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, `${startedAt.toISOString().replace(/:/g, '-')}.json`);
    const results = {
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      seconds: (finishedAt.getTime() - now) / 1000,
      quick,
      phases,
      node: process.version,
      cpus: availableParallelism(),
      cpuModel: cpus()[0]?.model ?? null,
      plan,
      targets: targetPeaks,
      load: summaries.map((s) => ({ ...s, roundResults: cells.find((c) => c.target === s.target && c.shape === s.shape)?.rounds ?? [] })),
      localStore: localStore ?? null,
      delivery: deliveryResult ?? null,
      pinpoint: pinpointResult ? { ...pinpointResult, summary: summarizePinpoint(pinpointResult) } : null,
      kpis: kpis ?? null,
      verdicts,
    };
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    log('');
    log(`results: ${relative(process.cwd(), file)} (${results.seconds.toFixed(0)} s)`);
    clearTimeout(deadline);
    return file;
  } finally {
    sampler.stop();
    await stopAllProcesses();
    removeTmpDirs();
  }
}

process.on('exit', killAllProcessesNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`bench: ${signal}, stopping children`);
    void stopAllProcesses().then(() => {
      removeTmpDirs();
      process.exit(130);
    });
  });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('bench crashed:', err);
    void stopAllProcesses().then(() => {
      removeTmpDirs();
      process.exit(1);
    });
  },
);
