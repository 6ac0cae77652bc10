import path from 'node:path';
import fc from 'fast-check';
import { ProxyError } from '../../src/errors';
import { decodeClientContext } from '../../src/legacy/client-context';
import { parseJsonBody } from '../../src/legacy/decode-body';
import { createLegacyValidator } from '../../src/legacy/validator';
import { openEventStore } from '../../src/local-store/event-store';
import { createEventStreamSerializer } from '../../src/mapping/event-stream-json';
import { mapLegacyRequest } from '../../src/mapping/map-legacy-request';
import { fitForPinpoint } from '../../src/mapping/pinpoint-limits';
import { toPutEventsCalls } from '../../src/mapping/put-events-calls';
import { createLocalSink } from '../../src/sinks/local-sink';
import { decodePayload, requestRow } from '../../src/spool/spool-payload';
import { makeTempDir } from '../support/temp-dir';

/** Any UTF-16 code unit, lone surrogates included, with printable ASCII more likely. */
const codeUnit = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }) },
).map((code) => String.fromCharCode(code));
const hostileText = (maxLength: number): fc.Arbitrary<string> => fc.string({ unit: codeUnit, maxLength });
/** Mostly well-formed text (any code point, surrogate pairs included), sometimes anything at all. */
const anyText = (maxLength: number): fc.Arbitrary<string> =>
  fc.oneof({ weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength }) }, { weight: 1, arbitrary: hostileText(maxLength) });
const timestamp = fc.oneof(
  fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc
    .tuple(fc.integer({ min: 1900, max: 2200 }), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 33 }), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }))
    .map(([y, mo, d, h, mi]) => `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:00+0130`),
  anyText(30),
);
const numberish = fc.oneof({ weight: 6, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) }, fc.double(), fc.integer(), fc.constant(null), anyText(5));
const map = (value: fc.Arbitrary<unknown>): fc.Arbitrary<Record<string, unknown>> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.dictionary(anyText(50), value, { maxKeys: 45 }) },
    fc.dictionary(fc.oneof(anyText(60), fc.constantFrom('__proto__', 'constructor', '_session.start', '')), value, { maxKeys: 60 }),
  );
/** An array nested `depth` levels deep, built without recursion. */
function nested(depth: number): unknown {
  let value: unknown = [];
  for (let i = 1; i < depth; i += 1) value = [value];
  return value;
}
const unknownValue = fc.oneof({ weight: 9, arbitrary: fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, anyText(10), fc.double(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(anyText(5), tie('value'), { maxKeys: 3 })),
})).value }, { weight: 1, arbitrary: fc.constantFrom(nested(9), nested(100), nested(2000)) });
const event = fc.record(
  {
    eventType: fc.oneof({ weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 50 }) }, anyText(60)),
    timestamp: fc.oneof({ weight: 4, arbitrary: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()) }, timestamp),
    version: anyText(12),
    session: fc.record(
      { id: anyText(60), duration: numberish, startTimestamp: timestamp, stopTimestamp: timestamp, extra: unknownValue },
      { requiredKeys: [] },
    ),
    attributes: map(fc.oneof({ weight: 4, arbitrary: anyText(300) }, anyText(1100))),
    metrics: map(numberish),
    unknown: unknownValue,
  },
  { requiredKeys: ['eventType', 'timestamp'] },
);
/** An event the legacy model allows, sometimes with unknown properties and unusual but valid text. */
const wellFormed = (maxLength: number, minLength = 0): fc.Arbitrary<string> => fc.string({ unit: 'grapheme', minLength, maxLength });
const validEvent = fc.record(
  {
    eventType: wellFormed(50, 1),
    timestamp: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
    version: wellFormed(10, 1),
    session: fc.record({ id: wellFormed(50, 1), duration: fc.oneof(fc.nat(), fc.constant(null)), startTimestamp: fc.constant('2026-11-22T10:00:00Z') }, { requiredKeys: [] }),
    attributes: fc.dictionary(wellFormed(50, 1).filter((k) => k !== '__proto__'), wellFormed(1000), { maxKeys: 50 }),
    metrics: fc.dictionary(wellFormed(50, 1).filter((k) => k !== '__proto__'), fc.double({ noNaN: true, noDefaultInfinity: true }), { maxKeys: 50 }),
    unknown: unknownValue,
  },
  { requiredKeys: ['eventType', 'timestamp'] },
);
const body = fc.oneof(
  { weight: 3, arbitrary: fc.record({ events: fc.array(validEvent, { minLength: 1, maxLength: 8 }) }) },
  fc.record({ events: fc.array(event, { minLength: 0, maxLength: 8 }), extra: unknownValue }, { requiredKeys: ['events'] }),
);
const context = fc.record(
  {
    client: fc.record(
      { client_id: fc.oneof({ weight: 4, arbitrary: fc.uuid() }, anyText(260)), installation_id: anyText(20), app_title: anyText(20), extra: unknownValue },
      { requiredKeys: [] },
    ),
    env: fc.record({ platform: anyText(20), model: anyText(120), locale: fc.constantFrom('en_US', 'en-US', 'de', '') }, { requiredKeys: [] }),
    services: fc.record({
      mobile_analytics: fc.record({ app_id: fc.oneof({ weight: 4, arbitrary: fc.stringMatching(/^[a-z0-9]{1,40}$/) }, anyText(130)), sdk_name: anyText(10) }, { requiredKeys: ['app_id'] }),
    }),
    custom: fc.dictionary(anyText(5), unknownValue, { maxKeys: 4 }),
  },
  { requiredKeys: ['client', 'services'] },
);

describe('property: every request the validator accepts maps, serializes and stores without error', () => {
  const temp = makeTempDir();
  const store = openEventStore(path.join(temp.dir, 'events.db'));
  const sink = createLocalSink(store);
  const validator = createLegacyValidator();
  const toRecordJson = createEventStreamSerializer();

  afterAll(async () => {
    await sink.close();
    temp.remove();
  });

  it('holds for generated requests, the accepted ones and the refused ones alike', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(body, context, fc.constantFrom<'android' | 'ios' | 'js' | 'unknown'>('android', 'ios', 'js', 'unknown'), async (bodyValue, contextValue, kind) => {
        let validated;
        try {
          const clientContext = validator.clientContext(decodeClientContext(JSON.stringify(contextValue), undefined).value).value;
          const validBody = validator.body(parseJsonBody(JSON.stringify(bodyValue)).value).value;
          validated = { clientContext, clientContextJson: JSON.stringify(clientContext), body: validBody, bodyJson: JSON.stringify(validBody), sdk: { kind }, receivedAt: 1_764_000_000_000 };
        } catch (err: unknown) {
          // Refused: it must be a 4xx the client is told about, never another kind of failure.
          expect(err).toBeInstanceOf(ProxyError);
          expect((err as ProxyError).status).toBe(400);
          return;
        }
        accepted += 1;
        // What durable mode does with it: store, read back, map, then every destination's form.
        const stored = decodePayload(requestRow(validated).payload);
        if (stored.kind !== 'legacy-request') throw new Error('a request must decode as a request');
        const envelopes = mapLegacyRequest(stored.request, new Map()).envelopes;
        expect(envelopes).toHaveLength(validated.body.events.length);
        for (const envelope of envelopes) JSON.parse(toRecordJson(envelope));
        toPutEventsCalls(envelopes.map((e) => fitForPinpoint(e).envelope));
        expect(await sink.deliver(envelopes)).toEqual({ rejected: [], failed: [] });
      }),
      { numRuns: 3000, seed: Number(process.env['PROPERTY_SEED'] ?? 20261129) },
    );
    // The generators must reach the accepted side often enough for the property to mean something.
    expect(accepted).toBeGreaterThan(400);
  });
});
