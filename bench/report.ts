import type { DeliveryResult } from './delivery-phase';
import type { KpiPhaseResult } from './kpi-phase';
import type { LocalStoreResult } from './local-store-phase';
import type { LoadCell, RoundResult } from './load-phase';
import type { PinpointPhaseResult, RouteRounds } from './pinpoint-phase';
import type { ShapeId } from './request-shapes';
import { TARGETS, type TargetId } from './targets';

/** The acceptance criteria of issue 6 (for the KPIs, of issue 11; for the Pinpoint-native ingest, of issue 14), in one place. */
export const CRITERIA = {
  shape: 'js-10' as ShapeId,
  minRatioToExpress: 1.2,
  minRatioToBare: 0.35,
  maxP99Ms: 50,
  maxPeakRssMb: 250,
  maxCallsPer1000Events: 11,
  minShareOfCeiling: 0.95,
  maxRollupCost: 0.2,
  maxKpiMs: 200,
  maxDashboardMs: 1000,
  /**
   * Pinpoint PutEvents events/s ÷ the legacy route's at as many events per call, median of the
   * paired rounds. Five full runs on the 2-core machine gave 0.57–0.76 (single rounds 0.2–1.1
   * when other work shared the cores): 0.4 passes that noise and fails once the Pinpoint path
   * loses about a third of its speed against the legacy one.
   */
  minPinpointToLegacyEvents: 0.4,
  /**
   * The Pinpoint service's peak RSS ÷ the legacy one's. The same runs gave 1.03–1.19 for
   * PinpointManager's 100-event calls (the higher on a busy machine, with more calls in flight)
   * and 0.98–1.06 for Amplify's.
   */
  maxPinpointToLegacyRss: 1.3,
  /** The memory target is set for small calls (10 events in the issue); larger ones are held to their legacy reference. */
  maxEventsPerCallForRssTarget: 10,
};

/** What the KPI verdicts are about: the local store's KPIs, not one of the load targets. */
const KPI_SUBJECT = 'kpis';
const KPI_LABEL = 'ma2pinpoint local store KPIs';

const ALL_CRITERIA = 'all criteria';

/** The medians of one target × shape cell, and its ratios to the references. */
export interface CellSummary {
  target: TargetId;
  shape: ShapeId;
  rounds: number;
  unavailable?: string;
  requestsPerSecond: number | null;
  eventsPerSecond: number | null;
  /** Durable targets: events delivered out of the spool per second during the rounds (median). */
  deliveredEventsPerSecond: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  peakRssMb: number | null;
  non2xx: number;
  errors: number;
  /** Median over rounds of (this round's req/s ÷ the same round's reference req/s). */
  ratioToBare: number | null;
  ratioToExpress: number | null;
}

/** One PASS/FAIL line. */
export interface Verdict {
  target: TargetId | typeof KPI_SUBJECT;
  check: string;
  outcome: 'PASS' | 'FAIL' | 'n/a';
  detail: string;
}

/** The median (mean of the middle two for an even count), or null for no values. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const mb = (bytes: number | null): number | null => (bytes === null ? null : bytes / 1024 / 1024);

/** Pairs rounds by index, because alternating rounds share the machine's state of the moment. */
function pairedRatio(rounds: readonly RoundResult[], reference: LoadCell | undefined): number | null {
  if (!reference || reference.unavailable !== undefined) return null;
  const ratios: number[] = [];
  for (const round of rounds) {
    const other = reference.rounds.find((r) => r.round === round.round);
    if (other && other.requestsPerSecond > 0) ratios.push(round.requestsPerSecond / other.requestsPerSecond);
  }
  return median(ratios);
}

/** The medians of some rounds (peak RSS: the maximum) and the sum of their refusals. */
type RoundMedians = Pick<CellSummary, 'rounds' | 'requestsPerSecond' | 'eventsPerSecond' | 'deliveredEventsPerSecond' | 'p50Ms' | 'p99Ms' | 'peakRssMb' | 'non2xx' | 'errors'>;

function roundMedians(rounds: readonly RoundResult[]): RoundMedians {
  const peaks = rounds.map((r) => r.peakRssBytes).filter((v): v is number => v !== null);
  return {
    rounds: rounds.length,
    requestsPerSecond: median(rounds.map((r) => r.requestsPerSecond)),
    eventsPerSecond: median(rounds.map((r) => r.eventsPerSecond)),
    deliveredEventsPerSecond: median(rounds.flatMap((r) => (r.deliveredEventsPerSecond === null ? [] : [r.deliveredEventsPerSecond]))),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    peakRssMb: peaks.length > 0 ? mb(Math.max(...peaks)) : null,
    non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
    errors: rounds.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
  };
}

/** Reduces the rounds of each cell to medians (peak RSS: the maximum) and paired ratios. */
export function summarizeCells(cells: readonly LoadCell[]): CellSummary[] {
  const find = (target: TargetId, shape: ShapeId): LoadCell | undefined => cells.find((c) => c.target === target && c.shape === shape);
  return cells.map((cell) => ({
    target: cell.target,
    shape: cell.shape,
    ...(cell.unavailable !== undefined ? { unavailable: cell.unavailable } : {}),
    ...roundMedians(cell.rounds),
    ratioToBare: cell.target === 'bare' ? null : pairedRatio(cell.rounds, find('bare', cell.shape)),
    ratioToExpress: cell.target === 'express' ? null : pairedRatio(cell.rounds, find('express', cell.shape)),
  }));
}

/** One route's rounds of one shape in the Pinpoint phase, reduced to medians; peak RSS is its service's over the sender's part. */
export interface RouteSummary extends RoundMedians {
  shape: string;
  description: string;
  bodyBytes: number;
}

/** A Pinpoint sender against the legacy shape with as many events per call. */
export interface PinpointSenderSummary {
  shape: string;
  unavailable?: string;
  pinpoint: RouteSummary;
  legacy: RouteSummary;
  /** Median over rounds of (Pinpoint events/s ÷ the same round's legacy events/s). */
  eventsRatio: number | null;
}

function routeSummary(route: RouteRounds): RouteSummary {
  return { shape: route.shape, description: route.description, bodyBytes: route.bodyBytes, ...roundMedians(route.rounds), peakRssMb: mb(route.peakRssBytes) };
}

/** The Pinpoint phase's senders, reduced to medians and the per-round ratio of events/s. */
export function summarizePinpoint(result: PinpointPhaseResult): PinpointSenderSummary[] {
  return result.senders.map((sender) => {
    const ratios = sender.pinpoint.rounds.flatMap((round) => {
      const legacy = sender.legacy.rounds.find((r) => r.round === round.round);
      return legacy && legacy.eventsPerSecond > 0 ? [round.eventsPerSecond / legacy.eventsPerSecond] : [];
    });
    return {
      shape: sender.shape,
      ...(sender.unavailable !== undefined ? { unavailable: sender.unavailable } : {}),
      pinpoint: routeSummary(sender.pinpoint),
      legacy: routeSummary(sender.legacy),
      eventsRatio: median(ratios),
    };
  });
}

function check(target: Verdict['target'], name: string, value: number | null, pass: (v: number) => boolean, show: (v: number) => string): Verdict {
  if (value === null) return { target, check: name, outcome: 'n/a', detail: 'not measured' };
  return { target, check: name, outcome: pass(value) ? 'PASS' : 'FAIL', detail: show(value) };
}

function unavailable(target: TargetId, reason: string): Verdict {
  return { target, check: ALL_CRITERIA, outcome: 'n/a', detail: reason };
}

function allAnswered(target: TargetId, cells: readonly CellSummary[]): Verdict {
  const bad = cells.reduce((sum, c) => sum + c.non2xx + c.errors, 0);
  return { target, check: 'every request answered 2xx', outcome: bad === 0 ? 'PASS' : 'FAIL', detail: `${bad} non-2xx or failed` };
}

/**
 * The verdicts: durable/local must beat naive Express by 1.2× and reach 0.35× bare node:http at
 * 10 events/request with p99 ≤ 50 ms and ≤ 250 MB; durable/pinpoint must coalesce to ≤ 11 calls
 * per 1 000 events and deliver ≥ 95 % of the 1 500 events/s the quota allows. Upstream mode is
 * held to correctness only (every request answered 2xx): its speed and memory follow the
 * destination's latency, so its numbers are shown, not judged.
 */
export function evaluate(
  summaries: readonly CellSummary[],
  delivery: DeliveryResult | undefined,
  kpis?: KpiPhaseResult,
  pinpoint?: PinpointPhaseResult,
): Verdict[] {
  const verdicts: Verdict[] = [];
  const targets = [...new Set(summaries.map((s) => s.target))].filter((t) => TARGETS[t].isProxy);
  for (const target of targets) {
    const cells = summaries.filter((s) => s.target === target);
    const main = cells.find((c) => c.shape === CRITERIA.shape);
    if (cells.every((c) => c.rounds === 0)) {
      verdicts.push(unavailable(target, cells[0]?.unavailable ?? 'not run'));
      continue;
    }
    if (target === 'durable-local' || target === 'durable-pinpoint') {
      const ratio = (v: number): string => `${v.toFixed(2)}×`;
      verdicts.push(check(target, `req/s ≥ ${CRITERIA.minRatioToExpress}× naive Express (${CRITERIA.shape})`, main?.ratioToExpress ?? null, (v) => v >= CRITERIA.minRatioToExpress, ratio));
      verdicts.push(check(target, `req/s ≥ ${CRITERIA.minRatioToBare}× bare node:http (${CRITERIA.shape})`, main?.ratioToBare ?? null, (v) => v >= CRITERIA.minRatioToBare, ratio));
      verdicts.push(check(target, `p99 ≤ ${CRITERIA.maxP99Ms} ms (${CRITERIA.shape})`, main?.p99Ms ?? null, (v) => v <= CRITERIA.maxP99Ms, (v) => `${v} ms`));
      // The memory target holds for the main shape and for hostile gzip amplification; the table shows every shape's peak.
      verdicts.push(check(target, `peak RSS ≤ ${CRITERIA.maxPeakRssMb} MB (${CRITERIA.shape})`, main?.peakRssMb ?? null, (v) => v <= CRITERIA.maxPeakRssMb, (v) => `${v.toFixed(0)} MB`));
      const amplified = cells.find((c) => c.shape === 'gzip-10mb');
      verdicts.push(check(target, `peak RSS ≤ ${CRITERIA.maxPeakRssMb} MB (gzip-10mb)`, amplified?.peakRssMb ?? null, (v) => v <= CRITERIA.maxPeakRssMb, (v) => `${v.toFixed(0)} MB`));
    }
    verdicts.push(allAnswered(target, cells));
  }
  if (delivery) verdicts.push(...evaluateDelivery(delivery));
  if (pinpoint) verdicts.push(...evaluatePinpoint(pinpoint));
  if (kpis) verdicts.push(...evaluateKpis(kpis));
  return verdicts;
}

/**
 * The Pinpoint-native verdicts (issue 14), per sender: its PutEvents events/s at least
 * `minPinpointToLegacyEvents` of the legacy route's with as many events per call (median of the
 * paired rounds' ratios); its service's peak RSS at most `maxPinpointToLegacyRss` of the legacy
 * service's, and within the memory target for calls of up to 10 events; every call answered 2xx;
 * every event sent accepted and, once the spool is empty, in `events.db` under the id its answer
 * gave it; every updated endpoint in `endpoints.db`.
 */
function evaluatePinpoint(result: PinpointPhaseResult): Verdict[] {
  const target: TargetId = 'durable-local';
  const verdicts: Verdict[] = [];
  const summaries = summarizePinpoint(result);
  result.senders.forEach((sender, i) => {
    const summary = summaries[i] as PinpointSenderSummary;
    const name = (text: string): string => `${text} (${sender.shape})`;
    if (sender.updateEndpoint === null) {
      verdicts.push({ target, check: name('Pinpoint phase'), outcome: 'n/a', detail: sender.unavailable ?? 'not run' });
      return;
    }
    verdicts.push(
      check(target, name(`Pinpoint events/s ≥ ${CRITERIA.minPinpointToLegacyEvents}× legacy ${summary.legacy.shape}`), summary.eventsRatio, (v) => v >= CRITERIA.minPinpointToLegacyEvents, (v) => `${v.toFixed(2)}×`),
    );
    const { peakRssMb } = summary.pinpoint;
    const legacyRssMb = summary.legacy.peakRssMb;
    verdicts.push(
      check(target, name(`Pinpoint peak RSS ≤ ${CRITERIA.maxPinpointToLegacyRss}× legacy's`), peakRssMb !== null && legacyRssMb ? peakRssMb / legacyRssMb : null, (v) => v <= CRITERIA.maxPinpointToLegacyRss, (v) =>
        `${v.toFixed(2)}× (${fmt(peakRssMb)} MB, legacy ${fmt(legacyRssMb)} MB)`),
    );
    if (sender.pinpoint.eventsPerRequest <= CRITERIA.maxEventsPerCallForRssTarget) {
      verdicts.push(check(target, name(`Pinpoint peak RSS ≤ ${CRITERIA.maxPeakRssMb} MB`), peakRssMb, (v) => v <= CRITERIA.maxPeakRssMb, (v) => `${v.toFixed(0)} MB`));
    }
    const rounds = [...sender.pinpoint.rounds, ...sender.legacy.rounds];
    const failed =
      rounds.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0) +
      sender.updateEndpoint.non2xx +
      sender.updateEndpoint.errors +
      sender.registrationFailures +
      (sender.store?.freshFailures ?? 0);
    verdicts.push({ target, check: name('every request answered 2xx'), outcome: failed === 0 ? 'PASS' : 'FAIL', detail: `${failed} non-2xx or failed` });
    const store = sender.store;
    if (store === null) {
      verdicts.push({ target, check: name('events and endpoints stored'), outcome: sender.unavailable === undefined ? 'n/a' : 'FAIL', detail: sender.unavailable ?? 'not measured' });
      return;
    }
    const stored = store.acknowledgedEvents - store.missingEvents;
    verdicts.push({
      target,
      check: name('every event accepted and in events.db'),
      outcome: store.missingEvents === 0 && store.refusedEvents === 0 && store.acknowledgedEvents > 0 ? 'PASS' : 'FAIL',
      detail: `${stored} of ${store.acknowledgedEvents} acknowledged stored (${store.freshEvents} fresh), ${store.refusedEvents} refused`,
    });
    verdicts.push({
      target,
      check: name('every updated endpoint in endpoints.db'),
      outcome: store.updatedEndpoints > 0 && store.storedEndpoints >= store.updatedEndpoints ? 'PASS' : 'FAIL',
      detail: `${store.storedEndpoints} stored of ${store.updatedEndpoints} updated`,
    });
    if (sender.unavailable !== undefined) verdicts.push({ target, check: name('services stayed up'), outcome: 'FAIL', detail: sender.unavailable });
  });
  return verdicts;
}

/**
 * The KPI verdicts (issue 11): the roll-ups cost the local sink at most 20 % of its events/s
 * (median of paired rounds); with the large store, every KPI path and each top custom event's
 * count over 90 days answers in ≤ 200 ms, and the dashboard's first load takes ≤ 1 s. Cold calls
 * are held to the limits too: the first load after a start is the one users see.
 */
function evaluateKpis(kpis: KpiPhaseResult): Verdict[] {
  const target = KPI_SUBJECT;
  const { rollupCost, volume } = kpis;
  const percent = (v: number): string => `${(v * 100).toFixed(1)} %`;
  const worst = (t: { coldMs: number; medianMs: number }): number => Math.max(t.coldMs, t.medianMs);
  const answers = [...volume.kpis.map((k) => ({ ...k, label: k.path })), ...volume.customEvents.map((e) => ({ ...e, label: `/events/${e.name}/count` }))];
  const slowest = answers.reduce<(typeof answers)[number] | undefined>((a, b) => (a === undefined || worst(b) > worst(a) ? b : a), undefined);
  const events = volume.build.events.toLocaleString('en-US');
  return [
    check(target, `roll-ups cost ≤ ${CRITERIA.maxRollupCost * 100} % of the local sink's events/s`, rollupCost.cost, (v) => v <= CRITERIA.maxRollupCost, (v) =>
      `${percent(v)} (${fmt(rollupCost.withRollupsPerSecond)} with, ${fmt(rollupCost.withoutRollupsPerSecond)} without events/s)`),
    check(target, `every KPI over ${volume.build.days} days ≤ ${CRITERIA.maxKpiMs} ms (${events} events, cold and median)`, slowest ? worst(slowest) : null, (v) => v <= CRITERIA.maxKpiMs, (v) =>
      `slowest ${slowest?.label ?? ''}: ${v.toFixed(1)} ms`),
    check(target, `dashboard first load ≤ ${CRITERIA.maxDashboardMs / 1000} s (${volume.dashboard.requests} requests, cold and median)`, worst(volume.dashboard), (v) => v <= CRITERIA.maxDashboardMs, (v) =>
      `${v.toFixed(0)} ms`),
  ];
}

function evaluateDelivery(delivery: DeliveryResult): Verdict[] {
  const target: TargetId = 'durable-pinpoint';
  if (delivery.unavailable !== undefined && !delivery.coalescing) return [unavailable(target, delivery.unavailable)];
  const { coalescing, quota } = delivery;
  const verdicts = [
    check(target, `PutEvents calls per 1 000 events ≤ ${CRITERIA.maxCallsPer1000Events}`, coalescing?.callsPer1000Events ?? null, (v) => v <= CRITERIA.maxCallsPer1000Events, (v) => v.toFixed(1)),
    check(target, 'every accepted event delivered after the drain', coalescing ? coalescing.deliveredEvents / Math.max(1, coalescing.acceptedEvents) : null, (v) => v >= 1, (v) => `${coalescing?.deliveredEvents ?? 0} of ${coalescing?.acceptedEvents ?? 0} (${(v * 100).toFixed(1)} %)`),
    check(target, `delivered ≥ ${CRITERIA.minShareOfCeiling * 100} % of ${quota?.ceilingEventsPerSecond ?? 1500} events/s under the quota`, quota?.shareOfCeiling ?? null, (v) => v >= CRITERIA.minShareOfCeiling, (v) => `${Math.round(quota?.deliveredEventsPerSecond ?? 0)} events/s (${(v * 100).toFixed(1)} %)`),
    check(target, `peak RSS ≤ ${CRITERIA.maxPeakRssMb} MB`, mb(delivery.peakRssBytes), (v) => v <= CRITERIA.maxPeakRssMb, (v) => `${v.toFixed(0)} MB`),
  ];
  if (delivery.unavailable !== undefined) verdicts.push({ target, check: 'process stayed up', outcome: 'FAIL', detail: delivery.unavailable });
  return verdicts;
}

function fmt(value: number | null, digits = 0): string {
  return value === null ? '–' : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function ratio(value: number | null): string {
  return value === null ? '–' : `${value.toFixed(2)}×`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const full = (r: readonly string[]): boolean => r.length === header.length;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (full(r) || i < r.length - 1 ? (r[i] ?? '').length : 0))));
  // A short row's last cell spans the remaining columns (shape titles, unavailable targets).
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (!full(cells) && i === cells.length - 1 ? c : i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(header.map((_, i) => '-'.repeat(widths[i] ?? 0))), ...rows.map(line)].join('\n');
}

/** The load table: target × shape → req/s, events/s (accepted, and delivered out of the spool), p50/p99, peak RSS, ratios, refusals. */
export function formatLoadTable(summaries: readonly CellSummary[], describe: (shape: ShapeId) => string): string {
  const header = ['shape', 'target', 'req/s', 'events/s', 'delivered/s', 'p50 ms', 'p99 ms', 'peak RSS MB', '× bare', '× express', 'non-2xx/err'];
  const rows: string[][] = [];
  let lastShape: ShapeId | undefined;
  for (const s of summaries) {
    if (s.shape !== lastShape) rows.push([`${s.shape}: ${describe(s.shape)}`]);
    lastShape = s.shape;
    const label = TARGETS[s.target].label;
    if (s.rounds === 0) {
      rows.push(['', label, `n/a (unavailable: ${(s.unavailable ?? 'not run').slice(0, 110)})`]);
      continue;
    }
    rows.push([
      '',
      label,
      fmt(s.requestsPerSecond),
      fmt(s.eventsPerSecond),
      fmt(s.deliveredEventsPerSecond),
      fmt(s.p50Ms),
      fmt(s.p99Ms),
      fmt(s.peakRssMb),
      ratio(s.ratioToBare),
      ratio(s.ratioToExpress),
      `${s.non2xx}/${s.errors}`,
    ]);
  }
  return table(header, rows);
}

/** The local store section: fresh events accepted, and taken out of the spool during and after the load. */
export function formatLocalStore(result: LocalStoreResult | { unavailable: string }): string {
  const label = TARGETS['durable-local'].label;
  if ('unavailable' in result) return `Local store (${label}): n/a (${result.unavailable})`;
  return [
    `Local store (${label}, js-10 with fresh events, ${result.loadSeconds.toFixed(0)} s)`,
    `  accepted ${fmt(result.acceptedEventsPerSecond)} events/s; delivered to events.db ${fmt(result.deliveredDuringLoadPerSecond)} events/s during the load, ` +
      `${fmt(result.drainEventsPerSecond)} events/s after it (${fmt(result.backlogAtEnd)} spooled events in ${result.drainSeconds.toFixed(1)} s` +
      `${result.drained ? '' : ', NOT fully drained'})`,
  ].join('\n');
}

/** The delivery section: coalescing and sustained throughput under the quota. */
export function formatDelivery(delivery: DeliveryResult | undefined): string {
  if (!delivery) return 'Delivery: skipped (BENCH_DELIVERY=0, or not in BENCH_PHASES).';
  const label = TARGETS['durable-pinpoint'].label;
  if (!delivery.coalescing) return `Delivery (${label} → Pinpoint stand-in): n/a (unavailable: ${delivery.unavailable ?? 'not run'})`;
  const c = delivery.coalescing;
  const lines = [
    `Delivery (${label} → Pinpoint stand-in, FORWARD_MAX_RPS=15)`,
    `  PutEvents calls per 1 000 events: ${fmt(c.callsPer1000Events, 1)}  (${c.calls} calls for ${c.deliveredEvents} events delivered of ${c.acceptedEvents} accepted, ` +
      `max ${c.maxEventsPerCall} events/call, drain ${c.drainSeconds.toFixed(1)} s${c.drained ? '' : ', NOT fully drained'})`,
  ];
  const q = delivery.quota;
  if (q) {
    lines.push(
      `  Sustained delivered events/s under a ${q.callsPerSecond} calls/s quota: ${fmt(q.deliveredEventsPerSecond)} of ${fmt(q.ceilingEventsPerSecond)} ` +
        `(${(q.shareOfCeiling * 100).toFixed(1)} %; offered ${fmt(q.offeredEventsPerSecond)} events/s, window ${q.windowSeconds.toFixed(1)} s, ` +
        `${q.throttledCalls} calls throttled with 429, ingest p99 ${q.p99Ms} ms)`,
    );
  }
  lines.push(`  peak RSS: ${fmt(mb(delivery.peakRssBytes))} MB${delivery.unavailable ? `; ${delivery.unavailable}` : ''}`);
  return lines.join('\n');
}

/** The Pinpoint section: each sender's PutEvents beside the legacy route, its UpdateEndpoint, and what reached the stores. */
export function formatPinpoint(result: PinpointPhaseResult, plan: { connections: number; rounds: number; seconds: number }): string {
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
  const header = ['shape', 'route', 'req/s', 'events/s', 'delivered/s', 'p50 ms', 'p99 ms', 'peak RSS MB', 'non-2xx/err', 'events/s × legacy'];
  const rows: string[][] = [];
  const cells = (s: RouteSummary): string[] => [fmt(s.requestsPerSecond), fmt(s.eventsPerSecond), fmt(s.deliveredEventsPerSecond), fmt(s.p50Ms), fmt(s.p99Ms), fmt(s.peakRssMb), `${s.non2xx}/${s.errors}`];
  const notes: string[] = [];
  const summaries = summarizePinpoint(result);
  result.senders.forEach((sender, i) => {
    const summary = summaries[i] as PinpointSenderSummary;
    rows.push([`${sender.shape}: ${sender.pinpoint.description}, body ${kb(sender.pinpoint.bodyBytes)}`]);
    if (sender.updateEndpoint === null) {
      rows.push(['', `n/a (unavailable: ${(sender.unavailable ?? 'not run').slice(0, 110)})`]);
      return;
    }
    rows.push(['', 'Pinpoint PutEvents', ...cells(summary.pinpoint), ratio(summary.eventsRatio)]);
    rows.push(['', `legacy ${sender.legacy.shape}, ${kb(sender.legacy.bodyBytes)}`, ...cells(summary.legacy), '–']);
    const u = sender.updateEndpoint;
    notes.push(
      `  ${sender.shape} UpdateEndpoint (${kb(u.bodyBytes)}, an fsync of endpoints.db per call): ${fmt(u.callsPerSecond)} calls/s at ${u.connections} connections over ${u.seconds.toFixed(0)} s, ` +
        `p50 ${fmt(u.p50Ms)} ms, p99 ${fmt(u.p99Ms)} ms, ${u.non2xx}/${u.errors} non-2xx/err; each device's first: ${sender.registrationFailures} not answered 202`,
    );
    const s = sender.store;
    if (s) {
      notes.push(
        `  ${sender.shape} stores: ${fmt(s.acknowledgedEvents - s.missingEvents)} of ${fmt(s.acknowledgedEvents)} acknowledged events in events.db (${fmt(s.freshEvents)} fresh; ` +
          `${fmt(s.storedEvents)} rows for the project; ${s.refusedEvents} refused; ${s.freshFailures} fresh calls not 2xx), ${fmt(s.storedEndpoints)} of ${fmt(s.updatedEndpoints)} endpoints in endpoints.db` +
          (sender.undrainedWaits > 0 ? `; a spool did not empty in time ${sender.undrainedWaits} times` : ''),
      );
    }
    if (sender.unavailable !== undefined) notes.push(`  ${sender.shape}: ${sender.unavailable}`);
  });
  return [
    `Pinpoint-native ingest (a durable/local service per route and sender, ${plan.connections} connections, ${plan.rounds} rounds of ${plan.seconds} s alternating between the routes, ` +
      `each started with empty spools and idle services; ratio: median of the per-round events/s ratios; peak RSS: the service's; phase ${result.seconds.toFixed(0)} s)`,
    table(header, rows),
    ...notes,
  ].join('\n');
}

/** The KPI section: the roll-ups' cost to the local sink, the large store, and each answer's time. */
export function formatKpis(kpis: KpiPhaseResult): string {
  const { rollupCost: cost, volume } = kpis;
  const { build } = volume;
  const ms = (v: number): string => v.toFixed(1);
  const percent = (v: number | null): string => (v === null ? '–' : `${(v * 100).toFixed(1)} %`);
  const rows = [
    ...volume.kpis.map((k) => [k.path, 'answerKpi', ms(k.coldMs), ms(k.medianMs)]),
    ...volume.customEvents.map((e) => [`/events/${e.name}/count`, 'answerEventType', ms(e.coldMs), ms(e.medianMs)]),
    [`dashboard first load (${volume.dashboard.requests} requests)`, 'admin HTTP app', ms(volume.dashboard.coldMs), ms(volume.dashboard.medianMs)],
  ];
  const indent = (text: string): string =>
    text
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n');
  return [
    `KPIs (local store roll-ups; phase ${kpis.seconds.toFixed(0)} s; bench process peak RSS ${fmt(kpis.peakRssMb)} MB)`,
    `  Roll-up cost: the local sink's delivered events/s, batches of ${cost.batchEvents}, ${fmt(cost.eventsPerRound)} events per round into a copy of a ${fmt(cost.prefillEvents)}-event store, ${cost.rounds.length / 2} pairs of rounds alternating batch by batch`,
    `    with roll-ups ${fmt(cost.withRollupsPerSecond)} events/s, without ${fmt(cost.withoutRollupsPerSecond)} events/s (medians); cost ${percent(cost.cost)} (median of the pairs' 1 − with/without)`,
    `    CPU per event: ${fmt(cost.withRollupsCpuMicros, 1)} µs with, ${fmt(cost.withoutRollupsCpuMicros, 1)} µs without (medians); ${percent(cost.cpuCost)} of the CPU time goes to the roll-ups`,
    `  Store: ${fmt(build.events)} events from ${fmt(build.devices)} devices over ${build.days} days (${(build.sessionStartShare * 100).toFixed(1)} % session starts, ${fmt(build.purchases)} purchases), ` +
      `${fmt(mb(build.fileBytes))} MB; built through the local sink with roll-ups in ${build.seconds.toFixed(0)} s: ${fmt(build.eventsPerSecond)} events/s (${fmt(build.deliverEventsPerSecond)} events/s inside deliver)`,
    `  Answers over ${volume.from} … ${volume.to} for app ${volume.app} (${fmt(volume.answers.lifetimeUsers)} users, median DAU ${fmt(volume.answers.medianDau)}, ` +
      `median MAU ${fmt(volume.answers.medianMau)}, revenue in ${volume.answers.currencies.join(', ') || 'no currency'}): the first call on a new connection, then the median of ${volume.repeats}`,
    indent(table(['query', 'through', 'cold ms', 'median ms'], rows)),
  ].join('\n');
}

/** The PASS/FAIL block. */
export function formatVerdicts(verdicts: readonly Verdict[]): string {
  if (verdicts.length === 0) return 'PASS/FAIL: no ma2pinpoint target was selected.';
  const rows = verdicts.map((v) => [v.target === KPI_SUBJECT ? KPI_LABEL : TARGETS[v.target].label, v.check, v.check === ALL_CRITERIA ? 'n/a (unavailable)' : v.outcome, v.detail]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) => r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ').trimEnd())
    .join('\n');
}
