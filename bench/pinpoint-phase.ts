import { join } from 'node:path';
import type { EventsResponse } from '@aws-sdk/client-pinpoint';
import Database from 'better-sqlite3';
import { endpointStorePath } from '../src/endpoint-profiles/sqlite-endpoint-profile-store';
import { eventStorePath } from '../src/local-store/event-store';
import { pinpointEventId } from '../src/mapping/event-id';
import type { RunningProcess } from './child-processes';
import { waitForIdle } from './cpu-idle';
import { drive, toRound, type AnswerHook, type RoundResult } from './load-phase';
import { buildPinpointTraffic, PINPOINT_SHAPE_IDS, type PinpointShapeId, type PinpointTraffic } from './pinpoint-shapes';
import type { BenchPlan } from './plan';
import { buildShape, meanBytes, type BenchRequest, type RequestShape } from './request-shapes';
import type { RssSampler } from './rss-sampler';
import { spoolBacklog } from './spool-backlog';

/** A durable/local service started for the phase, with its DATA_DIR. */
export interface PhaseService {
  process: RunningProcess;
  dataDir: string;
}

/** Starts a fresh durable/local service (watched by the sampler), or says why it could not. */
export type StartService = (name: string) => Promise<PhaseService | { unavailable: string }>;

/** One route's rounds of one shape, on a service that took only that route's calls. */
export interface RouteRounds {
  shape: string;
  description: string;
  eventsPerRequest: number;
  bodyBytes: number;
  rounds: RoundResult[];
  /** The service's peak RSS over the sender's part of the phase. */
  peakRssBytes: number | null;
}

/** UpdateEndpoint under load: every call is an fsync of `endpoints.db` before its 202. */
export interface UpdateEndpointResult {
  connections: number;
  seconds: number;
  bodyBytes: number;
  calls: number;
  callsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

/** What the sender's project holds at the end, against what the service acknowledged. */
export interface StoreCheck {
  applicationId: string;
  /** Distinct events answered "Accepted", in the timed rounds and in the fresh calls. */
  acknowledgedEvents: number;
  /** Of those, the ones with fresh ids (the timed rounds resend the same bodies, so their events are the same events again). */
  freshEvents: number;
  /** Events answered with anything but "Accepted" (none is expected: every event sent passes Pinpoint's checks). */
  refusedEvents: number;
  /** Acknowledged events whose id is not in `events.db`. */
  missingEvents: number;
  /** Rows of the project in `events.db`: at least the acknowledged ones (a call cut off when a round ends may be stored unanswered). */
  storedEvents: number;
  /** Devices whose first UpdateEndpoint was answered 202, and the project's rows in `endpoints.db`. */
  updatedEndpoints: number;
  storedEndpoints: number;
  /** Fresh PutEvents calls not answered 2xx. */
  freshFailures: number;
}

/** One Pinpoint sender measured against the legacy shape with as many events per call. */
export interface SenderResult {
  shape: PinpointShapeId;
  unavailable?: string;
  pinpoint: RouteRounds;
  legacy: RouteRounds;
  /** Each device's first UpdateEndpoint (before its events, as the SDKs do) not answered 202. */
  registrationFailures: number;
  updateEndpoint: UpdateEndpointResult | null;
  store: StoreCheck | null;
  /** Waits for empty spools that ran out of time (the next round then shared the cores with delivery). */
  undrainedWaits: number;
}

/** The phase's measurements. */
export interface PinpointPhaseResult {
  seconds: number;
  senders: SenderResult[];
}

/** Devices per sender: as many as the legacy shape it is paired with has in the load table. */
const DEVICES: Readonly<Record<PinpointShapeId, number>> = { 'pinpoint-manager-100': 100, 'amplify-js-3': 300 };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The distinct events PutEvents answers acknowledged, by the id the store gives them, and the count answered otherwise. */
interface Acknowledgements {
  accepted: Set<string>;
  refused: number;
}

/** Reads one `EventsResponse` into `into`: an "Accepted" event by `pinpointEventId` of the project, the endpoint and the caller's key. */
function recordAnswer(into: Acknowledgements, applicationId: string, body: string): void {
  const response = JSON.parse(body) as EventsResponse;
  for (const [endpointId, item] of Object.entries(response.Results ?? {})) {
    for (const [key, entry] of Object.entries(item.EventsItemResponse ?? {})) {
      if (entry.Message === 'Accepted') into.accepted.add(pinpointEventId(applicationId, endpointId, key));
      else into.refused += 1;
    }
  }
}

/** Sends each request once, `concurrency` at a time; resolves with how many were not answered 202. */
async function sendEach(url: string, requests: readonly BenchRequest[], concurrency: number): Promise<number> {
  let next = 0;
  let failures = 0;
  const worker = async (): Promise<void> => {
    while (next < requests.length) {
      const request = requests[next++] as BenchRequest;
      try {
        const response = await fetch(`${url}${request.path}`, { method: request.method, headers: request.headers, body: request.body });
        await response.arrayBuffer();
        if (response.status !== 202) failures += 1;
      } catch {
        failures += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return failures;
}

function readStore<T>(file: string, read: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

function checkStore(dataDir: string, sender: PinpointTraffic, acknowledged: Acknowledgements, freshEvents: number, updatedEndpoints: number, freshFailures: number): StoreCheck {
  const { applicationId } = sender;
  return readStore(eventStorePath(dataDir), (events) => {
    const stored = events.prepare('SELECT 1 FROM events WHERE event_id = ?').pluck();
    let missingEvents = 0;
    for (const id of acknowledged.accepted) if (stored.get(id) === undefined) missingEvents += 1;
    return {
      applicationId,
      acknowledgedEvents: acknowledged.accepted.size,
      freshEvents,
      refusedEvents: acknowledged.refused,
      missingEvents,
      storedEvents: events.prepare('SELECT COUNT(*) FROM events WHERE app_id = ?').pluck().get(applicationId) as number,
      updatedEndpoints,
      storedEndpoints: readStore(endpointStorePath(dataDir), (endpoints) =>
        endpoints.prepare('SELECT COUNT(*) FROM endpoint_profiles WHERE application_id = ?').pluck().get(applicationId) as number,
      ),
      freshFailures,
    };
  });
}

/** A route of a sender's rounds: the service that takes it, its requests, and what it measured. */
interface Route {
  name: 'Pinpoint' | 'legacy';
  service: PhaseService;
  shape: RequestShape<string>;
  onAnswer?: AnswerHook;
  rounds: RoundResult[];
}

/**
 * One sender: a service for its Pinpoint calls and one for the legacy shape with as many events
 * per call, so that each service's memory is its route's.
 * 1. Every device's UpdateEndpoint once (the SDKs update the endpoint before sending events, so
 *    PutEvents reads and merges stored profiles as in production), then UpdateEndpoint calls/s.
 * 2. Rounds alternating between the routes (which goes first alternates too); each starts with
 *    both spools empty and both services idle, so neither route pays for the other's delivery.
 *    The bodies are cycled, as in the load table.
 * 3. `freshCalls` PutEvents calls with fresh event ids; once the spool is empty, every event any
 *    answer acknowledged is looked up in `events.db` by its id.
 */
async function runSender(
  sender: PinpointTraffic,
  services: { pinpoint: PhaseService; legacy: PhaseService },
  options: { plan: BenchPlan; sampler: RssSampler; now: number; log: (line: string) => void },
): Promise<SenderResult> {
  const { plan, sampler, now, log } = options;
  const { pinpoint: settings } = plan;
  const pids = [services.pinpoint.process.pid, services.legacy.process.pid];
  let undrainedWaits = 0;
  const settle = async (): Promise<void> => {
    const deadline = performance.now() + settings.drainTimeoutSeconds * 1000;
    const backlog = (): number => (spoolBacklog(join(services.pinpoint.dataDir, 'spool.db')) ?? 0) + (spoolBacklog(join(services.legacy.dataDir, 'spool.db')) ?? 0);
    while (backlog() > 0) {
      if (performance.now() > deadline) {
        undrainedWaits += 1;
        break;
      }
      await sleep(100);
    }
    await waitForIdle(pids, plan.settleMaxSeconds * 1000);
  };
  const crashed = (): string | undefined => {
    const reasons = [services.pinpoint, services.legacy].flatMap((s) => {
      const reason = s.process.exitReason();
      return reason === undefined ? [] : [`${s.process.name} crashed: ${reason}`];
    });
    return reasons.length > 0 ? reasons.join('; ') : undefined;
  };
  const acknowledged: Acknowledgements = { accepted: new Set(), refused: 0 };
  const legacy = buildShape(sender.legacy, DEVICES[sender.shape.id], now);
  // The first answer for each device names the events its (cycled) body holds; later answers are the same.
  const answered = new Set<number>();
  const routes: Route[] = [
    {
      name: 'Pinpoint',
      service: services.pinpoint,
      shape: sender.shape,
      rounds: [],
      onAnswer: (device, status, body) => {
        if (status !== 202 || answered.has(device)) return;
        answered.add(device);
        recordAnswer(acknowledged, sender.applicationId, body);
      },
    },
    { name: 'legacy', service: services.legacy, shape: legacy, rounds: [] },
  ];
  const result = (rest: Partial<SenderResult>): SenderResult => {
    const describe = (route: Route): RouteRounds => ({
      shape: route.shape.id,
      description: route.shape.description,
      eventsPerRequest: route.shape.eventsPerRequest,
      bodyBytes: route.shape.bodyBytes,
      rounds: route.rounds,
      peakRssBytes: sampler.overallPeak(route.service.process.pid),
    });
    const reason = crashed();
    return {
      shape: sender.shape.id,
      pinpoint: describe(routes[0] as Route),
      legacy: describe(routes[1] as Route),
      registrationFailures: 0,
      updateEndpoint: null,
      store: null,
      undrainedWaits,
      ...rest,
      ...(reason !== undefined ? { unavailable: reason } : {}),
    };
  };

  const url = services.pinpoint.process.url;
  const registrationFailures = await sendEach(url, sender.updateEndpoint, settings.endpointConnections);
  await settle();
  const updates: RequestShape<string> = { id: 'update-endpoint', description: 'UpdateEndpoint', eventsPerRequest: 0, bodyBytes: meanBytes(sender.updateEndpoint), requests: sender.updateEndpoint };
  const endpointLoad = await drive(url, updates, { connections: settings.endpointConnections, seconds: settings.endpointSeconds });
  const endpointSeconds = endpointLoad.duration > 0 ? endpointLoad.duration : settings.endpointSeconds;
  const updateEndpoint: UpdateEndpointResult = {
    connections: settings.endpointConnections,
    seconds: endpointSeconds,
    bodyBytes: updates.bodyBytes,
    calls: endpointLoad['2xx'],
    callsPerSecond: endpointLoad['2xx'] / endpointSeconds,
    p50Ms: endpointLoad.latency.p50,
    p99Ms: endpointLoad.latency.p99,
    non2xx: endpointLoad.non2xx,
    errors: endpointLoad.errors + endpointLoad.timeouts,
  };
  log(`  ${sender.shape.id.padEnd(20)} UpdateEndpoint   ${Math.round(updateEndpoint.callsPerSecond)} calls/s at ${settings.endpointConnections} connections, p99 ${updateEndpoint.p99Ms} ms`);
  if (crashed() !== undefined) return result({ registrationFailures, updateEndpoint });

  for (const route of routes) {
    await settle();
    await drive(route.service.process.url, route.shape, { connections: plan.connections, seconds: plan.warmupSeconds, ...(route.onAnswer ? { onAnswer: route.onAnswer } : {}) });
  }
  for (let round = 1; round <= settings.rounds && crashed() === undefined; round += 1) {
    for (const route of round % 2 === 1 ? routes : [...routes].reverse()) {
      await settle();
      const running = route.service.process;
      sampler.resetWindow(running.pid);
      const spoolFile = join(route.service.dataDir, 'spool.db');
      const before = spoolBacklog(spoolFile);
      const load = await drive(running.url, route.shape, { connections: plan.connections, seconds: settings.seconds, ...(route.onAnswer ? { onAnswer: route.onAnswer } : {}) });
      const after = spoolBacklog(spoolFile);
      const entry = toRound(round, route.shape, load, sampler.windowPeak(running.pid), before === null || after === null ? null : after - before);
      route.rounds.push(entry);
      log(
        `  ${route.shape.id.padEnd(20)} round ${round}/${settings.rounds} ${route.name.padEnd(8)} ` +
          `${Math.round(entry.requestsPerSecond)} req/s, ${Math.round(entry.eventsPerSecond)} events/s, p99 ${entry.p99Ms} ms` +
          (entry.non2xx + entry.errors > 0 ? `, ${entry.non2xx} non-2xx, ${entry.errors} errors` : ''),
      );
    }
  }
  if (crashed() !== undefined) return result({ registrationFailures, updateEndpoint });

  await settle();
  const cycledEvents = acknowledged.accepted.size;
  const fresh = await drive(url, sender.shape, {
    connections: plan.connections,
    amount: settings.freshCalls,
    unique: true,
    onAnswer: (_device, status, body) => {
      if (status === 202) recordAnswer(acknowledged, sender.applicationId, body);
    },
  });
  await settle();
  const store = checkStore(
    services.pinpoint.dataDir,
    sender,
    acknowledged,
    acknowledged.accepted.size - cycledEvents,
    sender.updateEndpoint.length - registrationFailures,
    fresh.non2xx + fresh.errors + fresh.timeouts,
  );
  log(`  ${sender.shape.id.padEnd(20)} events.db        ${store.acknowledgedEvents - store.missingEvents} of ${store.acknowledgedEvents} acknowledged events stored`);
  return result({ registrationFailures, updateEndpoint, store });
}

/**
 * The Pinpoint-native ingest, sender by sender (`pinpoint-shapes.ts`), each on two fresh
 * durable/local services of its own (stopped after it): see `runSender`.
 */
export async function runPinpointPhase(options: {
  plan: BenchPlan;
  startService: StartService;
  sampler: RssSampler;
  now: number;
  log: (line: string) => void;
}): Promise<PinpointPhaseResult> {
  const { startService, now } = options;
  const started = performance.now();
  const senders: SenderResult[] = [];
  for (const id of PINPOINT_SHAPE_IDS) {
    const sender = buildPinpointTraffic(id, DEVICES[id], now);
    const pinpoint = await startService(`${id}-pinpoint`);
    const legacy = await startService(`${id}-legacy`);
    try {
      if ('unavailable' in pinpoint || 'unavailable' in legacy) {
        const reason = [pinpoint, legacy].flatMap((s) => ('unavailable' in s ? [s.unavailable] : [])).join('; ');
        const none = (shape: RequestShape<string>): RouteRounds => ({ shape: shape.id, description: shape.description, eventsPerRequest: shape.eventsPerRequest, bodyBytes: shape.bodyBytes, rounds: [], peakRssBytes: null });
        senders.push({
          shape: id,
          unavailable: reason,
          pinpoint: none(sender.shape),
          legacy: none(buildShape(sender.legacy, 1, now)),
          registrationFailures: 0,
          updateEndpoint: null,
          store: null,
          undrainedWaits: 0,
        });
        continue;
      }
      senders.push(await runSender(sender, { pinpoint, legacy }, options));
    } finally {
      await Promise.all([pinpoint, legacy].flatMap((s) => ('process' in s ? [s.process.stop()] : [])));
    }
  }
  return { seconds: (performance.now() - started) / 1000, senders };
}
