import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';

/** The legacy PutEvents path every shape posts to. */
export const EVENTS_PATH = '/2014-06-05/events';

/** One prebuilt request, in the form autocannon's `requests` array takes. */
export interface BenchRequest {
  method: 'POST' | 'PUT';
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** A family of requests as one client generation sends them, for many devices (the legacy shapes' ids by default). */
export interface RequestShape<Id extends string = ShapeId> {
  id: Id;
  description: string;
  eventsPerRequest: number;
  /** Mean wire body size in bytes (after gzip when the shape is gzipped). */
  bodyBytes: number;
  /** Distinct devices (client ids); autocannon cycles through them, so coalescing sees many endpoints. */
  requests: BenchRequest[];
}

/**
 * The shape ids; `js-10` is the one the pass criteria use. `js-3` is not in the load table: it is
 * the legacy reference for the Pinpoint phase's Amplify JS calls of 3 events (last, so the other
 * shapes keep their seeds and bytes).
 */
export const SHAPE_IDS = ['js-10', 'js-1', 'js-100', 'ama-240kb', 'android-gzip', 'gzip-10mb', 'js-3'] as const;
export type ShapeId = (typeof SHAPE_IDS)[number];

/** A seeded generator, so every run posts the same bytes and runs stay comparable. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;

export function hex(random: Random, length: number): string {
  let out = '';
  while (out.length < length) out += Math.floor(random() * 16).toString(16);
  return out;
}

export function guid(random: Random): string {
  return `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-a${hex(random, 3)}-${hex(random, 12)}`;
}

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

const APP_ID = 'bench0000000000000000000000000001';
const EVENT_TYPES = ['level.start', 'level.complete', 'screen.view', 'item.tap', 'search', 'share'] as const;
const SCREENS = ['home', 'settings', 'store', 'profile', 'level-select', 'leaderboard'] as const;

/** The SigV4 headers every client sends; the proxy never verifies them but must parse them. */
export function signingHeaders(random: Random, amzDate: string, signedHeaders: string, service = 'mobileanalytics'): Record<string, string> {
  return {
    'X-Amz-Date': amzDate,
    'x-amz-security-token': `IQoJb3JpZ2luX2VjE${hex(random, 300)}`,
    Authorization:
      `AWS4-HMAC-SHA256 Credential=ASIA${hex(random, 16).toUpperCase()}/${amzDate.slice(0, 8)}/us-east-1/${service}/aws4_request, ` +
      `SignedHeaders=${signedHeaders}, Signature=${hex(random, 64)}`,
  };
}

export function amzDateOf(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** autocannon's placeholder for a per-request id (`idReplacement`). */
export const UNIQUE_TAG = '[<id>]';

/** An aws-sdk-js v2 style event: session with id/start/stop/duration, version, a few attributes and metrics. */
function jsEvent(random: Random, sessionId: string, sessionStart: number, at: number): Record<string, unknown> {
  const eventType = pick(random, EVENT_TYPES);
  return {
    eventType,
    timestamp: new Date(at).toISOString(),
    session: { id: sessionId, duration: at - sessionStart, startTimestamp: new Date(sessionStart).toISOString(), stopTimestamp: new Date(at).toISOString() },
    version: 'v2.0',
    // `[<id>]` becomes a fresh id per request when the driver asks for unique requests.
    attributes: { screen: pick(random, SCREENS), variant: pick(random, ['a', 'b']), campaign: `spring-${Math.floor(random() * 20)}`, source: 'organic', send: UNIQUE_TAG },
    metrics: { score: Math.floor(random() * 10000), durationMs: Math.floor(random() * 60000), level: Math.floor(random() * 50) },
  };
}

function awsSdkJsRequests(random: Random, devices: number, eventsPerRequest: number, now: number): BenchRequest[] {
  return Array.from({ length: devices }, () => {
    const clientContext = JSON.stringify({
      client: { client_id: guid(random), app_title: 'Bench Game', app_version_name: '3.4.1', app_version_code: '341', app_package_name: 'com.example.benchgame' },
      custom: {},
      env: { platform: 'linux', model: 'server', make: 'node', platform_version: 'v20.20.2', locale: 'en-US' },
      services: { mobile_analytics: { app_id: APP_ID } },
    });
    const sessionStart = now - 600_000 + Math.floor(random() * 300_000);
    const sessionId = guid(random);
    const events = Array.from({ length: eventsPerRequest }, (_, i) => jsEvent(random, sessionId, sessionStart, sessionStart + 1000 * (i + 1)));
    const body = Buffer.from(JSON.stringify({ events }));
    return {
      method: 'POST',
      path: EVENTS_PATH,
      headers: {
        'User-Agent': 'aws-sdk-nodejs/2.1693.0 linux/v20.20.2 callback',
        'x-amz-Client-Context': clientContext,
        'Content-Type': 'application/json',
        'X-Amz-Content-Sha256': createHash('sha256').update(body).digest('hex'),
        ...signingHeaders(random, amzDateOf(now), 'host;x-amz-client-context;x-amz-content-sha256;x-amz-date;x-amz-security-token'),
      },
      body,
    };
  });
}

/** aws-sdk-mobile-analytics 0.9.2: empty-or-small maps, session without stop, batches cut at ~256 000 bytes. */
function mobileAnalyticsJsRequests(random: Random, devices: number, targetBytes: number, now: number): BenchRequest[] {
  return Array.from({ length: devices }, () => {
    const clientContext = JSON.stringify({
      client: { client_id: guid(random), app_title: 'Bench Web', app_version_name: '1.8.0', app_version_code: '180', app_package_name: 'com.example.benchweb' },
      env: { platform: 'Linux', platform_version: 'x86_64', model: 'Chrome', make: 'Google', locale: 'en-US' },
      services: { mobile_analytics: { app_id: APP_ID, sdk_name: 'aws-sdk-mobile-analytics-js', sdk_version: '0.9.2:2.1693.0' } },
      custom: {},
    });
    const sessionStart = now - 3_600_000;
    const session = { id: guid(random), startTimestamp: new Date(sessionStart).toISOString() };
    const events: Array<Record<string, unknown>> = [];
    let size = 2;
    while (size < targetBytes) {
      const at = sessionStart + events.length * 250;
      const event = {
        eventType: pick(random, EVENT_TYPES),
        timestamp: new Date(at).toISOString(),
        session,
        version: 'v2.0',
        attributes: { screen: pick(random, SCREENS), referrer: `https://www.example.com/${hex(random, 12)}` },
        metrics: { position: Math.floor(random() * 100) },
      };
      size += Buffer.byteLength(JSON.stringify(event)) + 1;
      events.push(event);
    }
    const body = Buffer.from(JSON.stringify({ events }));
    return {
      method: 'POST',
      path: EVENTS_PATH,
      headers: {
        'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
        'X-Amz-User-Agent': 'aws-sdk-js/2.1693.0 callback',
        'x-amz-Client-Context': clientContext,
        'Content-Type': 'application/json',
        Origin: 'https://web.example.com',
        'X-Amz-Content-Sha256': createHash('sha256').update(body).digest('hex'),
        ...signingHeaders(random, amzDateOf(now), 'host;x-amz-client-context;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-amz-user-agent'),
      },
      body,
    };
  });
}

function androidTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

function androidSessionId(uniqueId: string, start: number): string {
  const iso = new Date(start).toISOString();
  return `${uniqueId.slice(0, 8)}-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 23).replace(/[:.]/g, '')}`;
}

/** aws-sdk-android 2.2.5: gzip body, base64 client context, no `version`, Java doubles, X-Amz-Target. */
function androidRequests(random: Random, devices: number, eventsPerRequest: number, now: number): BenchRequest[] {
  return Array.from({ length: devices }, () => {
    const clientId = guid(random);
    const clientContext = Buffer.from(
      JSON.stringify({
        client: { app_package_name: 'com.example.benchgame', app_title: 'Bench Game', app_version_name: '3.4.1', app_version_code: '341', client_id: clientId },
        env: { model: 'Pixel 2', make: 'Google', platform: 'ANDROID', platform_version: '8.1.0', locale: 'en_US', carrier: 'Example Mobile', networkType: 'WIFI' },
        custom: {},
        services: { mobile_analytics: { app_id: APP_ID } },
      }),
    ).toString('base64');
    const start = now - 900_000 + Math.floor(random() * 300_000);
    const session = { id: androidSessionId(clientId, start), startTimestamp: androidTimestamp(start) };
    const events = Array.from({ length: eventsPerRequest }, (_, i) => ({
      eventType: i === 0 ? '_session.start' : pick(random, EVENT_TYPES),
      timestamp: androidTimestamp(start + i * 1500),
      session,
      attributes: { screen: pick(random, SCREENS), connectivity: 'wifi' },
      metrics: { score: Math.floor(random() * 1000) + 0.5, elapsed: 1.0 * i },
    }));
    const body = gzipSync(Buffer.from(JSON.stringify({ events })));
    return {
      method: 'POST',
      path: EVENTS_PATH,
      headers: {
        'User-Agent':
          'aws-sdk-android/2.2.5 Linux/3.18.70 Dalvik/2.1.0/0 en_US com.amazonaws.mobileconnectors.amazonmobileanalytics.MobileAnalyticsManager/2.2.5',
        'x-amz-Client-Context': clientContext,
        'x-amz-Client-Context-Encoding': 'base64',
        'X-Amz-Target': 'AmazonMobileAnalytics.PutEvents',
        'Content-Type': 'application/x-amz-json-1.0',
        'Content-Encoding': 'gzip',
        ...signingHeaders(random, amzDateOf(now), 'content-type;host;x-amz-client-context;x-amz-client-context-encoding;x-amz-date;x-amz-security-token;x-amz-target'),
      },
      body,
    };
  });
}

/** Inflated size of the amplification shape: one event, then spaces up to 10 MB. */
const AMPLIFIED_BYTES = 10 * 1024 * 1024;

/**
 * Hostile input, measured for memory: Android requests whose ~10 KB gzip body inflates to 10 MB
 * (one event followed by spaces). Each is valid, so each is accepted and stored (compactly).
 */
function amplifiedRequests(random: Random, devices: number, now: number): BenchRequest[] {
  return androidRequests(random, devices, 1, now).map((request) => {
    const text = gunzipSync(request.body).toString('utf8');
    const padded = `${text.slice(0, -1)}${' '.repeat(AMPLIFIED_BYTES - text.length)}}`;
    return { ...request, body: gzipSync(Buffer.from(padded), { level: 9 }) };
  });
}

/** The mean body size of `requests` in bytes, as sent. */
export function meanBytes(requests: readonly BenchRequest[]): number {
  return Math.round(requests.reduce((sum, r) => sum + r.body.length, 0) / Math.max(1, requests.length));
}

function meanEvents(requests: readonly BenchRequest[]): number {
  const total = requests.reduce((sum, r) => sum + (JSON.parse(r.body.toString('utf8')) as { events: unknown[] }).events.length, 0);
  return Math.round(total / Math.max(1, requests.length));
}

/**
 * Builds one shape's requests (deterministic for a given `now` and device count). Real clients
 * differ in headers, encodings and sizes, which is exactly where proxies pay; these follow
 * what each SDK's source sends.
 */
export function buildShape(id: ShapeId, devices: number, now: number): RequestShape {
  const random = createRandom(0xbe7c4 + SHAPE_IDS.indexOf(id));
  switch (id) {
    case 'js-1':
    case 'js-3':
    case 'js-10':
    case 'js-100': {
      const perRequest = Number(id.slice(3));
      const requests = awsSdkJsRequests(random, devices, perRequest, now);
      return { id, description: `aws-sdk-js 2.1693.0, ${perRequest} event${perRequest === 1 ? '' : 's'}/request`, eventsPerRequest: perRequest, bodyBytes: meanBytes(requests), requests };
    }
    case 'ama-240kb': {
      const requests = mobileAnalyticsJsRequests(random, devices, 240_000, now);
      return { id, description: 'aws-sdk-mobile-analytics 0.9.2 batch (~240 KB)', eventsPerRequest: meanEvents(requests), bodyBytes: meanBytes(requests), requests };
    }
    case 'android-gzip': {
      const perRequest = 25;
      const requests = androidRequests(random, devices, perRequest, now);
      const inflated = requests.reduce((sum, r) => sum + gunzipSync(r.body).length, 0) / Math.max(1, requests.length);
      return { id, description: `aws-sdk-android 2.2.5, ${perRequest} events/request, gzip of ${(inflated / 1024).toFixed(1)} KB`, eventsPerRequest: perRequest, bodyBytes: meanBytes(requests), requests };
    }
    case 'gzip-10mb': {
      const requests = amplifiedRequests(random, devices, now);
      return { id, description: 'gzip amplification: 1 event padded with spaces to 10 MB inflated', eventsPerRequest: 1, bodyBytes: meanBytes(requests), requests };
    }
  }
}
