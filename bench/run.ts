import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { killAllProcessesNow, startProcess, stopAllProcesses, type RunningProcess } from './child-processes';
import { runDeliveryPhase, type DeliveryResult } from './delivery-phase';
import { runLoadPhase, type LoadTarget } from './load-phase';
import { runLocalStorePhase, type LocalStoreResult } from './local-store-phase';
import { createPlan, estimateSeconds, type BenchPlan } from './plan';
import { evaluate, formatDelivery, formatLoadTable, formatLocalStore, formatVerdicts, summarizeCells } from './report';
import { buildShape, type ShapeId } from './request-shapes';
import { createRssSampler, type RssSampler } from './rss-sampler';
import { parseTargetList, TARGETS, type TargetContext, type TargetId } from './targets';

const repoRoot = resolve(__dirname, '..');
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

/** Runs the whole bench; resolves with the path of the results file. */
async function main(): Promise<string> {
  const quick = process.env['BENCH_QUICK'] === '1';
  const plan = createPlan(quick);
  const loadIds = parseTargetList(process.env['BENCH_TARGETS']);
  const withDelivery = process.env['BENCH_DELIVERY'] !== '0';
  const benchDir = __dirname;
  if (!existsSync(join(repoRoot, 'dist', 'main.js'))) throw new Error('dist/main.js is missing: run `npm run build` first (`npm run bench` does).');
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
  log(`plan: ${plan.connections} connections; ${plan.shapes.map((s) => `${s.shape} ${s.rounds}×${s.seconds}s`).join(', ')}; rounds alternate between targets; ~${estimateSeconds(plan, loadIds.length)} s estimated`);
  const tmp = mkdtempSync(join(tmpdir(), 'ma2pinpoint-bench-'));
  tmpDirs.push(tmp);
  const sampler = createRssSampler();
  try {
    const standIn = await startProcess({ name: 'pinpoint-stand-in', script: join(benchDir, 'pinpoint-stand-in.js'), env: {} });
    if (!standIn.ok) throw new Error(`the Pinpoint stand-in did not start: ${standIn.reason}`);
    const context = { repoRoot, benchDir, standInUrl: standIn.process.url };
    log('starting load targets:');
    const targets = await startTargets(loadIds, context, tmp, sampler);
    log('load rounds:');
    const cells = await runLoadPhase({ plan, targets, sampler, helperPids: [standIn.process.pid], now, log });
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
    let deliveryResult: DeliveryResult | undefined;
    if (withDelivery) {
      log('delivery (durable + Pinpoint stand-in):');
      deliveryResult = await delivery(plan, context, tmp, sampler, now);
    }
    const summaries = summarizeCells(cells);
    const verdicts = evaluate(summaries, deliveryResult);
    const descriptions = new Map(cells.map((c) => [c.shape, `${c.shapeDescription}, body ${(c.bodyBytes / 1024).toFixed(1)} KB`]));
    log('');
    log(`Load: ${plan.connections} connections, median of the rounds (ratios: median of per-round ratios to the same round's reference)`);
    log(formatLoadTable(summaries, (shape: ShapeId) => descriptions.get(shape) ?? shape));
    log('');
    if (localStore) {
      log(formatLocalStore(localStore));
      log('');
    }
    log(formatDelivery(deliveryResult));
    log('');
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
      node: process.version,
      cpus: availableParallelism(),
      cpuModel: cpus()[0]?.model ?? null,
      plan,
      targets: targetPeaks,
      load: summaries.map((s) => ({ ...s, roundResults: cells.find((c) => c.target === s.target && c.shape === s.shape)?.rounds ?? [] })),
      localStore: localStore ?? null,
      delivery: deliveryResult ?? null,
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
