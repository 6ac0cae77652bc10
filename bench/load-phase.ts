import autocannon from 'autocannon';
import type { RunningProcess } from './child-processes';
import { waitForIdle } from './cpu-idle';
import type { BenchPlan } from './plan';
import { buildShape, UNIQUE_TAG, type BenchRequest, type RequestShape, type ShapeId } from './request-shapes';
import type { RssSampler } from './rss-sampler';
import { spoolBacklog } from './spool-backlog';
import type { TargetId } from './targets';

/** One timed round of one shape against one target. */
export interface RoundResult {
  round: number;
  seconds: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** 2xx answers per second: refused requests do not count as throughput. */
  requestsPerSecond: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  peakRssBytes: number | null;
  /**
   * Durable targets: events taken out of the spool (delivered) per second during the round, i.e.
   * accepted events minus the growth of the spool's backlog. Below `eventsPerSecond` means
   * delivery fell behind and the spool absorbed the difference.
   */
  deliveredEventsPerSecond: number | null;
}

/** A target × shape cell of the table. */
export interface LoadCell {
  target: TargetId;
  shape: ShapeId;
  shapeDescription: string;
  eventsPerRequest: number;
  bodyBytes: number;
  rounds: RoundResult[];
  /** Set when the target could not start or died; the cell then has no rounds (or fewer). */
  unavailable?: string;
}

/** A load target and its process, or why it has none. */
export interface LoadTarget {
  id: TargetId;
  process?: RunningProcess;
  unavailable?: string;
  /** The target's spool file, when it runs in durable mode. */
  spoolFile?: string;
}

let sent = 0;

/** The request with `UNIQUE_TAG` replaced by a new id each time autocannon sends it. */
function withFreshIds(request: BenchRequest): autocannon.Request {
  const template = request.body.toString('utf8');
  return {
    ...request,
    setupRequest: (req) => ({ ...req, body: template.replaceAll(UNIQUE_TAG, `r${(sent++).toString(36)}`) }),
  };
}

/** Called with each answer: the index of the request in the shape (its device), the status and the body. */
export type AnswerHook = (device: number, status: number, body: string) => void;

/**
 * Drives `url` with the shape's requests (cycled) on `connections` keep-alive connections.
 * `unique` gives every request fresh event content (autocannon's id replacement), for phases
 * that count delivered events: the proxy's event ids are deterministic, so a resent body is the
 * same events again. `onAnswer` sees every answer, for phases that count what was acknowledged.
 */
export function drive(
  url: string,
  shape: RequestShape<string>,
  options: { connections: number; seconds?: number; amount?: number; overallRate?: number; unique?: boolean; onAnswer?: AnswerHook },
): Promise<autocannon.AutocannonResult> {
  const { onAnswer } = options;
  const prepared: autocannon.Request[] = options.unique ? shape.requests.map(withFreshIds) : shape.requests;
  const requests = onAnswer
    ? prepared.map((request, device) => ({
        ...request,
        onResponse: (status: number, body: string) => {
          onAnswer(device, status, body);
        },
      }))
    : prepared;
  return autocannon({
    url,
    connections: options.connections,
    timeout: 10,
    requests,
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.seconds ?? 1 }),
    ...(options.overallRate !== undefined ? { overallRate: options.overallRate } : {}),
  });
}

/** One round's figures from autocannon's result; `backlogGrowth` (durable targets) gives delivered/s. */
export function toRound(
  round: number,
  shape: RequestShape<string>,
  result: autocannon.AutocannonResult,
  peakRssBytes: number | null,
  backlogGrowth: number | null,
): RoundResult {
  const seconds = result.duration > 0 ? result.duration : 1;
  const ok = result['2xx'];
  return {
    round,
    seconds,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    requestsPerSecond: ok / seconds,
    eventsPerSecond: (ok * shape.eventsPerRequest) / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    peakRssBytes,
    deliveredEventsPerSecond: backlogGrowth === null ? null : (ok * shape.eventsPerRequest - backlogGrowth) / seconds,
  };
}

function checkAlive(target: LoadTarget): boolean {
  const reason = target.process?.exitReason();
  if (reason !== undefined && target.unavailable === undefined) target.unavailable = `crashed: ${reason}`;
  return target.process !== undefined && target.unavailable === undefined;
}

/**
 * Runs every shape against every live target, rounds ALTERNATING between targets (A B C D A B C
 * D …) so the machine's drift hits all of them alike. Each target gets a short unrecorded
 * warm-up per shape (JIT, first allocations), and every round starts with the machine idle.
 */
export async function runLoadPhase(options: {
  plan: BenchPlan;
  targets: LoadTarget[];
  sampler: RssSampler;
  /** Helper processes (the Pinpoint stand-in) that must also be idle before a round starts. */
  helperPids: readonly number[];
  now: number;
  log: (line: string) => void;
}): Promise<LoadCell[]> {
  const { plan, targets, sampler, helperPids, now, log } = options;
  const settle = (running: RunningProcess): Promise<void> => waitForIdle([running.pid, ...helperPids], plan.settleMaxSeconds * 1000);
  const cells: LoadCell[] = [];
  for (const shapePlan of plan.shapes) {
    const shape = buildShape(shapePlan.shape, shapePlan.devices, now);
    const row = new Map<TargetId, LoadCell>();
    for (const target of targets) {
      const cell: LoadCell = {
        target: target.id,
        shape: shape.id,
        shapeDescription: shape.description,
        eventsPerRequest: shape.eventsPerRequest,
        bodyBytes: shape.bodyBytes,
        rounds: [],
      };
      row.set(target.id, cell);
      cells.push(cell);
      if (!checkAlive(target)) continue;
      const running = target.process as RunningProcess;
      await drive(running.url, shape, { connections: plan.connections, seconds: plan.warmupSeconds });
      await settle(running);
    }
    for (let round = 1; round <= shapePlan.rounds; round += 1) {
      for (const target of targets) {
        if (!checkAlive(target)) continue;
        const running = target.process as RunningProcess;
        sampler.resetWindow(running.pid);
        const backlogBefore = target.spoolFile ? spoolBacklog(target.spoolFile) : null;
        const result = await drive(running.url, shape, { connections: plan.connections, seconds: shapePlan.seconds });
        const backlogAfter = target.spoolFile ? spoolBacklog(target.spoolFile) : null;
        const growth = backlogBefore === null || backlogAfter === null ? null : backlogAfter - backlogBefore;
        const entry = toRound(round, shape, result, sampler.windowPeak(running.pid), growth);
        await settle(running);
        checkAlive(target);
        (row.get(target.id) as LoadCell).rounds.push(entry);
        log(
          `  ${shape.id.padEnd(13)} round ${round}/${shapePlan.rounds} ${target.id.padEnd(18)} ` +
            `${Math.round(entry.requestsPerSecond)} req/s, p99 ${entry.p99Ms} ms` +
            (entry.non2xx + entry.errors > 0 ? `, ${entry.non2xx} non-2xx, ${entry.errors} errors` : ''),
        );
      }
    }
    for (const target of targets) {
      const cell = row.get(target.id) as LoadCell;
      if (target.unavailable !== undefined) cell.unavailable = target.unavailable;
    }
  }
  return cells;
}
