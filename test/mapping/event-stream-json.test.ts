import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { detectClientSdk } from '../../src/legacy/client-sdk';
import type { ClientSdk, LegacyClientContext, LegacyEventsBody } from '../../src/legacy/types';
import type { EventEnvelope } from '../../src/mapping/event-envelope';
import { kpiEventFromEnvelope, kpiEventFromRecord } from '../../src/kpis/kpi-event';
import { createEventStreamSerializer } from '../../src/mapping/event-stream-json';
import { toEventStreamRecord } from '../support/event-stream-oracle';
import { mapLegacyRequest } from '../../src/mapping/map-legacy-request';
import { mapPinpointRequest, type PinpointEventsInput } from '../../src/mapping/map-pinpoint-request';
import type { StoredEndpointProfile } from '../../src/mapping/merge-endpoint';
import { mappedEventPayload } from '../../src/spool/spool-payload';
import { allClientFixtures } from '../fixtures/clients';
import { decodeToEnvelopes } from '../support/legacy-requests';

const header = (headers: Record<string, string>, name: string): string | undefined =>
  Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];

/** Every Pinpoint mapping case (events sent with PutEvents, `origin: 'pinpoint'`), mapped. */
function pinpointEnvelopes(): Array<[string, EventEnvelope[]]> {
  const dir = path.join(__dirname, '..', 'fixtures', 'pinpoint-mapping');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f): [string, EventEnvelope[]] => {
      const c = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Omit<PinpointEventsInput, 'profiles'> & { profiles?: Record<string, StoredEndpointProfile> };
      return [f, mapPinpointRequest({ ...c, profiles: new Map(Object.entries(c.profiles ?? {})) })];
    });
}

/** Every client generation's events, every case of the mapping table and of the Pinpoint mapping table, mapped. */
function allEnvelopes(): Array<[string, EventEnvelope[]]> {
  const fromClients = allClientFixtures().map((f): [string, EventEnvelope[]] => {
    const sdk = detectClientSdk(header(f.headers, 'user-agent'), header(f.headers, 'x-amz-user-agent'));
    return [f.name, mapLegacyRequest({ clientContext: f.clientContext, body: { events: f.events }, sdk, receivedAt: 1_700_000_000_123 }, new Map()).envelopes];
  });
  const dir = path.join(__dirname, '..', 'fixtures', 'mapping');
  const fromTable = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f): [string, EventEnvelope[]] => {
      const c = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { clientContext: LegacyClientContext; body: LegacyEventsBody; sdk: ClientSdk; receivedAt: number };
      return [f, mapLegacyRequest(c, new Map()).envelopes];
    });
  return [...fromClients, ...fromTable, ...pinpointEnvelopes()];
}

describe('createEventStreamSerializer', () => {
  it.each(allEnvelopes())('%s: the same text as JSON.stringify of the record', (_name, envelopes) => {
    expect(envelopes.length).toBeGreaterThan(0);
    const toRecordJson = createEventStreamSerializer();
    for (const envelope of envelopes) expect(toRecordJson(envelope)).toBe(JSON.stringify(toEventStreamRecord(envelope)));
  });

  it.each(allEnvelopes())('%s: live events and their records give the KPIs the same facts', (_name, envelopes) => {
    const toRecordJson = createEventStreamSerializer();
    for (const envelope of envelopes) expect(kpiEventFromEnvelope(envelope)).toEqual(kpiEventFromRecord(JSON.parse(toRecordJson(envelope))));
  });

  it('does not reuse one request’s application part for another that shares the endpoint object', () => {
    const [envelope] = allEnvelopes()[0]![1];
    const other: EventEnvelope = { ...envelope!, applicationId: 'other-app', event: { ...envelope!.event, AppTitle: 'Other' } };
    const toRecordJson = createEventStreamSerializer();
    toRecordJson(envelope!);
    expect(JSON.parse(toRecordJson(other))).toEqual(toEventStreamRecord(other));
  });

  it.each([allEnvelopes()[1]!, ...pinpointEnvelopes()])('%s: serializes requeued (mapped-event) envelopes the same way (a Pinpoint-origin one with its endpoint)', (_name, envelopes) => {
    const decoded = envelopes.flatMap((e) => decodeToEnvelopes(mappedEventPayload(JSON.stringify(e))));
    expect(decoded.map(createEventStreamSerializer())).toEqual(envelopes.map((e) => JSON.stringify(toEventStreamRecord(e))));
  });
});
