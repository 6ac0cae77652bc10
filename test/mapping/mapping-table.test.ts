import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { EventsRequest } from '@aws-sdk/client-pinpoint';
import type { ClientSdk, LegacyClientContext, LegacyEventsBody } from '../../src/legacy/types';
import { createLegacyValidator } from '../../src/legacy/validator';
import type { EventEnvelope } from '../../src/mapping/event-envelope';
import { mapLegacyRequest } from '../../src/mapping/map-legacy-request';
import { fitForPinpoint } from '../../src/mapping/pinpoint-limits';
import { toPutEventsCalls } from '../../src/mapping/put-events-calls';
import { eventsRequestProblems } from '../support/pinpoint-stand-in';

/**
 * A mapping case: legacy request in, the events as sent out, grouped as PutEvents calls
 * (test/fixtures/mapping/*.json). The mapping does not fit Pinpoint's per-event limits, so an
 * expected call may exceed them; what the Pinpoint sink sends (fitted) must be valid.
 */
interface MappingCase {
  name: string;
  clientContext: LegacyClientContext;
  body: LegacyEventsBody;
  sdk: ClientSdk;
  receivedAt: number;
  appIdMap?: Record<string, string>;
  expected: Array<{ applicationId: string; request: EventsRequest }>;
}

const DIR = path.join(__dirname, '..', 'fixtures', 'mapping');
const cases: Array<[string, MappingCase]> = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f, JSON.parse(readFileSync(path.join(DIR, f), 'utf8')) as MappingCase]);

const validator = createLegacyValidator();

function envelopesOf(c: MappingCase): EventEnvelope[] {
  const request = {
    clientContext: validator.clientContext(c.clientContext).value,
    body: validator.body(c.body).value,
    sdk: c.sdk,
    receivedAt: c.receivedAt,
  };
  return mapLegacyRequest(request, new Map(Object.entries(c.appIdMap ?? {}))).envelopes;
}

function asCalls(envelopes: readonly EventEnvelope[]): Array<{ applicationId: string; request: EventsRequest }> {
  return toPutEventsCalls(envelopes).map(({ applicationId, request: r }) => ({ applicationId, request: r }));
}

function run(c: MappingCase): Array<{ applicationId: string; request: EventsRequest }> {
  return asCalls(envelopesOf(c));
}

describe('mapping table (legacy request → PutEvents calls)', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(6);
  });

  describe.each(cases)('%s', (_file, c) => {
    it(`${c.name}: equals the expected calls`, () => {
      expect(run(c)).toEqual(c.expected);
    });

    it('is sent to Pinpoint (fitted by the Pinpoint sink) as valid PutEvents requests', () => {
      const calls = asCalls(envelopesOf(c).map((envelope) => fitForPinpoint(envelope).envelope));
      expect(calls.map((call) => call.applicationId)).toEqual(c.expected.map((call) => call.applicationId));
      for (const call of calls) expect(eventsRequestProblems(call.request)).toBeUndefined();
    });
  });
});

describe('deterministic event ids', () => {
  const base = cases.find(([file]) => file === 'session-omitted.json')?.[1] as MappingCase;
  const ids = (c: MappingCase): string[] => run(c).flatMap((call) => Object.values(call.request.BatchItem ?? {}).flatMap((b) => Object.keys(b.Events ?? {})));

  it('gives the same input the same ids', () => {
    expect(ids(base)).toEqual(ids(JSON.parse(JSON.stringify(base)) as MappingCase));
    expect(new Set(ids(base)).size).toBe(base.body.events.length);
  });

  it('gives the same event at another index another id', () => {
    const first = base.body.events[0];
    if (!first) throw new Error('fixture has no events');
    const twice: MappingCase = { ...base, body: { events: [first, first] } };
    const [a, b] = ids(twice);
    expect(a).not.toBe(b);
    expect(a).toBe(ids(base)[0]);
  });

  it('gives another endpoint or application other ids', () => {
    const otherClient: MappingCase = { ...base, clientContext: { ...base.clientContext, client: { ...base.clientContext.client, client_id: 'other' } } };
    const otherApp: MappingCase = { ...base, appIdMap: { 'ma-app-js': 'mapped' } };
    expect(ids(otherClient)[0]).not.toBe(ids(base)[0]);
    expect(ids(otherApp)[0]).not.toBe(ids(base)[0]);
  });
});
