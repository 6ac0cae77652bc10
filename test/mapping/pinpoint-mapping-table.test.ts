import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { EventsRequest } from '@aws-sdk/client-pinpoint';
import { kpiEventFromEnvelope, kpiEventFromRecord } from '../../src/kpis/kpi-event';
import type { EventEnvelope } from '../../src/mapping/event-envelope';
import { createEventStreamSerializer } from '../../src/mapping/event-stream-json';
import type { EventStreamRecord } from '../../src/mapping/event-stream-record';
import { mapPinpointRequest } from '../../src/mapping/map-pinpoint-request';
import type { StoredEndpointProfile } from '../../src/mapping/merge-endpoint';
import { fitForPinpoint } from '../../src/mapping/pinpoint-limits';
import { toPutEventsCalls } from '../../src/mapping/put-events-calls';
import { createStrictAjv, loadSchema } from '../../src/schemas';
import { toEventStreamRecord } from '../support/event-stream-oracle';
import { eventsRequestProblems } from '../support/pinpoint-stand-in';

/**
 * A Pinpoint mapping case (test/fixtures/pinpoint-mapping/*.json): a validated PutEvents request
 * and the stored endpoint profiles in, the envelopes and their event-stream records out.
 */
interface PinpointMappingCase {
  name: string;
  applicationId: string;
  receivedAt: number;
  request: EventsRequest;
  profiles?: Record<string, StoredEndpointProfile>;
  expected: { envelopes: EventEnvelope[]; records: EventStreamRecord[] };
}

const DIR = path.join(__dirname, '..', 'fixtures', 'pinpoint-mapping');
const cases: Array<[string, PinpointMappingCase]> = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f, JSON.parse(readFileSync(path.join(DIR, f), 'utf8')) as PinpointMappingCase]);

const validateRecord = createStrictAjv({ allErrors: true }).compile<EventStreamRecord>(loadSchema('event-stream/app-event.schema.json'));

function envelopesOf(c: PinpointMappingCase): EventEnvelope[] {
  return mapPinpointRequest({
    applicationId: c.applicationId,
    request: c.request,
    receivedAt: c.receivedAt,
    profiles: new Map(Object.entries(c.profiles ?? {})),
  });
}

function recordsOf(envelopes: readonly EventEnvelope[]): EventStreamRecord[] {
  const toJson = createEventStreamSerializer();
  return envelopes.map((envelope) => JSON.parse(toJson(envelope)) as EventStreamRecord);
}

describe('Pinpoint mapping table (PutEvents request → envelopes → event-stream records)', () => {
  it('has the four client cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
  });

  describe.each(cases)('%s', (_file, c) => {
    const envelopes = envelopesOf(c);

    it(`${c.name}: equals the expected envelopes and records`, () => {
      expect(envelopes).toEqual(c.expected.envelopes);
      expect(recordsOf(envelopes)).toEqual(c.expected.records);
    });

    it('gives one envelope per event sent, each id once', () => {
      const sent = Object.values(c.request.BatchItem ?? {}).reduce((n, batch) => n + Object.keys(batch.Events ?? {}).length, 0);
      expect(envelopes).toHaveLength(sent);
      expect(new Set(envelopes.map((e) => e.eventId)).size).toBe(sent);
    });

    it('writes records that are valid against the extended schema, byte for byte the oracle’s', () => {
      const toJson = createEventStreamSerializer();
      for (const envelope of envelopes) {
        const json = toJson(envelope);
        expect(json).toBe(JSON.stringify(toEventStreamRecord(envelope)));
        const record: unknown = JSON.parse(json);
        expect(validateRecord(record) ? undefined : validateRecord.errors).toBeUndefined();
      }
    });

    it('gives the KPIs the same facts from the live event and from its record', () => {
      const toJson = createEventStreamSerializer();
      for (const envelope of envelopes) expect(kpiEventFromEnvelope(envelope)).toEqual(kpiEventFromRecord(JSON.parse(toJson(envelope)) as EventStreamRecord));
    });

    it('is sent on to Pinpoint (SINK=pinpoint, fitted) as valid PutEvents requests', () => {
      for (const call of toPutEventsCalls(envelopes.map((e) => fitForPinpoint(e).envelope))) {
        expect(call.applicationId).toBe(c.applicationId);
        expect(eventsRequestProblems(call.request)).toBeUndefined();
      }
    });
  });
});

describe('Pinpoint event ids', () => {
  const base = cases.find(([file]) => file === 'aws-cli-put-events.json')?.[1] as PinpointMappingCase;
  const ids = (c: PinpointMappingCase): string[] => envelopesOf(c).map((e) => e.eventId);
  const withEndpointId = (c: PinpointMappingCase, endpointId: string): PinpointMappingCase => ({
    ...c,
    request: { BatchItem: Object.fromEntries(Object.values(c.request.BatchItem ?? {}).map((batch) => [endpointId, batch])) },
  });

  it('gives the same request the same ids', () => {
    expect(ids(base)).toEqual(ids(JSON.parse(JSON.stringify(base)) as PinpointMappingCase));
  });

  it('does not depend on the clock, the profile or the event’s content, only on app, endpoint and key', () => {
    const later: PinpointMappingCase = { ...base, receivedAt: base.receivedAt + 60_000, profiles: {} };
    expect(ids(later)).toEqual(ids(base));
  });

  it('gives the same caller key under another endpoint or application another id', () => {
    expect(ids(withEndpointId(base, 'example-endpoint-2'))[0]).not.toBe(ids(base)[0]);
    expect(ids({ ...base, applicationId: 'another-project' })[0]).not.toBe(ids(base)[0]);
  });

  it('keeps ids apart when ids differ only in where a separator falls', () => {
    const a = withEndpointId({ ...base, applicationId: 'app' }, 'x\0y');
    const b = withEndpointId({ ...base, applicationId: 'app\0x' }, 'y');
    expect(ids(a)[0]).not.toBe(ids(b)[0]);
  });
});
