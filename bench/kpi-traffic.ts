import type { Event, PublicEndpoint } from '@aws-sdk/client-pinpoint';
import type { EventEnvelope } from '../src/mapping/event-envelope';

/** What the generated traffic covers. */
export interface KpiTrafficOptions {
  /** How many events to generate (exactly, unless chance falls more than 1 % short). */
  events: number;
  /** The UTC day number of the traffic's last day (today); it spans `days` days ending there. */
  lastDay: number;
  days: number;
  seed: number;
}

/** Events per device over the whole span: 5 million events come from 50 000 devices. */
const EVENTS_PER_DEVICE = 100;

/** How many devices send `events` events. */
export function kpiTrafficDevices(events: number): number {
  return Math.max(10, Math.round(events / EVENTS_PER_DEVICE));
}

/** The two applications: one large, and a small one with one device in twenty. */
export const KPI_TRAFFIC_APPS = {
  main: '7d1e0c2a9b8f4e6d8c1b2a3f4e5d6c7b',
  small: '3a9c5e7f1b2d4f6a8c0e2b4d6f8a0c1e',
} as const;

const SMALL_APP_SHARE = 0.05;
/** Chance that a device is active again on a later day, before its own decay. */
const RETURN_RATE = 0.6;
/**
 * How fast devices lose interest (days), with the share of devices of each kind: most apps lose
 * half their new users within days, keep some for weeks and a few for the whole quarter.
 */
const ENGAGEMENT = [
  { share: 0.4, decayDays: 2 },
  { share: 0.4, decayDays: 15 },
  { share: 0.2, decayDays: 90 },
] as const;
const PAYER_SHARE = 0.05;
/** Chance that a payer's session includes a purchase. */
const PURCHASE_RATE = 0.2;
/** A session that reaches the proxy days late (the device was offline), and after how many days at most. */
const LATE_SHARE = 0.03;
const LATE_MAX_DAYS = 7;
const MEDIAN_SESSION_MS = 240_000;
/**
 * The traffic is planned 1 % above `events` and cut there: the cut falls in the last day, which
 * is today and not over yet, and the few sessions still on devices do not make the count short.
 */
const PLANNED_EXTRA = 1.01;

/**
 * Custom event types with their weights, attributes and metrics. Twelve of them, so the top ten
 * custom events are a real ranking; `level.complete` carries the `Score` and `time` metrics.
 */
const CUSTOM_EVENTS: ReadonlyArray<{ type: string; weight: number; detail: (random: Random) => Pick<Event, 'Attributes' | 'Metrics'> }> = [
  { type: 'level.start', weight: 26, detail: (r) => ({ Attributes: { level: `L${1 + Math.floor(r() * 60)}` } }) },
  {
    type: 'level.complete',
    weight: 20,
    detail: (r) => ({ Attributes: { level: `L${1 + Math.floor(r() * 60)}` }, Metrics: { Score: Math.floor(r() * 5000), time: Math.round((20 + r() * 580) * 10) / 10 } }),
  },
  { type: 'screen.view', weight: 14, detail: (r) => ({ Attributes: { screen: pick(r, ['home', 'store', 'map', 'profile', 'settings']) } }) },
  { type: 'item.viewed', weight: 10, detail: (r) => ({ Attributes: { item: `sku-${Math.floor(r() * 40)}` } }) },
  { type: 'level.fail', weight: 7, detail: (r) => ({ Attributes: { level: `L${1 + Math.floor(r() * 60)}` }, Metrics: { Score: Math.floor(r() * 2000), time: Math.round(r() * 3000) / 10 } }) },
  { type: 'ad.impression', weight: 6, detail: (r) => ({ Attributes: { placement: pick(r, ['banner', 'interstitial', 'rewarded']) } }) },
  { type: 'reward.claimed', weight: 5, detail: (r) => ({ Metrics: { coins: 10 * (1 + Math.floor(r() * 20)) } }) },
  { type: 'tutorial.step', weight: 4, detail: (r) => ({ Metrics: { step: 1 + Math.floor(r() * 8) } }) },
  { type: 'settings.changed', weight: 3, detail: (r) => ({ Attributes: { setting: pick(r, ['sound', 'music', 'language']) } }) },
  { type: 'share', weight: 2, detail: (r) => ({ Attributes: { network: pick(r, ['twitter', 'facebook', 'line']) } }) },
  { type: 'friend.invite', weight: 1.5, detail: () => ({}) },
  { type: 'achievement.unlocked', weight: 1.5, detail: (r) => ({ Attributes: { achievement: `a${Math.floor(r() * 30)}` } }) },
];
const CUSTOM_WEIGHT = CUSTOM_EVENTS.reduce((sum, c) => sum + c.weight, 0);
/** Mean custom events per session; with the start, the stop and a few purchases about a quarter of all events are session starts. */
const CUSTOM_PER_SESSION = 2.2;
const EVENTS_PER_SESSION = 2 + CUSTOM_PER_SESSION + PAYER_SHARE * PURCHASE_RATE;

/** Device profiles: platform, SDK, locale and the currency its purchases are in. */
const PROFILES = [
  { weight: 35, platform: 'ANDROID', version: '13', make: 'samsung', model: 'SM-S911B', sdk: 'aws-sdk-android', sdkVersion: '2.2.5', locale: 'en_US', currency: 'USD' },
  { weight: 25, platform: 'iPhoneOS', version: '17.2', make: 'Apple', model: 'iPhone15,2', sdk: 'aws-sdk-iOS', sdkVersion: '2.4.16', locale: 'en_US', currency: 'USD' },
  { weight: 15, platform: 'ANDROID', version: '12', make: 'Google', model: 'Pixel 6', sdk: 'aws-sdk-android', sdkVersion: '2.2.5', locale: 'de_DE', currency: 'EUR' },
  { weight: 10, platform: 'iPhoneOS', version: '16.6', make: 'Apple', model: 'iPhone14,5', sdk: 'aws-sdk-iOS', sdkVersion: '2.4.16', locale: 'fr_FR', currency: 'EUR' },
  { weight: 10, platform: 'iPhoneOS', version: '17.1', make: 'Apple', model: 'iPhone15,3', sdk: 'aws-sdk-iOS', sdkVersion: '2.4.16', locale: 'ja_JP', currency: 'JPY' },
  { weight: 5, platform: 'Linux', version: 'x86_64', make: 'Google', model: 'Chrome', sdk: 'aws-sdk-mobile-analytics-js', sdkVersion: '0.9.2', locale: 'en_US', currency: 'USD' },
] as const;
const PROFILE_WEIGHT = PROFILES.reduce((sum, p) => sum + p.weight, 0);
const PRICES: Readonly<Record<string, readonly number[]>> = {
  USD: [0.99, 1.99, 4.99, 9.99, 19.99],
  EUR: [0.99, 1.99, 4.99, 9.99],
  JPY: [120, 250, 610, 1220],
};

const DAY_MS = 86_400_000;

type Random = () => number;

/** mulberry32: seeded, so every run stores the same events. */
function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function weighted<T extends { weight: number }>(random: Random, items: readonly T[], total: number): T {
  let left = random() * total;
  for (const item of items) {
    left -= item.weight;
    if (left < 0) return item;
  }
  return items[items.length - 1] as T;
}

/** Knuth's method: the means here are small. */
function poisson(random: Random, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random(); p > limit; p *= random()) k += 1;
  return k;
}

/** A 32-bit hash (splitmix-style finalizer): ids that look random and spread over the whole index, like real UUIDs. */
function mix32(value: number): number {
  let x = value >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

const hex8 = (value: number): string => value.toString(16).padStart(8, '0');

/** A UUID-formatted id, distinct for each `(kind, serial)` and seed. */
function uuid(seed: number, kind: number, serial: number): string {
  const base = mix32(seed ^ Math.imul(kind, 0x9e3779b9)) ^ Math.imul(serial, 4);
  const w = [mix32(base), mix32(base + 1), mix32(base + 2), mix32(base + 3)].map(hex8).join('');
  return `${w.slice(0, 8)}-${w.slice(8, 12)}-4${w.slice(13, 16)}-a${w.slice(17, 20)}-${w.slice(20, 32)}`;
}

/** The devices, as parallel arrays: 50 000 objects would do, but these stay a few megabytes. */
interface Devices {
  count: number;
  clientIds: string[];
  joinDay: Int32Array;
  decayDays: Float64Array;
  /** Relative sessions per active day (mean 1). */
  appetite: Float64Array;
  profile: Uint8Array;
  payer: Uint8Array;
  smallApp: Uint8Array;
}

function createDevices(count: number, days: number, seed: number, random: Random): Devices {
  const devices: Devices = {
    count,
    clientIds: [],
    joinDay: new Int32Array(count),
    decayDays: new Float64Array(count),
    appetite: new Float64Array(count),
    profile: new Uint8Array(count),
    payer: new Uint8Array(count),
    smallApp: new Uint8Array(count),
  };
  for (let i = 0; i < count; i += 1) {
    devices.clientIds.push(uuid(seed, 1, i));
    // More devices join early (a launch), and new ones keep coming until the last day.
    devices.joinDay[i] = Math.min(days - 1, Math.floor(days * random() ** 1.5));
    devices.decayDays[i] = weighted(random, ENGAGEMENT.map((e) => ({ weight: e.share, ...e })), 1).decayDays;
    devices.appetite[i] = 0.5 + random();
    devices.profile[i] = PROFILES.indexOf(weighted(random, PROFILES, PROFILE_WEIGHT));
    devices.payer[i] = random() < PAYER_SHARE ? 1 : 0;
    devices.smallApp[i] = random() < SMALL_APP_SHARE ? 1 : 0;
  }
  return devices;
}

/** The chance a device is active `age` days after it joined (always on its first day). */
function activeChance(age: number, decayDays: number): number {
  return age === 0 ? 1 : RETURN_RATE * Math.exp(-age / decayDays);
}

/** Sessions per active day (mean over devices) that make the traffic come to about `events` events. */
function sessionsPerActiveDay(devices: Devices, days: number, events: number): number {
  let activeDays = 0;
  for (let i = 0; i < devices.count; i += 1) {
    for (let age = 0; age < days - (devices.joinDay[i] as number); age += 1) activeDays += activeChance(age, devices.decayDays[i] as number);
  }
  return events / (EVENTS_PER_SESSION * Math.max(1, activeDays));
}

/** One session of one device, and when it reaches the proxy. */
interface Session {
  device: number;
  serial: number;
  start: number;
  lengthMs: number;
  receivedAt: number;
}

/** The events of a session, as the mapping makes them from the device's request. */
function sessionEnvelopes(session: Session, devices: Devices, options: KpiTrafficOptions, random: Random, nextEventSerial: () => number): EventEnvelope[] {
  const { device, start, lengthMs, receivedAt } = session;
  const profile = PROFILES[devices.profile[device] as number] as (typeof PROFILES)[number];
  const small = devices.smallApp[device] === 1;
  const applicationId = small ? KPI_TRAFFIC_APPS.small : KPI_TRAFFIC_APPS.main;
  const endpointId = devices.clientIds[device] as string;
  // One endpoint object per request, as `mapLegacyRequest` makes it.
  const endpoint: PublicEndpoint = {
    Demographic: { Make: profile.make, Model: profile.model, Platform: profile.platform, PlatformVersion: profile.version, Locale: profile.locale, AppVersion: '3.4.1' },
  };
  const common: Pick<Event, 'AppPackageName' | 'AppTitle' | 'AppVersionCode' | 'SdkName' | 'ClientSdkVersion'> = {
    AppPackageName: small ? 'com.example.puzzlelite' : 'com.example.puzzle',
    AppTitle: small ? 'Puzzle Lite' : 'Puzzle',
    AppVersionCode: '341',
    SdkName: profile.sdk,
    ClientSdkVersion: profile.sdkVersion,
  };
  const sessionId = `${endpointId.slice(0, 8)}-${session.serial.toString(36)}`;
  const startIso = new Date(start).toISOString();
  const stop = start + lengthMs;
  const envelope = (at: number, eventType: string, detail: Pick<Event, 'Attributes' | 'Metrics'>, stopped = false): EventEnvelope => ({
    eventId: uuid(options.seed, 2, nextEventSerial()),
    applicationId,
    endpointId,
    endpoint,
    event: {
      EventType: eventType,
      Timestamp: new Date(at).toISOString(),
      ...common,
      ...detail,
      Session: stopped
        ? { Id: sessionId, StartTimestamp: startIso, StopTimestamp: new Date(stop).toISOString(), Duration: lengthMs }
        : { Id: sessionId, StartTimestamp: startIso },
    },
    receivedAt,
  });
  const envelopes = [envelope(start, '_session.start', {})];
  const customs = poisson(random, CUSTOM_PER_SESSION);
  for (let k = 0; k < customs; k += 1) {
    const custom = weighted(random, CUSTOM_EVENTS, CUSTOM_WEIGHT);
    envelopes.push(envelope(start + Math.floor((lengthMs * (k + 1)) / (customs + 2)), custom.type, custom.detail(random)));
  }
  if (devices.payer[device] === 1 && random() < PURCHASE_RATE) {
    const price = pick(random, PRICES[profile.currency] ?? [0.99]);
    envelopes.push(
      envelope(start + Math.floor(lengthMs * 0.8), '_monetization.purchase', {
        Attributes: { _currency: profile.currency, _product_id: `com.example.puzzle.gems${Math.round(price)}`, _store: profile.platform === 'ANDROID' ? 'Google Play' : 'App Store' },
        Metrics: { _item_price: price, _quantity: 1 },
      }),
    );
  }
  envelopes.push(envelope(stop, '_session.stop', {}, true));
  return envelopes;
}

/**
 * Realistic KPI traffic, streamed in the order the proxy would deliver it: `events / 100`
 * devices that join over the span (more of them early), are active on their first day and then
 * less and less (most within days, some for weeks, a fifth all along), with one to a few
 * sessions per active day. A session is `_session.start`, a few custom events (`level.complete`
 * with `Score` and `time`, …), a purchase now and then for the 5 % of devices that pay (USD, EUR
 * or JPY by locale), and `_session.stop` with the session's length; one device in twenty uses a
 * second, small app. Sessions arrive in time order as their devices send them, except 3 % that
 * arrive one to seven days late (and, for the last days, not yet); the last day is cut where the
 * count is reached. Only a day of sessions is held at a time, so memory does not grow with `events`.
 */
export function* generateKpiTraffic(options: KpiTrafficOptions): Generator<EventEnvelope> {
  const random = createRandom(options.seed);
  const devices = createDevices(kpiTrafficDevices(options.events), options.days, options.seed, random);
  const perActiveDay = sessionsPerActiveDay(devices, options.days, options.events * PLANNED_EXTRA);
  const firstDay = options.lastDay - options.days + 1;
  let sessionSerial = 0;
  let eventSerial = 0;
  const nextEventSerial = (): number => eventSerial++;
  let yielded = 0;
  /** Late sessions by the day they arrive on (offset from the first day). */
  const late = new Map<number, Session[]>();
  for (let offset = 0; offset < options.days; offset += 1) {
    const dayStart = (firstDay + offset) * DAY_MS;
    const arriving = late.get(offset) ?? [];
    late.delete(offset);
    for (let device = 0; device < devices.count; device += 1) {
      const age = offset - (devices.joinDay[device] as number);
      if (age < 0 || random() >= activeChance(age, devices.decayDays[device] as number)) continue;
      const sessions = 1 + poisson(random, Math.max(0, perActiveDay * (devices.appetite[device] as number) - 1));
      for (let k = 0; k < sessions; k += 1) {
        const start = dayStart + Math.floor(random() * DAY_MS);
        const lengthMs = Math.max(5_000, Math.round(MEDIAN_SESSION_MS * Math.exp(0.8 * (random() + random() + random() - 1.5))));
        const session: Session = { device, serial: sessionSerial++, start, lengthMs, receivedAt: start + lengthMs + 1_000 + Math.floor(random() * 30_000) };
        if (random() < LATE_SHARE) {
          const delay = 1 + Math.floor(random() * LATE_MAX_DAYS);
          session.receivedAt += delay * DAY_MS;
          const list = late.get(offset + delay) ?? [];
          list.push(session);
          late.set(offset + delay, list);
        } else {
          arriving.push(session);
        }
      }
    }
    arriving.sort((a, b) => a.receivedAt - b.receivedAt);
    for (const session of arriving) {
      for (const envelope of sessionEnvelopes(session, devices, options, random, nextEventSerial)) {
        if (yielded === options.events) return;
        yielded += 1;
        yield envelope;
      }
    }
  }
}
