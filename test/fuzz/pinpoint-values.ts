import fc from 'fast-check';
import { anyValue, member, oddTimestamps, realTimestamp, timestampFields, w } from './arbitraries';
import { NULL, arr, num, obj, raw, str, type JsonNode } from './json-text';

/**
 * fast-check arbitraries of the Pinpoint API's JSON (as `JsonNode`s, so duplicate keys, bare
 * number tokens and lone surrogates can be written): ids, timestamps, events, endpoints,
 * `EventsRequest` and `EndpointRequest` bodies. Mostly what the service's checks accept, with
 * values at and just past each limit (50/51-character names, 200/201-character values, 40/41
 * attributes and metrics, 100/101 events), prototype names and odd characters in ids.
 */

/** Application ids the requests share (in their paths), so events and endpoint profiles of one app meet. */
export const APP_IDS = ['fuzz-app-1', 'fuzz-app-2', '0123456789abcdef0123456789abcdef'] as const;

/**
 * Endpoint ids that PutEvents, UpdateEndpoint and GetEndpoint share, so stored profiles meet
 * events: plain ones, a device's UUID, prototype names, a percent sign, a slash, unicode.
 */
export const SHARED_ENDPOINT_IDS = ['fuzz-endpoint-1', 'fuzz-endpoint-2', 'C2F5A8D1-4B7E-4C0A-9D3F-6E1B8A5C2D7F', '__proto__', 'constructor', '100%', 'a/b', 'ü-endpoint'] as const;

/** Text without lone surrogates (which refuse a whole request; `structural.ts` puts them in on purpose). */
export const cleanText = (max: number, min = 0): fc.Arbitrary<string> =>
  fc
    .oneof(
      w(30, fc.string({ minLength: Math.max(min, 0), maxLength: Math.min(max, 20) })),
      w(4, fc.string({ unit: 'grapheme', minLength: Math.max(min, 0), maxLength: Math.min(max, 8) })),
      w(1, fc.constantFrom('\u0000', 'a\u0000b', '\ufffd', '\u2028', '\ud83d\ude00', 'Grüße, 世界', '%41', '$x', '${x}', '__proto__')),
    )
    .filter((s) => s.length >= min && s.length <= max);

/** Text at a length limit: exactly `max`, one over, in ASCII and in astral characters (two UTF-16 units each). */
export const atLimit = (max: number): fc.Arbitrary<string> =>
  fc.constantFrom('x'.repeat(max), 'y'.repeat(max + 1), '\ud83d\ude00'.repeat(max / 2), '\ud83d\ude00'.repeat(max / 2 + 1), 'é'.repeat(max));

/** Ids odd enough for any map key: prototype names, percent and `$` signs, dots, NUL, a lone surrogate, 256/257 long, empty. */
const oddKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '%41',
  '%',
  '$',
  '$1',
  '${x}',
  '{x}',
  'a.b',
  'a/b',
  '0',
  '1',
  '-1',
  '1e3',
  ' ',
  '\u0000',
  '\u2028',
  'ü',
  '\ud83d\ude00',
  '\udc00',
  'k'.repeat(256),
  'k'.repeat(257),
  '',
);

/** A `BatchItem` key: mostly a UUID (new to the run), a shared id (to meet profiles and other requests), or odd. */
const endpointKey: fc.Arbitrary<string> = fc.oneof(w(14, fc.uuid()), w(5, fc.constantFrom(...SHARED_ENDPOINT_IDS)), w(1, oddKey), w(1, cleanText(40, 1)));

/** An `Events` key: mostly a UUID, sometimes one other requests use too, or odd. */
const eventKey: fc.Arbitrary<string> = fc.oneof(w(16, fc.uuid()), w(2, fc.constantFrom('event-1', 'event-2', 'order-1001')), w(2, oddKey), w(1, cleanText(40, 1)));

const two = (n: number): string => String(n).padStart(2, '0');

/** A real instant written in local time with an offset (`±hh:mm` or `±hhmm`), 0 to 9 fraction digits. */
const offsetTimestamp: fc.Arbitrary<string> = fc
  .tuple(
    fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2040-01-01T00:00:00Z'), noInvalidDate: true }),
    fc.integer({ min: -48, max: 56 }),
    fc.boolean(),
    fc.constantFrom('', '.1', '.123', '.123456', '.123456789'),
  )
  .map(([date, quarters, colon, fraction]) => {
    const minutes = quarters * 15;
    const local = new Date(date.getTime() + minutes * 60_000).toISOString().slice(0, 19);
    const sign = minutes < 0 ? '-' : '+';
    const zone = `${sign}${two(Math.floor(Math.abs(minutes) / 60))}${colon ? ':' : ''}${two(Math.abs(minutes) % 60)}`;
    return `${local}${fraction}${zone}`;
  });

/** Timestamps of the right shape that name no instant, or another shape (Pinpoint's pattern wants seconds). */
export const pinpointOddTimestamps = fc.oneof(
  oddTimestamps,
  fc.constantFrom(
    '2026-05-01T10:00:00+99:99',
    '2026-05-01T10:00:00+24:00',
    '2026-05-01T10:00:00-00:60',
    '2026-05-01T10:00:00+2400',
    '2026-05-01T10:00:00+14:00',
    '2026-05-01T10:00:00-12:00',
    '2026-05-01T10:00:00z',
    '2026-05-01t10:00:00Z',
    '2026-05-01T10:00:00.1234567890Z',
    '2026-05-01T10:00:00.Z',
    '2026-02-29T00:00:00Z',
    '2028-02-29T00:00:00Z',
    '2100-02-29T00:00:00Z',
    '2026-05-01T24:00:00Z',
    '2026-05-01T23:59:60Z',
    '+002026-05-01T10:00:00Z',
    '1969-12-31T23:59:59.999Z',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999999999Z',
    '２０２６-05-01T10:00:00Z',
  ),
);

/** Timestamp texts: mostly real instants (as SDKs write them, or with an offset), sometimes odd. */
const timestampText: fc.Arbitrary<string> = fc.oneof(w(120, realTimestamp), w(20, offsetTimestamp), w(4, timestampFields), w(5, pinpointOddTimestamps));

/** A timestamp member's value: a timestamp text, rarely not a string at all. */
const timestamp: fc.Arbitrary<JsonNode> = fc.oneof(w(60, timestampText.map(str)), w(1, fc.constantFrom(num(1777629600000), NULL, str(''), arr([]))));

/** An unknown member now and then (Pinpoint's shapes are closed: the event, or the whole request, is refused). */
const strayMember = (none: number): fc.Arbitrary<Array<[string, JsonNode]>> =>
  fc.oneof(
    w(none, fc.constant<Array<[string, JsonNode]>>([])),
    w(1, fc.tuple(fc.constantFrom('extra', 'eventType', 'timestamp', '__proto__', 'constructor'), anyValue(fc.integer({ min: 1, max: 12 }))).map((e): Array<[string, JsonNode]> => [e])),
  );

const eventType: fc.Arbitrary<JsonNode> = fc
  .oneof(
    w(10, fc.string({ minLength: 1, maxLength: 30 })),
    w(4, fc.constantFrom('_session.start', '_session.stop', '_session.pause', '_session.resume', '_monetization.purchase', 'pageView')),
    w(1, cleanText(50, 1)),
    w(1, atLimit(50)),
    w(1, fc.constant('')),
  )
  .map(str);

/** An attribute or metric name: ordinary, at 50 and 51 characters, prototype names, `$` and `%`, empty. */
const entryName: fc.Arbitrary<string> = fc.oneof(
  w(20, fc.string({ minLength: 1, maxLength: 16 })),
  w(2, fc.constantFrom('_currency', '_product_id', '__proto__', 'constructor', 'toString', '$x', '%20', 'a.b', '')),
  w(1, atLimit(50)),
  w(1, cleanText(50, 1)),
);

const attributeValue: fc.Arbitrary<JsonNode> = fc.oneof(
  w(30, cleanText(60).map(str)),
  w(2, atLimit(200).map(str)),
  w(1, fc.constantFrom(num(1), NULL, arr([str('a')]), { k: 'lit', v: true } as JsonNode)),
);

/** Numbers: finite doubles (-0 and subnormals included), integers, tokens that parse to ±Infinity or read oddly, non-numbers. */
const metricValue: fc.Arbitrary<JsonNode> = fc.oneof(
  w(12, fc.double({ noNaN: true, noDefaultInfinity: true }).map(num)),
  w(6, fc.integer({ min: 0, max: 1000 }).map(num)),
  w(
    1,
    fc.constantFrom(raw('1e999'), raw('-1e999'), raw('1E+308'), raw('5e-324'), raw('-0'), raw('1.0'), raw('12.50'), num(2 ** 53 + 2), str('NaN'), str('Infinity'), str('1'), NULL),
  ),
);

/** `count` entries whose names are distinct (so the count survives JSON.parse), one maybe at the name limit. */
const distinctEntries = (count: number, prefix: string, value: fc.Arbitrary<JsonNode>): fc.Arbitrary<Array<[string, JsonNode]>> =>
  fc.tuple(fc.array(value, { minLength: count, maxLength: count }), fc.option(fc.constantFrom('n'.repeat(50), 'n'.repeat(51)), { freq: 4 })).map(([values, longName]) =>
    values.map((v, i): [string, JsonNode] => [i === 0 && longName !== null ? longName : `${prefix}${i}`, v]),
  );

/** An event's Attributes and Metrics: a few of each mostly, sometimes 38 to 42 together (Pinpoint allows 40). */
const attributesAndMetrics: fc.Arbitrary<Array<[string, JsonNode]>> = fc.oneof(
  w(
    30,
    fc
      .tuple(
        member('Attributes', fc.array(fc.tuple(entryName, attributeValue), { maxLength: 5 }).map(obj), 0.6),
        member('Metrics', fc.array(fc.tuple(entryName, metricValue), { maxLength: 4 }).map(obj), 0.5),
      )
      .map((parts) => parts.flat()),
  ),
  w(
    3,
    fc
      .integer({ min: 38, max: 42 })
      .chain((total) => fc.integer({ min: 0, max: total }).map((attributes) => [attributes, total - attributes] as const))
      .chain(([attributes, metrics]) => fc.tuple(distinctEntries(attributes, 'a', attributeValue), distinctEntries(metrics, 'm', metricValue)))
      .map(([attributes, metrics]): Array<[string, JsonNode]> => [
        ['Attributes', obj(attributes)],
        ['Metrics', obj(metrics)],
      ]),
  ),
);

const duration: fc.Arbitrary<JsonNode> = fc.oneof(
  w(12, fc.integer({ min: 0, max: 2_147_483_647 }).map(num)),
  w(1, fc.constantFrom(num(2_147_483_648), num(-1), num(1.5), num(0), raw('1e3'), raw('0.0'), str('300'), NULL)),
);

const session: fc.Arbitrary<JsonNode> = fc
  .tuple(
    member('Id', fc.oneof(w(8, fc.uuid().map(str)), w(2, cleanText(60, 1).map(str)), w(1, fc.constant(str('')))), 0.97),
    member('StartTimestamp', timestamp, 0.95),
    member('StopTimestamp', timestamp, 0.3),
    member('Duration', duration, 0.45),
    strayMember(60),
  )
  .map((parts) => obj(parts.flat()));

/** App and SDK fields: short mostly, now and then thousands of characters (no limit is documented). */
const appText: fc.Arbitrary<JsonNode> = fc.oneof(w(30, cleanText(40)), w(1, fc.integer({ min: 1000, max: 5000 }).map((n) => 'a'.repeat(n)))).map(str);

/** A PutEvents event: valid mostly, each check's limit reached or passed now and then. */
const pinpointEvent: fc.Arbitrary<JsonNode> = fc
  .tuple(
    member('EventType', eventType, 0.99),
    member('Timestamp', timestamp, 0.99),
    member('Session', session, 0.7),
    attributesAndMetrics,
    member('AppPackageName', appText, 0.3),
    member('AppTitle', appText, 0.3),
    member('AppVersionCode', appText, 0.3),
    member('ClientSdkVersion', appText, 0.3),
    member('SdkName', appText, 0.3),
    strayMember(80),
  )
  .map((parts) => obj(parts.flat()));

/** A small valid event, for requests of a hundred events or a hundred endpoints. */
const tinyEvent: fc.Arbitrary<JsonNode> = fc
  .tuple(fc.string({ minLength: 1, maxLength: 8 }), realTimestamp)
  .map(([type, at]) => obj([['EventType', str(type)], ['Timestamp', str(at)]]));

/** Strings within a Demographic/Location member's limit mostly, at it or one past it now and then. */
const bounded = (max: number): fc.Arbitrary<JsonNode> => fc.oneof(w(20, cleanText(Math.min(max, 20))), w(1, atLimit(max))).map(str);

const demographic: fc.Arbitrary<JsonNode> = fc
  .tuple(
    member('AppVersion', bounded(50), 0.5),
    member('Locale', fc.oneof(w(6, fc.constantFrom('en_US', 'de_DE', 'fr-FR', 'pt_BR', 'zh_Hans_CN', 'en')), w(1, bounded(50))).map((v) => (typeof v === 'string' ? str(v) : v)), 0.5),
    member('Make', bounded(50), 0.4),
    member('Model', bounded(100), 0.4),
    member('ModelVersion', bounded(50), 0.2),
    member('Platform', fc.oneof(w(4, fc.constantFrom('ANDROID', 'iOS', 'Web', 'linux').map(str)), w(1, bounded(50))), 0.5),
    member('PlatformVersion', bounded(50), 0.3),
    member('Timezone', fc.oneof(w(4, fc.constantFrom('Europe/Berlin', 'America/Los_Angeles', 'UTC').map(str)), w(1, bounded(50))), 0.3),
    strayMember(60),
  )
  .map((parts) => obj(parts.flat()));

const coordinate = (limit: number): fc.Arbitrary<JsonNode> =>
  fc.oneof(w(10, fc.double({ min: -limit, max: limit, noNaN: true }).map(num)), w(1, fc.constantFrom(num(limit), num(-limit), num(limit + 0.0001), num(-limit - 1), str('45.5'))));

const location: fc.Arbitrary<JsonNode> = fc
  .tuple(
    member('City', bounded(75), 0.4),
    member('Country', fc.oneof(w(6, fc.constantFrom('US', 'DEU', 'FR').map(str)), w(1, fc.constantFrom('USAX', '').map(str))), 0.6),
    member('Latitude', coordinate(90), 0.3),
    member('Longitude', coordinate(180), 0.3),
    member('PostalCode', cleanText(12).map(str), 0.2),
    member('Region', bounded(75), 0.2),
  )
  .map((parts) => obj(parts.flat()));

/** `Attributes` / `UserAttributes`: names to lists of strings (up to 50 of up to 100 characters), limits reached now and then. */
const listMap: fc.Arbitrary<JsonNode> = fc
  .array(
    fc.tuple(
      fc.oneof(w(10, fc.string({ minLength: 1, maxLength: 12 })), w(1, atLimit(50)), w(1, fc.constantFrom('__proto__', 'constructor', ''))),
      fc.oneof(
        w(20, fc.array(cleanText(30).map(str), { maxLength: 3 }).map(arr)),
        w(1, fc.constantFrom(arr([str('v'.repeat(100))]), arr([str('v'.repeat(101))]), arr(Array.from({ length: 51 }, () => str('v'))), str('not-a-list'))),
      ),
    ),
    { maxLength: 3 },
  )
  .map(obj);

const numberMap: fc.Arbitrary<JsonNode> = fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), metricValue), { maxLength: 3 }).map(obj);

const channelType: fc.Arbitrary<JsonNode> = fc
  .oneof(w(10, fc.constantFrom('GCM', 'APNS', 'APNS_SANDBOX', 'IN_APP', 'CUSTOM', 'SMS', 'EMAIL', 'BAIDU')), w(1, fc.constantFrom('gcm', 'WEB', '', ' PUSH')))
  .map(str);

/** A `PublicEndpoint`'s members; `effectiveDate` is what this shape holds in `EffectiveDate`. */
const endpointMembers = (effectiveDate: fc.Arbitrary<JsonNode>): fc.Arbitrary<JsonNode> =>
  fc
    .tuple(
      member('ChannelType', channelType, 0.4),
      member('Address', cleanText(60).map(str), 0.3),
      member('Demographic', demographic, 0.5),
      member('Location', location, 0.3),
      member('Attributes', listMap, 0.3),
      member('Metrics', numberMap, 0.2),
      member('EffectiveDate', effectiveDate, 0.3),
      member('EndpointStatus', fc.constantFrom('ACTIVE', 'INACTIVE').map(str), 0.2),
      member('OptOut', fc.constantFrom('ALL', 'NONE').map(str), 0.3),
      member('RequestId', fc.uuid().map(str), 0.2),
      member('User', fc.tuple(member('UserId', cleanText(40).map(str), 0.8), member('UserAttributes', listMap, 0.4)).map((parts) => obj(parts.flat())), 0.4),
      strayMember(100),
    )
    .map((parts) => obj(parts.flat()));

/** A PutEvents entry's `Endpoint`: empty as Amplify JS sends it, or partial or full as the mobile SDKs send it. */
const publicEndpoint: fc.Arbitrary<JsonNode> = fc.oneof(w(6, fc.constant(obj([]))), w(10, endpointMembers(fc.oneof(w(4, timestampText.map(str)), w(1, cleanText(20).map(str))))));

/** `EffectiveDate`s before now (older than stored ones), after now (newer), at now's year, or odd. */
export const effectiveDate: fc.Arbitrary<string> = fc.oneof(
  w(6, fc.date({ min: new Date('2019-01-01T00:00:00Z'), max: new Date('2025-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString())),
  w(6, fc.date({ min: new Date('2027-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString())),
  w(3, offsetTimestamp),
  w(1, pinpointOddTimestamps),
);

/** An UpdateEndpoint body: the endpoint's members with an `EffectiveDate` older or newer than others, or none. */
export const endpointRequest: fc.Arbitrary<JsonNode> = endpointMembers(effectiveDate.map(str));

/** One `BatchItem` entry: its `Endpoint` and `Events`. */
const batch = (events: fc.Arbitrary<Array<[string, JsonNode]>>): fc.Arbitrary<JsonNode> =>
  fc.tuple(publicEndpoint, events).map(([endpoint, entries]) => obj([['Endpoint', endpoint], ['Events', obj(entries)]]));

const keyedEvents = (min: number, max: number, event: fc.Arbitrary<JsonNode> = pinpointEvent): fc.Arbitrary<Array<[string, JsonNode]>> =>
  fc.array(fc.tuple(eventKey, event), { minLength: min, maxLength: max });

/** `count` events under distinct UUID keys. */
const manyEvents = (count: number): fc.Arbitrary<Array<[string, JsonNode]>> =>
  fc.tuple(fc.uniqueArray(fc.uuid(), { minLength: count, maxLength: count }), tinyEvent).map(([keys, event]) => keys.map((k): [string, JsonNode] => [k, event]));

const batchItem = (entries: fc.Arbitrary<Array<[string, JsonNode]>>): fc.Arbitrary<JsonNode> => entries.map((e) => obj([['BatchItem', obj(e)]]));

/**
 * A PutEvents body: one endpoint with a few events mostly; several endpoints; 99 to 101 events in
 * all; 99 to 101 endpoints; empty or missing parts; rarely any JSON at all.
 */
export const eventsRequest: fc.Arbitrary<JsonNode> = fc.oneof(
  w(70, batchItem(fc.array(fc.tuple(endpointKey, batch(keyedEvents(1, 6))), { minLength: 1, maxLength: 1 }))),
  w(10, batchItem(fc.array(fc.tuple(endpointKey, batch(keyedEvents(1, 5))), { minLength: 2, maxLength: 5 }))),
  w(
    3,
    fc
      .tuple(fc.constantFrom(99, 100, 101), fc.integer({ min: 1, max: 3 }))
      .chain(([total, endpoints]) =>
        fc.tuple(
          ...Array.from({ length: endpoints }, (_, i) =>
            fc.tuple(fc.uuid(), batch(manyEvents(i === 0 ? total - Math.floor(total / endpoints) * (endpoints - 1) : Math.floor(total / endpoints)))),
          ),
        ),
      )
      .chain((entries) => batchItem(fc.constant(entries))),
  ),
  w(
    2,
    fc
      .constantFrom(99, 100, 101)
      .chain((count) => fc.tuple(fc.uniqueArray(fc.uuid(), { minLength: count, maxLength: count }), tinyEvent, fc.uuid()))
      .map(([endpointIds, event, eventId]) => obj([['BatchItem', obj(endpointIds.map((id): [string, JsonNode] => [id, obj([['Endpoint', obj([])], ['Events', obj([[eventId, event]])]])]))]])),
  ),
  w(
    2,
    fc.constantFrom(
      obj([['BatchItem', obj([])]]),
      obj([]),
      obj([['BatchItem', NULL]]),
      obj([['BatchItem', obj([['e', obj([['Endpoint', obj([])], ['Events', obj([])]])]])]]),
      obj([['BatchItem', obj([['e', obj([['Events', obj([['x', obj([['EventType', str('t')], ['Timestamp', str('2026-05-01T10:00:00Z')]])]])]])]])]]),
      arr([]),
      str('BatchItem'),
    ),
  ),
  w(1, anyValue(fc.integer({ min: 1, max: 12 }))),
  w(
    1,
    batchItem(fc.array(fc.tuple(endpointKey, batch(keyedEvents(1, 3))), { minLength: 1, maxLength: 1 })).chain((body) =>
      strayMember(0).map((extra) => (body.k === 'obj' ? obj([...body.entries, ...extra]) : body)),
    ),
  ),
);

/** Texts that are not JSON, or not all of it: empty, blank, cut, a form, NUL. */
export const notJsonText = fc.constantFrom('', ' ', '\n\t', '{', '{"BatchItem":', 'null', 'BatchItem=x', '\u0000', '{"BatchItem":{}}garbage', '\ufeff{"BatchItem":{}}', '[]');
