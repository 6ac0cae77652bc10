import { createHash } from 'node:crypto';
import { amzDateOf, createRandom, guid, hex, meanBytes, pick, signingHeaders, UNIQUE_TAG, type BenchRequest, type Random, type RequestShape, type ShapeId } from './request-shapes';

/**
 * The Pinpoint-native request shapes, in the order the phase runs them: aws-sdk-android's
 * `PinpointManager` (one endpoint with its full `PublicEndpoint`, 100 events in Gson's JSON) and
 * Amplify JS in a browser (`Endpoint: {}`, a few events), each with the legacy shape of the same
 * number of events per call that it is measured against.
 */
export const PINPOINT_SHAPE_IDS = ['pinpoint-manager-100', 'amplify-js-3'] as const;
export type PinpointShapeId = (typeof PINPOINT_SHAPE_IDS)[number];

/** One Pinpoint sender's traffic for many devices: its PutEvents calls, and the UpdateEndpoint it makes for each device first. */
export interface PinpointTraffic {
  shape: RequestShape<PinpointShapeId>;
  /** The legacy shape with the same events per call, driven in the same rounds. */
  legacy: ShapeId;
  /** The path's `{ApplicationId}`: one Pinpoint project per sender, so the store can be counted per sender. */
  applicationId: string;
  /** Each device's endpoint id, in the order of `shape.requests`. */
  endpointIds: string[];
  /** Each device's UpdateEndpoint call, in the same order. */
  updateEndpoint: BenchRequest[];
}

const PINPOINT_MANAGER_APP_ID = 'benchpinpointmanager000000000001';
const AMPLIFY_JS_APP_ID = 'benchamplifyjs000000000000000002';

/** `VersionInfoUtils.userAgent()` with the marker PinpointManager's clients append to every call. */
const PINPOINT_MANAGER_USER_AGENT =
  'aws-sdk-android/2.81.1 Linux/5.10.198-android13-4-00050-g12f3388b8a1c Dalvik/2.1.0/0 de_DE com.amazonaws.mobileconnectors.pinpoint.PinpointManager/2.81.1';
/** Amplify JS v5 in Chrome: the browser's User-Agent, the library named in x-amz-user-agent (as a captured session sends them). */
const CHROME_USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const AMPLIFY_JS_AMZ_USER_AGENT = 'aws-sdk-js-v3-@aws-sdk/client-pinpoint/3.6.1 Linux/x86_64 Chrome/120.0.0.0 aws-amplify/5.3.12 js';

const GAME_EVENTS = ['level.start', 'level.complete', 'item.collected'] as const;
const WEB_EVENTS = ['pageView', 'click', 'search', 'addToCart'] as const;
const PAGES = ['/', '/pricing', '/docs', '/blog', '/signup', '/cart'] as const;

/** Members whose numbers Gson writes as Java doubles (`12.0`). */
const DOUBLE_KEYS = new Set(['Metrics', 'Latitude', 'Longitude']);

/**
 * JSON as aws-sdk-android's marshallers write it through Gson: no spaces, null members left out,
 * the numbers of `Metrics` maps (and coordinates) with a fraction. Objects are built here with
 * their members in the model's (alphabetical) order.
 */
function gsonJson(value: unknown, key = ''): string {
  if (typeof value === 'number') return DOUBLE_KEYS.has(key) && Number.isInteger(value) ? value.toFixed(1) : String(value);
  if (Array.isArray(value)) return `[${value.map((item) => gsonJson(item)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).filter(([, v]) => v !== undefined);
    // A map's entries take the map's own name, so `Metrics: { score: 12 }` is written `12.0`.
    return `{${members.map(([k, v]) => `${JSON.stringify(k)}:${gsonJson(v, DOUBLE_KEYS.has(key) ? key : k)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** An SDK's random event id, followed by the placeholder that becomes a fresh id when the driver asks for fresh events. */
function eventKey(random: Random): string {
  return `${guid(random)}-${UNIQUE_TAG}`;
}

/** The session id aws-sdk-android builds: 8 characters of the unique id, then `yyyyMMdd-HHmmssSSS` of the start. */
function androidSessionId(endpointId: string, start: number): string {
  const iso = new Date(start).toISOString();
  return `${endpointId.slice(0, 8)}-${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 23).replace(/[:.]/g, '')}`;
}

/** `EventRecorder.buildEndpointPayload`: the device's whole profile, copied into every PutEvents batch item. */
function androidEndpoint(random: Random, effectiveDate: number): Record<string, unknown> {
  return {
    Address: `fcm:APA91b${hex(random, 140)}`,
    Attributes: { interests: [pick(random, ['puzzles', 'racing', 'strategy']), pick(random, ['sports', 'music', 'news'])] },
    ChannelType: 'GCM',
    Demographic: {
      AppVersion: '4.1.2',
      Locale: pick(random, ['de_DE', 'en_US', 'fr_FR']),
      Make: 'Google',
      Model: pick(random, ['Pixel 7', 'Pixel 8', 'Pixel 8a']),
      Platform: 'ANDROID',
      PlatformVersion: pick(random, ['13', '14']),
      Timezone: 'Europe/Berlin',
    },
    EffectiveDate: new Date(effectiveDate).toISOString(),
    Location: { Country: pick(random, ['DEU', 'USA', 'FRA']) },
    Metrics: { launches: Math.floor(random() * 50) },
    OptOut: 'NONE',
    User: { UserAttributes: { plan: [pick(random, ['free', 'premium'])] }, UserId: `user-${hex(random, 8)}` },
  };
}

/** `EventRecorder.buildEventPayload`: app and SDK fields on every event, stop and duration only on the session's stop. */
function androidEvents(random: Random, endpointId: string, start: number, count: number): Record<string, unknown> {
  const session = { Id: androidSessionId(endpointId, start), StartTimestamp: new Date(start).toISOString() };
  const events: Record<string, unknown> = {};
  for (let i = 0; i < count; i += 1) {
    const at = start + i * 20_000;
    const last = i === count - 1;
    const eventType = i === 0 ? '_session.start' : last ? '_session.stop' : i === 60 ? '_monetization.purchase' : (GAME_EVENTS[i % 3] as string);
    const custom = i > 0 && !last;
    const purchase = i === 60;
    events[eventKey(random)] = {
      AppPackageName: 'com.example.quest',
      AppTitle: 'Quest',
      AppVersionCode: '412',
      Attributes: purchase
        ? { _currency: 'EUR', _product_id: 'quest.gems.500', _store: 'Google Play', _transaction_id: `GPA.${hex(random, 16)}` }
        : custom
          ? { level: String(i % 20), mode: pick(random, ['hard', 'easy/ranked']) }
          : {},
      ClientSdkVersion: '2.81.1',
      EventType: eventType,
      Metrics: purchase ? { _item_price: 4.99, _quantity: 1 } : custom ? { coins: Math.floor(random() * 7), score: Math.floor(random() * 10_000) } : {},
      SdkName: 'aws-sdk-android',
      Session: last ? { ...session, Duration: at - start, StopTimestamp: new Date(at).toISOString() } : session,
      Timestamp: new Date(at).toISOString(),
    };
  }
  return events;
}

/** The headers AmazonHttpClient sends (the invocation id, retry info, `x-amz-json-1.1` from the marshaller), with a SigV4 the proxy does not check by default. */
function androidHeaders(random: Random, now: number): Record<string, string> {
  return {
    'User-Agent': PINPOINT_MANAGER_USER_AGENT,
    'aws-sdk-invocation-id': guid(random),
    'aws-sdk-retry': '0/0',
    'Content-Type': 'application/x-amz-json-1.1',
    'Accept-Encoding': 'gzip',
    ...signingHeaders(random, amzDateOf(now), 'aws-sdk-invocation-id;aws-sdk-retry;content-type;host;user-agent;x-amz-date;x-amz-security-token', 'mobiletargeting'),
  };
}

/** aws-sdk-android's PinpointManager: one call of 100 events per device, each with the device's full profile, and the UpdateEndpoint before it. */
function pinpointManagerTraffic(random: Random, devices: number, now: number): PinpointTraffic {
  const endpointIds: string[] = [];
  const putEvents: BenchRequest[] = [];
  const updateEndpoint: BenchRequest[] = [];
  for (let device = 0; device < devices; device += 1) {
    const endpointId = guid(random);
    const start = now - 2_400_000 + Math.floor(random() * 300_000);
    const endpoint = androidEndpoint(random, start - 1_500);
    endpointIds.push(endpointId);
    updateEndpoint.push({
      method: 'PUT',
      path: `/v1/apps/${PINPOINT_MANAGER_APP_ID}/endpoints/${endpointId}`,
      headers: androidHeaders(random, now),
      body: Buffer.from(gsonJson(endpoint)),
    });
    putEvents.push({
      method: 'POST',
      path: `/v1/apps/${PINPOINT_MANAGER_APP_ID}/events`,
      headers: androidHeaders(random, now),
      body: Buffer.from(gsonJson({ BatchItem: { [endpointId]: { Endpoint: endpoint, Events: androidEvents(random, endpointId, start, 100) } } })),
    });
  }
  return {
    shape: { id: 'pinpoint-manager-100', description: 'aws-sdk-android 2.81.1 PinpointManager, 1 endpoint (full PublicEndpoint), 100 events/call', eventsPerRequest: 100, bodyBytes: meanBytes(putEvents), requests: putEvents },
    legacy: 'js-100',
    applicationId: PINPOINT_MANAGER_APP_ID,
    endpointIds,
    updateEndpoint,
  };
}

/** The headers Chrome sends for Amplify JS's fetch to Pinpoint (a CORS request, SigV4 in the headers). */
function browserHeaders(random: Random, now: number, body: Buffer): Record<string, string> {
  return {
    Accept: '*/*',
    'Accept-Encoding': 'gzip, deflate, br',
    'Accept-Language': 'en-US,en;q=0.9',
    'Content-Type': 'application/json',
    Origin: 'https://shop.example.com',
    Referer: 'https://shop.example.com/',
    'User-Agent': CHROME_USER_AGENT,
    'x-amz-user-agent': AMPLIFY_JS_AMZ_USER_AGENT,
    'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'),
    ...signingHeaders(random, amzDateOf(now), 'content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-amz-user-agent', 'mobiletargeting'),
  };
}

/** Amplify JS in a browser: what one 5-second flush holds on a page (a few events, `Endpoint: {}`), and the UpdateEndpoint it makes before recording anything. */
function amplifyJsTraffic(random: Random, devices: number, eventsPerCall: number, now: number): PinpointTraffic {
  const endpointIds: string[] = [];
  const putEvents: BenchRequest[] = [];
  const updateEndpoint: BenchRequest[] = [];
  for (let device = 0; device < devices; device += 1) {
    const endpointId = guid(random);
    const start = now - 600_000 + Math.floor(random() * 300_000);
    const session = { Id: guid(random), StartTimestamp: new Date(start).toISOString() };
    const endpoint = {
      Attributes: {},
      Demographic: { AppVersion: 'Chrome/120.0.0.0', Make: 'Gecko', Model: 'Chrome', ModelVersion: '120.0.0.0', Platform: 'Linux x86_64' },
      EffectiveDate: new Date(start - 500).toISOString(),
      Location: {},
      Metrics: {},
      RequestId: guid(random),
      User: { UserAttributes: {}, UserId: `us-east-1:${guid(random)}` },
    };
    const events: Record<string, unknown> = {};
    for (let i = 0; i < eventsPerCall; i += 1) {
      const eventType = pick(random, WEB_EVENTS);
      events[eventKey(random)] = {
        EventType: eventType,
        Timestamp: new Date(start + 1_000 * (i + 1)).toISOString(),
        Attributes: { url: pick(random, PAGES), ...(eventType === 'pageView' ? {} : { element: `button-${Math.floor(random() * 20)}` }) },
        Metrics: eventType === 'pageView' ? { scrollDepth: Math.round(random() * 100) / 100 } : {},
        Session: session,
      };
    }
    const endpointBody = Buffer.from(JSON.stringify(endpoint));
    const eventsBody = Buffer.from(JSON.stringify({ BatchItem: { [endpointId]: { Endpoint: {}, Events: events } } }));
    endpointIds.push(endpointId);
    updateEndpoint.push({ method: 'PUT', path: `/v1/apps/${AMPLIFY_JS_APP_ID}/endpoints/${endpointId}`, headers: browserHeaders(random, now, endpointBody), body: endpointBody });
    putEvents.push({ method: 'POST', path: `/v1/apps/${AMPLIFY_JS_APP_ID}/events`, headers: browserHeaders(random, now, eventsBody), body: eventsBody });
  }
  return {
    shape: { id: 'amplify-js-3', description: `Amplify JS 5.3.12 in Chrome, Endpoint {}, ${eventsPerCall} events/call`, eventsPerRequest: eventsPerCall, bodyBytes: meanBytes(putEvents), requests: putEvents },
    legacy: 'js-3',
    applicationId: AMPLIFY_JS_APP_ID,
    endpointIds,
    updateEndpoint,
  };
}

/** Builds one Pinpoint sender's traffic (deterministic for a given `now` and device count). */
export function buildPinpointTraffic(id: PinpointShapeId, devices: number, now: number): PinpointTraffic {
  const random = createRandom(0x9e7b0 + PINPOINT_SHAPE_IDS.indexOf(id));
  switch (id) {
    case 'pinpoint-manager-100':
      return pinpointManagerTraffic(random, devices, now);
    case 'amplify-js-3':
      return amplifyJsTraffic(random, devices, 3, now);
  }
}
