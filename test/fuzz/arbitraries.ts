import fc from 'fast-check';
import { arr, num, NULL, obj, raw, render, str, type JsonNode } from './json-text';
import { aimedChange, applyStructural, structuralOp, type AimedChange } from './structural';
import { mutateBytes, rawHeaderValue, USER_AGENTS, type BodyEncoding, type ByteMutation, type ContextSpec, type RequestSpec } from './wire';

/**
 * fast-check arbitraries of legacy requests. Most are plausible (the schema accepts them) but odd
 * where the schema cannot see: lone surrogates, NUL, exact limits, impossible dates of the right
 * shape, unknown properties nested thousands deep, prototype names. Some then get one or two
 * structural changes, damaged bytes or a wrong transport, so every refusal path is taken too.
 */

/** `weight` out of the listed arbitraries' weights. */
export const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>): fc.WeightedArbitrary<T> => ({ weight, arbitrary });

/** A uniform fraction in [0, 1] (fc.double is uniform over doubles, nearly all of which are tiny). */
export const fraction = fc.integer({ min: 0, max: 1_000_000 }).map((n) => n / 1_000_000);

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));

/** Strings: mostly short ASCII, then unicode, lone surrogates, control characters, long ones (up to `longest`). */
export const text = (longest = 1100): fc.Arbitrary<string> =>
  fc.oneof(
    w(12, fc.string({ maxLength: 24 })),
    w(3, fc.string({ unit: 'grapheme', maxLength: 10 })),
    w(2, fc.tuple(fc.string({ maxLength: 6 }), loneSurrogate, fc.string({ maxLength: 6 })).map(([a, s, b]) => a + s + b)),
    w(1, fc.string({ unit: 'binary', maxLength: 12 })),
    w(1, fc.constantFrom('', ' ', '\u0000', '\ufffd', '${x}', 'a}b', '\u2028', '\ud83d\ude00', '%s%n')),
    w(2, fc.integer({ min: 40, max: longest }).map((n) => 'x'.repeat(n))),
  );

/**
 * Strings a field of `min`–`max` characters accepts by its schema: ASCII, unicode, exactly `max`
 * long, NUL, U+FFFD, and lone surrogates (valid JSON text; the service may refuse them).
 */
const fieldText = (max: number, min = 0): fc.Arbitrary<string> =>
  fc
    .oneof(
      w(14, fc.string({ minLength: Math.max(min, 1), maxLength: Math.min(max, 24) })),
      w(3, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 })),
      w(2, fc.tuple(fc.string({ minLength: 1, maxLength: 6 }), loneSurrogate).map(([a, s]) => a + s)),
      w(1, fc.constantFrom('x'.repeat(max), 'y'.repeat(Math.max(min, max - 1)), '\u0000', 'a\u0000b', '\ufffd', '\u2028', '\ud83d\ude00', 'Grüße, 世界')),
      w(min === 0 ? 1 : 0, fc.constant('')),
    )
    .filter((s) => s.length >= min && [...s].length <= max);

/** Map keys: ordinary names, prototype names (`__proto__` is refused in attribute maps), odd strings. */
const key = fc.oneof(
  w(12, fc.string({ minLength: 1, maxLength: 12 })),
  w(2, fc.constantFrom('constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', '__proto__')),
  w(2, fieldText(50, 1)),
  w(1, text(60)),
);

/** Number tokens JSON.parse refuses or reads oddly. */
const oddNumber = fc.constantFrom(raw('NaN'), raw('Infinity'), raw('-Infinity'), raw('1e999'), raw('-0'), raw('01'), raw('1E+2'), raw('.5'), raw('0x10'), raw('+1'));

/** A valid JSON leaf: strings, numbers, numbers as strings, null, booleans. */
export const validLeaf: fc.Arbitrary<JsonNode> = fc.oneof(
  w(4, text(300).map(str)),
  w(3, fc.double({ noNaN: true, noDefaultInfinity: true }).map(num)),
  w(2, fc.integer().map(num)),
  w(1, fc.integer().map((n) => str(String(n)))),
  w(2, fc.constantFrom<JsonNode>(NULL, { k: 'lit', v: true }, { k: 'lit', v: false })),
);

/** A JSON leaf, or a number token JSON.parse refuses (NaN, Infinity, 0x10 ... written bare). */
export const leaf: fc.Arbitrary<JsonNode> = fc.oneof(w(10, validLeaf), w(1, oddNumber), w(1, fc.constantFrom(NaN, Infinity, -Infinity).map(num)));

/** Nesting levels: shallow, a few thousand (where recursive code runs out of stack), rarely tens of thousands. */
export const depth = fc.oneof(
  w(3, fc.integer({ min: 2, max: 200 })),
  w(4, fc.integer({ min: 1000, max: 3500 })),
  w(4, fc.integer({ min: 3500, max: 7000 })),
  w(1, fc.integer({ min: 7000, max: 30_000 })),
);

const deep = (levels: fc.Arbitrary<number>, leafArb = validLeaf): fc.Arbitrary<JsonNode> =>
  fc.record({ depth: levels, shape: fc.constantFrom('array' as const, 'object' as const, 'mixed' as const), leaf: leafArb }).map((d): JsonNode => ({ k: 'deep', ...d }));

/**
 * Any JSON value: leaves, small containers, deep nesting (`levels`), huge maps and arrays; with
 * `leafArb = leaf`, also number tokens that are not JSON.
 */
export const anyValue = (levels: fc.Arbitrary<number> = depth, leafArb: fc.Arbitrary<JsonNode> = validLeaf): fc.Arbitrary<JsonNode> =>
  fc.letrec<{ value: JsonNode }>((tie) => ({
    value: fc.oneof(
      { maxDepth: 3, depthIdentifier: 'any' },
      w(6, leafArb),
      w(2, fc.array(tie('value'), { maxLength: 4 }).map(arr)),
      w(2, fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map(obj)),
      w(2, deep(levels, leafArb)),
      w(1, fc.record({ count: fc.integer({ min: 51, max: 3000 }), prefix: fc.constantFrom('k', 'attr_', '_session.'), value: leafArb }).map((m): JsonNode => ({ k: 'manyEntries', ...m }))),
      w(1, fc.record({ count: fc.integer({ min: 10, max: 5000 }), item: leafArb }).map((m): JsonNode => ({ k: 'manyItems', ...m }))),
    ),
  })).value;

const shallow = fc.integer({ min: 1, max: 50 });

/**
 * Unknown properties: none mostly; else a few of any value, or one nested `levels` deep. The
 * schema lets them through (the service may keep or drop them), so they reach whatever hashes
 * or stores the request.
 */
const unknownProperties = (levels: fc.Arbitrary<number>, none = 14): fc.Arbitrary<Array<[string, JsonNode]>> =>
  fc.oneof(
    w(none, fc.constant<Array<[string, JsonNode]>>([])),
    w(3, fc.array(fc.tuple(fc.oneof(key, fc.constantFrom('extra', 'custom', 'nested')), anyValue(shallow)), { minLength: 1, maxLength: 3 })),
    w(3, fc.tuple(fc.constantFrom('extra', 'nested', 'constructor', '__proto__'), deep(levels)).map((entry): Array<[string, JsonNode]> => [entry])),
  );

const two = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Timestamps of the legacy shape with any field value: impossible days (02-30, 04-31), month 0 and 13, hour 24, second 60, odd offsets. */
export const timestampFields = fc
  .record({
    year: fc.oneof(w(8, fc.integer({ min: 2000, max: 2040 })), w(1, fc.integer({ min: 0, max: 9999 }))),
    month: fc.oneof(w(8, fc.integer({ min: 1, max: 12 })), w(1, fc.constantFrom(0, 13, 99))),
    day: fc.oneof(w(4, fc.integer({ min: 1, max: 28 })), w(4, fc.integer({ min: 29, max: 31 })), w(1, fc.constantFrom(0, 32, 99))),
    hour: fc.oneof(w(8, fc.integer({ min: 0, max: 23 })), w(1, fc.constantFrom(24, 25, 99))),
    minute: fc.oneof(w(8, fc.integer({ min: 0, max: 59 })), w(1, fc.constantFrom(60, 99))),
    second: fc.option(fc.oneof(w(8, fc.integer({ min: 0, max: 59 })), w(1, fc.constantFrom(60, 61))), { freq: 8 }),
    fraction: fc.option(fc.stringMatching(/^\d{1,9}$/), { freq: 2 }),
    zone: fc.oneof(
      w(6, fc.constant('Z')),
      w(3, fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 14 }), fc.constantFrom(0, 30, 45), fc.boolean()).map(([s, h, m, colon]) => `${s}${two(h)}${colon ? ':' : ''}${two(m)}`)),
      w(1, fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 15, max: 99 }), fc.integer({ min: 0, max: 99 })).map(([s, h, m]) => `${s}${two(h)}:${two(m)}`)),
    ),
  })
  .map((t) => {
    const seconds = t.second === null ? '' : `:${two(t.second)}${t.fraction === null ? '' : `.${t.fraction}`}`;
    return `${two(t.year, 4)}-${two(t.month)}-${two(t.day)}T${two(t.hour)}:${two(t.minute)}${seconds}${t.zone}`;
  });

/** Known odd timestamps: impossible dates of the right shape first, then other shapes. */
export const oddTimestamps = fc.constantFrom(
  '2026-02-30T10:00:00Z',
  '2026-04-31T00:00:00.000Z',
  '2026-02-29T12:00:00.000Z',
  '2026-06-31T23:59:59+02:00',
  '2026-09-31T08:00:00.123456789-0530',
  '2026-11-31T00:00Z',
  '2024-02-29T12:00:00.000Z',
  '2026-13-01T00:00:00Z',
  '2026-00-10T00:00:00Z',
  '2026-11-22T24:00:00Z',
  '2026-11-22T23:59:60Z',
  '2026-11-22T09:30:00+0100',
  '2026-11-22T09:30:00+25:00',
  '2026-11-22T09:30Z',
  '0000-01-01T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
  '2026-11-22 09:30:00Z',
  '2026-11-22T09:30:00',
  '1764000000000',
);

/** A valid timestamp as clients send it (`toISOString()`). */
export const realTimestamp = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2040-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());

/** Timestamps: mostly real, else any field values of the right shape, known odd ones, rarely not a timestamp at all. */
const timestamp: fc.Arbitrary<JsonNode> = fc.oneof(
  w(120, realTimestamp.map(str)),
  w(4, timestampFields.map(str)),
  w(3, oddTimestamps.map(str)),
  w(1, fc.oneof(text(60).map(str), fc.integer().map(num), fc.constant(NULL))),
);

/** `[[name, value]]` with probability `presence`, else `[]`. */
export const member = (name: string, value: fc.Arbitrary<JsonNode>, presence = 0.6): fc.Arbitrary<Array<[string, JsonNode]>> =>
  fc.oneof(
    w(Math.round(presence * 100), value.map((v): Array<[string, JsonNode]> => [[name, v]])),
    w(Math.round((1 - presence) * 100), fc.constant<Array<[string, JsonNode]>>([])),
  );

/** A map of `n` entries. */
const sized = (n: fc.Arbitrary<number>, k: fc.Arbitrary<string>, value: fc.Arbitrary<JsonNode>): fc.Arbitrary<JsonNode> =>
  n.chain((size) => fc.array(fc.tuple(k, value), { minLength: size, maxLength: size })).map(obj);

/**
 * Attributes or metrics: a few entries mostly, else up to the limit of 50, rarely beyond it (by a
 * few, or by thousands); values of the right type, but now and then one odd entry (`odd`).
 */
const entryMap = (value: fc.Arbitrary<JsonNode>, odd: fc.Arbitrary<JsonNode>): fc.Arbitrary<JsonNode> =>
  fc
    .tuple(
      fc.oneof(
        w(48, sized(fc.integer({ min: 0, max: 6 }), key, value)),
        w(12, sized(fc.integer({ min: 38, max: 50 }), fc.string({ minLength: 1, maxLength: 20 }), value)),
        w(1, sized(fc.integer({ min: 51, max: 55 }), fc.string({ minLength: 1, maxLength: 20 }), value)),
        w(1, fc.record({ count: fc.integer({ min: 51, max: 2000 }), prefix: fc.constantFrom('a', '_session.x') }).chain((m) => value.map((v): JsonNode => ({ k: 'manyEntries', ...m, value: v })))),
      ),
      fc.oneof(w(20, fc.constant(null)), w(1, fc.tuple(key, odd))),
    )
    .map(([map, extra]) => (extra && map.k === 'obj' ? obj([...map.entries, extra]) : map));

const attributeValue: fc.Arbitrary<JsonNode> = fc.oneof(w(80, fieldText(1000).map(str)), w(1, fc.constant(str('z'.repeat(1001)))));
const metricValue: fc.Arbitrary<JsonNode> = fc.oneof(w(5, fc.double({ noNaN: true, noDefaultInfinity: true }).map(num)), w(1, fc.integer({ min: 0, max: 1000 }).map(num)));
/** What does not belong in a metrics map: NaN and Infinity tokens, numbers as strings, null. */
const oddMetric: fc.Arbitrary<JsonNode> = fc.oneof(oddNumber, fc.integer().map((n) => str(String(n))), fc.constant(NULL), fc.constantFrom(NaN, Infinity).map(num));

const session: fc.Arbitrary<JsonNode> = fc
  .tuple(
    member('id', fc.oneof(w(8, fc.uuid().map(str)), w(2, fieldText(50, 1).map(str))), 0.9),
    member('startTimestamp', timestamp, 0.9),
    member('stopTimestamp', timestamp, 0.3),
    member('duration', fc.oneof(w(8, fc.integer({ min: 0, max: 4_000_000_000 }).map(num)), w(2, fc.constant(NULL)), w(1, fc.double({ min: 0, noNaN: true }).map(num))), 0.4),
    unknownProperties(depth, 30),
  )
  .map((parts) => obj(parts.flat()));

/** A legacy event the schema accepts (timestamps and strings may still be odd), with unknown properties now and then. */
const event: fc.Arbitrary<JsonNode> = fc
  .tuple(
    member('eventType', fc.oneof(w(8, fc.string({ minLength: 1, maxLength: 30 }).map(str)), w(1, fc.constantFrom('_session.start', '_session.stop', '_monetization.purchase').map(str)), w(2, fieldText(50, 1).map(str))), 1),
    member('timestamp', timestamp, 1),
    member('version', fc.oneof(w(4, fc.constant(str('v2.0'))), w(1, fieldText(10, 1).map(str))), 0.5),
    member('session', session, 0.7),
    member('attributes', entryMap(attributeValue, leaf), 0.7),
    member('metrics', entryMap(metricValue, oddMetric), 0.6),
    unknownProperties(depth),
  )
  .map((parts) => obj(parts.flat()));

/** A small valid event, for bodies of thousands of events. */
const tinyEvent: fc.Arbitrary<JsonNode> = fc
  .tuple(fc.string({ minLength: 1, maxLength: 8 }), realTimestamp)
  .map(([type, at]) => obj([['eventType', str(type)], ['timestamp', str(at)]]));

/**
 * The PutEvents body: a few events mostly, dozens, hundreds to thousands, just beyond
 * `maxItems` (20 000; sent gzipped it fits the body limit), rarely not a body at all.
 */
const body: fc.Arbitrary<JsonNode> = fc.oneof(
  w(
    160,
    fc
      .tuple(fc.oneof(w(12, fc.array(event, { minLength: 1, maxLength: 4 })), w(2, fc.array(event, { minLength: 5, maxLength: 40 }))), unknownProperties(depth, 30))
      .map(([events, extra]) => obj([['events', arr(events)], ...extra])),
  ),
  w(3, fc.record({ count: fc.integer({ min: 101, max: 3000 }), item: tinyEvent }).map(({ count, item }) => obj([['events', { k: 'manyItems', count, item }]]))),
  w(1, fc.record({ count: fc.integer({ min: 20_001, max: 20_500 }), item: tinyEvent }).map(({ count, item }) => obj([['events', { k: 'manyItems', count, item }]]))),
  w(4, anyValue(shallow, leaf)),
  w(4, fc.constantFrom(obj([['events', NULL]]), obj([['events', obj([])]]), obj([['events', arr([])]]), obj([]), arr([]), NULL, str('events'))),
);

/** App ids: a small pool (so requests share applications), random hex, unicode, lone surrogates. */
const appId: fc.Arbitrary<JsonNode> = fc.oneof(
  w(8, fc.constantFrom('fuzz-app-1', 'fuzz-app-2', 'a1b2c3d4e5f60718293a4b5c6d7e8f90').map(str)),
  w(2, fc.stringMatching(/^[0-9a-f]{32}$/).map(str)),
  w(1, fc.constantFrom('ü-app', 'app\ud800', 'app\u0000x', 'x'.repeat(128)).map(str)),
);

/** Client ids: uuids, a small pool, unicode, lone surrogates, NUL, exactly 256 long. */
const clientId: fc.Arbitrary<JsonNode> = fc.oneof(
  w(8, fc.uuid().map(str)),
  w(3, fc.constantFrom('device-1', 'device-2', 'E621E1F8-C36C-495A-93FC-0C247A3E6E5F').map(str)),
  w(2, fieldText(256, 1).filter((s) => !/[${}]/.test(s)).map(str)),
);

const contextText: fc.Arbitrary<JsonNode> = fieldText(1000).map(str);

/** A client context the schema accepts: the documented shape, members present or not, odd strings, unknown properties. */
const clientContext: fc.Arbitrary<JsonNode> = fc
  .tuple(
    fc
      .tuple(
        fc.oneof(w(9, member('client_id', clientId, 1)), w(1, fc.constant<Array<[string, JsonNode]>>([]))),
        member('installation_id', clientId, 0.2),
        ...['app_title', 'app_version_name', 'app_version_code', 'app_package_name'].map((name) => member(name, contextText)),
      )
      .map((parts) => {
        const entries = parts.flat();
        // The schema needs client_id or installation_id.
        if (!entries.some(([k]) => k === 'client_id' || k === 'installation_id')) entries.push(['installation_id', str('E621E1F8-C36C-495A-93FC-0C247A3E6E5F')]);
        return [['client', obj(entries)]] as Array<[string, JsonNode]>;
      }),
    member(
      'env',
      fc.tuple(...['platform', 'platform_version', 'model', 'model_version', 'make', 'locale', 'carrier', 'networkType'].map((name) => member(name, contextText))).map((parts) => obj(parts.flat())),
      0.8,
    ),
    member('custom', fc.array(fc.tuple(key, anyValue(fc.integer({ min: 1, max: 1200 }))), { maxLength: 3 }).map(obj), 0.5),
    fc
      .tuple(member('app_id', appId, 1), member('sdk_name', contextText, 0.3), member('sdk_version', contextText, 0.3))
      .map((parts): Array<[string, JsonNode]> => [['services', obj([['mobile_analytics', obj(parts.flat())]])]]),
    member('version', fieldText(20).map(str), 0.3),
    unknownProperties(fc.integer({ min: 2, max: 1200 }), 30),
  )
  .map((parts) => obj(parts.flat()));

/**
 * How the client context travels: raw (iOS, JS), base64 with the header (Android 2.1.7+), and
 * everything in between, including a damaged header (`at` says where).
 */
export interface ContextWay {
  as: 'raw' | 'base64';
  encodingHeader: string | undefined;
  damage?: 'missing' | 'empty' | 'blank' | 'bad-base64' | 'cut-base64' | 'url-base64' | 'cut-raw';
  at: number;
}

export const contextWay: fc.Arbitrary<ContextWay> = fc.oneof(
  w(24, fc.constant<ContextWay>({ as: 'raw', encodingHeader: undefined, at: 0 })),
  w(20, fc.constant<ContextWay>({ as: 'base64', encodingHeader: 'base64', at: 0 })),
  w(2, fc.constantFrom('BASE64', ' Base64 ', '', 'base-64', 'b64', 'base64url', 'utf-8', 'gzip').map((name): ContextWay => ({ as: 'base64', encodingHeader: name, at: 0 }))),
  w(1, fc.constant<ContextWay>({ as: 'base64', encodingHeader: undefined, at: 0 })),
  w(1, fc.constant<ContextWay>({ as: 'raw', encodingHeader: 'base64', at: 0 })),
  w(
    3,
    fc
      .tuple(fc.constantFrom('missing', 'empty', 'blank', 'bad-base64', 'cut-base64', 'url-base64', 'cut-raw') satisfies fc.Arbitrary<ContextWay['damage']>, fraction)
      .map(([damage, at]): ContextWay => (damage === 'cut-raw' ? { as: 'raw', encodingHeader: undefined, damage, at } : { as: 'base64', encodingHeader: 'base64', damage, at })),
  ),
);

/** The header of a context text sent a given way. */
export function contextSpec(text: string, way: ContextWay): ContextSpec {
  const spec: ContextSpec = { text, as: way.as, encodingHeader: way.encodingHeader };
  if (way.damage === undefined) return spec;
  const b64 = Buffer.from(text, 'utf8').toString('base64');
  const cut = Math.floor(way.at * b64.length);
  switch (way.damage) {
    case 'missing':
      return { ...spec, override: null };
    case 'empty':
      return { ...spec, override: '' };
    case 'blank':
      return { ...spec, override: '   ' };
    case 'bad-base64':
      return { ...spec, override: `${b64.slice(0, cut)}!*$%${b64.slice(cut)}` };
    case 'cut-base64':
      return { ...spec, override: b64.slice(0, cut) };
    case 'url-base64':
      return { ...spec, override: b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') };
    case 'cut-raw':
      return { ...spec, override: rawHeaderValue(text).slice(0, Math.floor(way.at * text.length)) };
  }
}


/** Content-Encoding as real clients send it, and every way it can be wrong. */
export const bodyEncoding: fc.Arbitrary<BodyEncoding> = fc.oneof(
  w(50, fc.constant<BodyEncoding>({ as: 'plain', header: undefined, param: 0 })),
  w(16, fc.constantFrom('gzip', 'x-gzip', 'GZIP', ' gzip ').map((header): BodyEncoding => ({ as: 'gzip', header, param: 0 }))),
  w(4, fc.constant<BodyEncoding>({ as: 'deflate', header: 'deflate', param: 0 })),
  w(1, fc.constant<BodyEncoding>({ as: 'plain', header: 'identity', param: 0 })),
  w(3, fraction.map((param): BodyEncoding => ({ as: 'gzip-two-members', header: 'gzip', param }))),
  w(2, fraction.map((param): BodyEncoding => ({ as: 'gzip-truncated', header: 'gzip', param }))),
  w(2, fraction.map((param): BodyEncoding => ({ as: 'gzip-corrupt', header: 'gzip', param }))),
  w(
    3,
    fc
      .constantFrom<Array<[BodyEncoding['as'], string | undefined]>>(
        ['plain', 'gzip'],
        ['plain', 'deflate'],
        ['gzip', undefined],
        ['gzip', 'deflate'],
        ['deflate', 'gzip'],
        ['deflate-raw', 'deflate'],
        ['brotli', 'br'],
        ['gzip', 'gzip, identity'],
        ['plain', 'compress'],
      )
      .map(([as, header]): BodyEncoding => ({ as, header, param: 0 })),
  ),
);

/** Byte damage: cut, flipped bits, invalid UTF-8 (lone continuation, overlong, CESU surrogates, truncated sequences). */
export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fraction.map((at): ByteMutation => ({ op: 'truncate', at })),
  fc.tuple(fraction, fc.integer({ min: 1, max: 255 })).map(([at, mask]): ByteMutation => ({ op: 'flip', at, mask })),
  fc
    .tuple(fraction, fc.constantFrom<number[]>([0xff], [0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0xfe, 0xfe], [0x00]))
    .map(([at, bytes]): ByteMutation => ({ op: 'insert', at, bytes })),
);

const contentType = fc.constantFrom<Array<[string, string]>>(
  [['Content-Type', 'application/json']],
  [['Content-Type', 'application/x-amz-json-1.0']],
  [['Content-Type', 'application/x-amz-json-1.1'], ['X-Amz-Target', 'AmazonMobileAnalytics.PutEvents']],
  [['Content-Type', 'text/plain;charset=UTF-8']],
  [['Content-Type', 'application/x-www-form-urlencoded']],
  [],
);

export const userAgent = fc.constantFrom(...USER_AGENTS);

/**
 * Probes for event id collisions: one fixed, valid event from devices and apps whose ids differ
 * only where a lossy encoding or a separator could merge them (lone surrogates vs U+FFFD, a NUL
 * moved across the app/device boundary). Distinct inputs must give distinct event ids.
 */
const collisionProbe: fc.Arbitrary<{ context: JsonNode; body: JsonNode }> = fc
  .constantFrom<Array<[string, string]>>(
    ['fuzz-probe', 'dev-\ud800'],
    ['fuzz-probe', 'dev-\udbff'],
    ['fuzz-probe', 'dev-\udc00'],
    ['fuzz-probe', 'dev-\ufffd'],
    ['fuzz-probe', 'dev-x'],
    ['fuzz-probe\u0000dev', 'x'],
    ['fuzz-probe', 'dev\u0000x'],
    ['fuzz-probe-\udfff', 'dev'],
    ['fuzz-probe-\ufffd', 'dev'],
  )
  .map(([app, client]) => ({
    context: obj([
      ['client', obj([['client_id', str(client)]])],
      ['services', obj([['mobile_analytics', obj([['app_id', str(app)]])]])],
    ]),
    body: obj([['events', arr([obj([['eventType', str('probe')], ['timestamp', str('2026-11-22T10:00:00.000Z')]])])]]),
  }));

/** Structural changes for generated requests and fixtures: duplicate keys, deeper nesting, replaced or deleted values, odd timestamps... */
export const structuralChange: fc.Arbitrary<AimedChange> = aimedChange(
  structuralOp({
    leaf: fc.oneof(w(6, validLeaf), w(1, leaf)),
    any: fc.oneof(w(6, anyValue(shallow)), w(1, anyValue(shallow, leaf))),
    deepAny: anyValue(depth),
    timestamps: oddTimestamps,
    fraction,
  }),
);

/**
 * A generated request: plausible mostly (so that many are accepted and must be stored), then in
 * a third of them one or two structural changes; sometimes damaged bytes, odd transports,
 * client context and body that are not even objects.
 */
export const generatedRequest: fc.Arbitrary<RequestSpec> = fc
  .tuple(
    fc.oneof(
      w(40, fc.record({ context: clientContext, body })),
      w(1, fc.record({ context: anyValue(shallow, leaf), body: anyValue(shallow, leaf) })),
      w(1, collisionProbe),
    ),
    fc.oneof(w(2, fc.constant<AimedChange[]>([])), w(1, fc.array(structuralChange, { minLength: 1, maxLength: 2 }))),
    contextWay,
    userAgent,
    contentType,
    fc.oneof(w(14, fc.constant<ByteMutation[]>([])), w(1, fc.array(byteMutation, { minLength: 1, maxLength: 2 }))),
    bodyEncoding,
    fc.oneof(w(20, fc.constant(undefined)), w(1, fc.constantFrom('?x=1', '?'))),
  )
  .map(([parts, changes, way, agent, headers, plainMutations, encoding, query]): RequestSpec => {
    const done: string[] = [];
    for (const { target, change, pick } of changes) {
      const what = applyStructural(parts[target], change, pick);
      if (what) done.push(`${target}: ${what}`);
    }
    return {
      origin: `generated${done.length ? `; ${done.join('; ')}` : ''}`,
      agent,
      headers,
      context: contextSpec(render(parts.context), way),
      body: mutateBytes(Buffer.from(render(parts.body), 'utf8'), plainMutations),
      encoding,
      wireMutations: [],
      query,
    };
  })
  .filter((spec) => Buffer.byteLength(spec.context.text) <= 8000); // see MAX_CONTEXT_BYTES in fixture-mutations.ts
