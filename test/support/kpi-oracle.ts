import { daysOf, type DayRange } from '../../src/kpis/days';
import { ITEM_PRICE, PURCHASE, SESSION_START, SESSION_STOP, type KpiEvent } from '../../src/kpis/kpi-event';
import type { AppSummary, DailyKpis, EventTypeCount, EventTypeDay, KpiQueries, MetricAggregate, RevenueDay } from '../../src/kpis/kpi-queries';

/** An event as the oracle takes it: its KPI facts and the id duplicates share. */
export type OracleEvent = KpiEvent & { readonly eventId: string };

/**
 * The KPI definitions computed the plain way, straight from a list of events: what the roll-ups
 * must agree with (the property test), and the fake `KpiQueries` for API and dashboard tests.
 * Events with an id seen before are ignored, as the store ignores redeliveries.
 */
export function createKpiOracle(input: readonly OracleEvent[]): KpiQueries {
  const seen = new Set<string>();
  const events = input.filter((e) => !seen.has(e.eventId) && seen.add(e.eventId));
  const ofApp = (appId: string) => events.filter((e) => e.appId === appId);
  /** client → its days with a `_session.start`. */
  const activeDays = (appId: string) => {
    const result = new Map<string, Set<number>>();
    for (const e of ofApp(appId)) {
      if (e.eventType !== SESSION_START) continue;
      const days = result.get(e.clientId) ?? new Set<number>();
      days.add(e.day);
      result.set(e.clientId, days);
    }
    return result;
  };
  const firstPurchase = (appId: string) => {
    const result = new Map<string, number>();
    for (const e of ofApp(appId)) {
      if (e.eventType === PURCHASE) result.set(e.clientId, Math.min(e.day, result.get(e.clientId) ?? Infinity));
    }
    return result;
  };
  const activeBetween = (days: Set<number>, from: number, to: number) => [...days].some((d) => d >= from && d <= to);

  return {
    apps(): AppSummary[] {
      const byApp = new Map<string, AppSummary>();
      for (const e of events) {
        const known = byApp.get(e.appId);
        byApp.set(e.appId, {
          appId: e.appId,
          firstDay: Math.min(e.day, known?.firstDay ?? Infinity),
          lastDay: Math.max(e.day, known?.lastDay ?? -Infinity),
          events: (known?.events ?? 0) + 1,
        });
      }
      return [...byApp.values()].sort((a, b) => (a.appId < b.appId ? -1 : 1));
    },
    lifetimeUsers: (appId, asOf) => new Set(ofApp(appId).filter((e) => e.day <= asOf).map((e) => e.clientId)).size,
    daily(appId: string, range: DayRange): DailyKpis[] {
      const active = activeDays(appId);
      const purchases = firstPurchase(appId);
      const appEvents = ofApp(appId);
      return daysOf(range).map((day) => {
        const clients = [...active.entries()];
        const payingBy = (client: string) => (purchases.get(client) ?? Infinity) <= day;
        const dauClients = clients.filter(([, days]) => days.has(day));
        const mauClients = clients.filter(([, days]) => activeBetween(days, day - 29, day));
        const retained = (from: number, to: number) => dauClients.filter(([, days]) => activeBetween(days, from, to)).length;
        const stops = appEvents.filter((e) => e.day === day && e.eventType === SESSION_STOP && e.sessionLengthMs !== undefined);
        return {
          day,
          dau: dauClients.length,
          mau: mauClients.length,
          pdau: dauClients.filter(([client]) => payingBy(client)).length,
          pmau: mauClients.filter(([client]) => payingBy(client)).length,
          newUsers: clients.filter(([, days]) => Math.min(...days) === day).length,
          sessions: appEvents.filter((e) => e.day === day && e.eventType === SESSION_START).length,
          sessionStops: stops.length,
          sessionLengthMs: stops.reduce((sum, e) => sum + (e.sessionLengthMs ?? 0), 0),
          retention: {
            day1: retained(day + 1, day + 1),
            day3: retained(day + 3, day + 3),
            day5: retained(day + 5, day + 5),
            day7: retained(day + 7, day + 7),
            week1: retained(day + 1, day + 7),
            week2: retained(day + 8, day + 14),
            week3: retained(day + 15, day + 21),
          },
        };
      });
    },
    revenue(appId: string, range: DayRange): RevenueDay[] {
      const byKey = new Map<string, RevenueDay>();
      for (const e of ofApp(appId)) {
        if (e.eventType !== PURCHASE || e.day < range.from || e.day > range.to) continue;
        const currency = e.currency ?? '';
        const key = `${e.day}\u0000${currency}`;
        const known = byKey.get(key);
        byKey.set(key, {
          day: e.day,
          currency,
          amount: (known?.amount ?? 0) + (e.metrics[ITEM_PRICE] ?? 0),
          purchases: (known?.purchases ?? 0) + 1,
        });
      }
      return [...byKey.values()].sort((a, b) => a.day - b.day || (a.currency < b.currency ? -1 : 1));
    },
    eventType(appId: string, eventType: string, range: DayRange): EventTypeDay[] {
      const byDay = new Map<number, { count: number; metrics: Record<string, MetricAggregate> }>();
      for (const e of ofApp(appId)) {
        if (e.eventType !== eventType || e.day < range.from || e.day > range.to) continue;
        const entry = byDay.get(e.day) ?? { count: 0, metrics: {} };
        entry.count += 1;
        for (const [name, value] of Object.entries(e.metrics)) {
          const m = entry.metrics[name];
          entry.metrics[name] = m ? { sum: m.sum + value, min: Math.min(m.min, value), max: Math.max(m.max, value) } : { sum: value, min: value, max: value };
        }
        byDay.set(e.day, entry);
      }
      return [...byDay.entries()].sort(([a], [b]) => a - b).map(([day, entry]) => ({ day, ...entry }));
    },
    topCustomEvents(appId: string, range: DayRange, limit: number): EventTypeCount[] {
      const counts = new Map<string, number>();
      for (const e of ofApp(appId)) {
        if (e.eventType.startsWith('_') || e.day < range.from || e.day > range.to) continue;
        counts.set(e.eventType, (counts.get(e.eventType) ?? 0) + 1);
      }
      return [...counts.entries()]
        .map(([eventType, count]) => ({ eventType, count }))
        .sort((a, b) => b.count - a.count || (a.eventType < b.eventType ? -1 : 1))
        .slice(0, limit);
    },
  };
}
