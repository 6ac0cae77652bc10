import type { RunningProcess } from './child-processes';
import { waitForIdle } from './cpu-idle';
import { drive } from './load-phase';
import type { BenchPlan } from './plan';
import type { RequestShape } from './request-shapes';
import { spoolBacklog } from './spool-backlog';

/** How fast the embedded local store takes new events, under load and alone. */
export interface LocalStoreResult {
  loadSeconds: number;
  acceptedEvents: number;
  acceptedEventsPerSecond: number;
  /** Events taken out of the spool per second while the load ran. */
  deliveredDuringLoadPerSecond: number;
  backlogAtEnd: number;
  /** Time to empty the spool once the load stopped, and the rate that makes. */
  drainSeconds: number;
  drainEventsPerSecond: number;
  drained: boolean;
}

/**
 * The load table cycles a few hundred bodies, so the local store mostly sees event ids it already
 * has. Real devices send new events: this phase drives durable/local with fresh event content
 * (autocannon's id replacement), then times how long delivery takes to empty the spool. The
 * result is the sustained rate of the local sink, which the spool's burst absorption hides.
 */
export async function runLocalStorePhase(options: {
  plan: BenchPlan;
  proxy: RunningProcess;
  spoolFile: string;
  shape: RequestShape;
}): Promise<LocalStoreResult | { unavailable: string }> {
  const { plan, proxy, spoolFile, shape } = options;
  await waitForIdle([proxy.pid], plan.settleMaxSeconds * 1000);
  const before = spoolBacklog(spoolFile);
  if (before === null) return { unavailable: `cannot read ${spoolFile}` };
  const result = await drive(proxy.url, shape, { connections: plan.connections, seconds: plan.localStore.seconds, unique: true });
  const loadSeconds = result.duration > 0 ? result.duration : plan.localStore.seconds;
  const acceptedEvents = result['2xx'] * shape.eventsPerRequest;
  const backlogAtEnd = spoolBacklog(spoolFile) ?? 0;
  const started = performance.now();
  const deadline = started + plan.localStore.drainTimeoutSeconds * 1000;
  let backlog = backlogAtEnd;
  while (backlog > before && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    backlog = spoolBacklog(spoolFile) ?? backlog;
  }
  const drainSeconds = (performance.now() - started) / 1000;
  return {
    loadSeconds,
    acceptedEvents,
    acceptedEventsPerSecond: acceptedEvents / loadSeconds,
    deliveredDuringLoadPerSecond: (acceptedEvents - (backlogAtEnd - before)) / loadSeconds,
    backlogAtEnd,
    drainSeconds,
    drainEventsPerSecond: (backlogAtEnd - backlog) / Math.max(drainSeconds, 0.001),
    drained: backlog <= before,
  };
}
