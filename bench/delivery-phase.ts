import type { RunningProcess } from './child-processes';
import { drive } from './load-phase';
import { CONTROL_PREFIX, PROBE_APP_ID, type StandInConfig, type StandInStats } from './pinpoint-stand-in';
import type { BenchPlan } from './plan';
import type { BenchRequest, RequestShape } from './request-shapes';
import type { RssSampler } from './rss-sampler';

/** How well the forwarder packs events into PutEvents calls. */
export interface CoalescingResult {
  acceptedRequests: number;
  refusedRequests: number;
  acceptedEvents: number;
  deliveredEvents: number;
  calls: number;
  callsPer1000Events: number | null;
  maxEventsPerCall: number;
  drainSeconds: number;
  /** False when the stand-in had not received every accepted event by the drain timeout. */
  drained: boolean;
}

/** Delivery under the 15 calls/s quota, over the steady part of the load. */
export interface QuotaResult {
  offeredEventsPerSecond: number;
  acceptedEvents: number;
  refusedRequests: number;
  windowSeconds: number;
  deliveredEventsPerSecond: number;
  callsPerSecond: number;
  ceilingEventsPerSecond: number;
  shareOfCeiling: number;
  throttledCalls: number;
  p99Ms: number;
}

/** The durable + Pinpoint measurements, or why they could not be taken. */
export interface DeliveryResult {
  unavailable?: string;
  coalescing?: CoalescingResult;
  quota?: QuotaResult;
  peakRssBytes: number | null;
}

async function standIn<T>(url: string, action: 'stats' | 'reset' | 'config', body?: Partial<StandInConfig>): Promise<T> {
  const response = await fetch(`${url}${CONTROL_PREFIX}${action}`, {
    method: action === 'stats' ? 'GET' : 'POST',
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return (await response.json()) as T;
}

const stats = (url: string): Promise<StandInStats> => standIn<StandInStats>(url, 'stats');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One event of an aws-sdk-js request, re-addressed to the application the stand-in always refuses. */
function probeRequest(request: BenchRequest): BenchRequest {
  const context = JSON.parse(request.headers['x-amz-Client-Context'] ?? '{}') as { services: { mobile_analytics: { app_id: string } } };
  context.services.mobile_analytics.app_id = PROBE_APP_ID;
  const body = JSON.parse(request.body.toString('utf8')) as { events: unknown[] };
  return {
    ...request,
    headers: { ...request.headers, 'x-amz-Client-Context': JSON.stringify(context) },
    body: Buffer.from(JSON.stringify({ events: body.events.slice(0, 1) })),
  };
}

/**
 * Tells durable mode from upstream mode by behaviour, not by configuration: when the
 * destination refuses the call, a durable proxy still answers 202 (it has spooled the event),
 * an upstream proxy answers the refusal. Until durable mode lands, `ACK_MODE=durable` is
 * accepted but not honoured, and the coalescing numbers would be upstream's.
 */
async function probeDurable(proxy: RunningProcess, shape: RequestShape): Promise<string | undefined> {
  const first = shape.requests[0];
  if (!first) throw new Error('the probe shape has no requests');
  const request = probeRequest(first);
  const response = await fetch(`${proxy.url}${request.path}`, { method: 'POST', headers: request.headers, body: request.body });
  await response.arrayBuffer();
  if (response.status === 202) return undefined;
  return `ACK_MODE=durable is not in effect: answered ${response.status} while the destination refused the call (upstream behaviour)`;
}

async function measureCoalescing(proxy: RunningProcess, standInUrl: string, plan: BenchPlan, shape: RequestShape): Promise<CoalescingResult> {
  await standIn(standInUrl, 'reset');
  const load = await drive(proxy.url, shape, { connections: plan.connections, amount: plan.coalescing.requests, unique: true });
  const acceptedEvents = load['2xx'] * shape.eventsPerRequest;
  const started = performance.now();
  const deadline = started + plan.coalescing.drainTimeoutSeconds * 1000;
  let seen = await stats(standInUrl);
  let lastProgress = performance.now();
  while (seen.events < acceptedEvents && performance.now() < deadline && performance.now() - lastProgress < 10_000) {
    await sleep(250);
    const next = await stats(standInUrl);
    if (next.events > seen.events) lastProgress = performance.now();
    seen = next;
  }
  return {
    acceptedRequests: load['2xx'],
    refusedRequests: load.non2xx + load.errors,
    acceptedEvents,
    deliveredEvents: seen.events,
    calls: seen.calls,
    callsPer1000Events: seen.events > 0 ? (seen.calls / seen.events) * 1000 : null,
    maxEventsPerCall: seen.maxEventsPerCall,
    drainSeconds: (performance.now() - started) / 1000,
    drained: seen.events >= acceptedEvents,
  };
}

async function measureQuota(proxy: RunningProcess, standInUrl: string, plan: BenchPlan, shape: RequestShape): Promise<QuotaResult> {
  const { seconds, steadyFromSeconds, requestsPerSecond, callsPerSecond, ceilingEventsPerSecond } = plan.quota;
  await standIn(standInUrl, 'reset');
  await standIn(standInUrl, 'config', { quotaPerSecond: callsPerSecond });
  const samples: Array<{ at: number; events: number; throttled: number }> = [];
  const started = performance.now();
  let loading = true;
  // A named function, not an IIFE: TypeScript reads an IIFE's body inline and narrows `loading` to `true` there.
  const sample = async (): Promise<void> => {
    while (loading) {
      const s = await stats(standInUrl);
      samples.push({ at: (performance.now() - started) / 1000, events: s.events, throttled: s.throttled });
      await sleep(500);
    }
  };
  const sampling = sample();
  try {
    const load = await drive(proxy.url, shape, { connections: plan.connections, seconds, overallRate: requestsPerSecond, unique: true });
    loading = false;
    await sampling;
    const window = samples.filter((s) => s.at >= steadyFromSeconds && s.at <= seconds);
    const first = window[0];
    const last = window[window.length - 1];
    const windowSeconds = first && last ? last.at - first.at : 0;
    const deliveredEventsPerSecond = first && last && windowSeconds > 0 ? (last.events - first.events) / windowSeconds : 0;
    return {
      offeredEventsPerSecond: requestsPerSecond * shape.eventsPerRequest,
      acceptedEvents: load['2xx'] * shape.eventsPerRequest,
      refusedRequests: load.non2xx + load.errors,
      windowSeconds,
      deliveredEventsPerSecond,
      callsPerSecond,
      ceilingEventsPerSecond,
      shareOfCeiling: deliveredEventsPerSecond / ceilingEventsPerSecond,
      throttledCalls: samples[samples.length - 1]?.throttled ?? 0,
      p99Ms: load.latency.p99,
    };
  } finally {
    loading = false;
    await sampling;
    await standIn(standInUrl, 'config', { quotaPerSecond: null });
  }
}

/**
 * The durable + Pinpoint measurements on a fresh proxy: a behavioural probe that durable mode
 * is really on, then PutEvents calls per 1 000 events after a burst and a drain, then sustained
 * delivered events/s with the stand-in enforcing the quota.
 */
export async function runDeliveryPhase(options: {
  plan: BenchPlan;
  proxy: RunningProcess;
  standInUrl: string;
  shape: RequestShape;
  sampler: RssSampler;
  log: (line: string) => void;
}): Promise<DeliveryResult> {
  const { plan, proxy, standInUrl, shape, sampler, log } = options;
  const unavailable = await probeDurable(proxy, shape);
  if (unavailable !== undefined) return { unavailable, peakRssBytes: sampler.overallPeak(proxy.pid) };
  log(`  coalescing: ${plan.coalescing.requests} requests × ${shape.eventsPerRequest} events, then drain`);
  const coalescing = await measureCoalescing(proxy, standInUrl, plan, shape);
  log(`  quota: ${plan.quota.seconds} s at ${plan.quota.requestsPerSecond} req/s, stand-in allows ${plan.quota.callsPerSecond} calls/s`);
  const quota = await measureQuota(proxy, standInUrl, plan, shape);
  const crashed = proxy.exitReason();
  return { coalescing, quota, peakRssBytes: sampler.overallPeak(proxy.pid), ...(crashed ? { unavailable: `crashed: ${crashed}` } : {}) };
}
