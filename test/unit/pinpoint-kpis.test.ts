import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Event, EventsRequest, PublicEndpoint } from '@aws-sdk/client-pinpoint';
import { dayOf } from '../../src/kpis/days';
import { kpiEventFromEnvelope, kpiEventFromRecord, NO_CURRENCY, PURCHASE, SESSION_START, SESSION_STOP, type KpiEvent } from '../../src/kpis/kpi-event';
import type { EventEnvelope } from '../../src/mapping/event-envelope';
import { createEventStreamSerializer } from '../../src/mapping/event-stream-json';
import type { EventStreamRecord } from '../../src/mapping/event-stream-record';
import { mapPinpointRequest } from '../../src/mapping/map-pinpoint-request';

const PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const ENDPOINT_ID = '3F2504E0-4F89-41D3-9A0C-0305E82C3301';
const START = '2026-11-22T09:20:00.123Z';

/** The KPI facts of one event sent by `endpoint` through PutEvents, read both ways the local store reads them. */
function factsOf(event: Event, endpoint: PublicEndpoint = {}): { live: KpiEvent; record: KpiEvent } {
  const request: EventsRequest = { BatchItem: { [ENDPOINT_ID]: { Endpoint: endpoint, Events: { 'event-key-1': event } } } };
  const [envelope] = mapPinpointRequest({ applicationId: PROJECT, request, receivedAt: Date.parse('2026-11-22T12:00:00.000Z') }) as [EventEnvelope];
  const record = JSON.parse(createEventStreamSerializer()(envelope)) as EventStreamRecord;
  return { live: kpiEventFromEnvelope(envelope), record: kpiEventFromRecord(record) };
}

/** Both ways give `expected`. */
function expectFacts(event: Event, expected: KpiEvent, endpoint?: PublicEndpoint): void {
  const { live, record } = factsOf(event, endpoint);
  expect(live).toEqual(expected);
  expect(record).toEqual(expected);
}

const base = { appId: PROJECT, clientId: ENDPOINT_ID, day: dayOf(Date.parse('2026-11-22T00:00:00.000Z')) };

/**
 * The KPI facts of events as Pinpoint-native clients send them: the device is the endpoint id
 * (the BatchItem key, never a field of the Endpoint), the day is the UTC day of the event's
 * Timestamp, a session's length is stop − start of its Session, and purchases are read from the
 * monetization names every Pinpoint SDK shares with the Mobile Analytics SDKs.
 */
describe('KPI facts of Pinpoint-native events', () => {
  it('counts the BatchItem key as the device, whatever the Endpoint says about its user', () => {
    const endpoint: PublicEndpoint = { ChannelType: 'APNS', Address: 'apns-token', User: { UserId: 'user-42' }, Demographic: { Platform: 'ios' } };
    expectFacts({ EventType: SESSION_START, Timestamp: START, Session: { Id: 's-1', StartTimestamp: START } }, { ...base, eventType: SESSION_START, metrics: {} }, endpoint);
  });

  it('reads the day from the event’s Timestamp in UTC, an offset applied (AWS SDKs and scripts may send one)', () => {
    // 00:30 on Nov 23 at +01:00 is 23:30 on Nov 22 UTC.
    expectFacts({ EventType: 'level_complete', Timestamp: '2026-11-23T00:30:00+01:00', Metrics: { score: 7 } }, { ...base, eventType: 'level_complete', metrics: { score: 7 } });
    expectFacts({ EventType: 'level_complete', Timestamp: '2026-11-22T23:59:59.999Z' }, { ...base, eventType: 'level_complete', metrics: {} });
  });

  it('gives a _session.stop of aws-sdk-android PinpointManager its length (the fixture request)', () => {
    const fixture = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'pinpoint-mapping', 'android-pinpoint-manager-monetization.json'), 'utf8')) as {
      applicationId: string;
      request: EventsRequest;
    };
    const envelopes = mapPinpointRequest({ applicationId: fixture.applicationId, request: fixture.request, receivedAt: 0 });
    const toJson = createEventStreamSerializer();
    const facts = envelopes.map((envelope) => [kpiEventFromEnvelope(envelope), kpiEventFromRecord(JSON.parse(toJson(envelope)) as EventStreamRecord)]);
    const common = { appId: fixture.applicationId, clientId: '3b9ac9ff-1234-4c56-8d7e-9f0a1b2c3d4e', day: base.day };
    expect(facts).toEqual([
      [
        { ...common, eventType: PURCHASE, metrics: { _quantity: 1, _item_price: 1.99 }, currency: 'USD' },
        { ...common, eventType: PURCHASE, metrics: { _quantity: 1, _item_price: 1.99 }, currency: 'USD' },
      ],
      [
        { ...common, eventType: SESSION_STOP, metrics: {}, sessionLengthMs: 300_000 },
        { ...common, eventType: SESSION_STOP, metrics: {}, sessionLengthMs: 300_000 },
      ],
    ]);
  });

  it('gives a _session.stop of Amplify JS (StopTimestamp and Duration computed from the same clock) its length', () => {
    const session = { Id: 'b7e5c3a1-0f2d-4e6b-8a9c-1d3f5b7e9a0c', StartTimestamp: START, StopTimestamp: '2026-11-22T09:27:30.123Z', Duration: 450_000 };
    expectFacts({ EventType: SESSION_STOP, Timestamp: session.StopTimestamp, Attributes: {}, Metrics: {}, Session: session }, { ...base, eventType: SESSION_STOP, metrics: {}, sessionLengthMs: 450_000 });
  });

  it('reads a session’s length from its timestamps, not from a Duration that disagrees with them', () => {
    // A backend script's stop: Duration counts foreground time only; the KPI reads stop − start,
    // as it does for legacy events and as it must for imported records, which carry no Duration.
    const session = { Id: 's-2', StartTimestamp: START, StopTimestamp: '2026-11-22T10:20:00.123Z', Duration: 60_000 };
    expectFacts({ EventType: SESSION_STOP, Timestamp: session.StopTimestamp, Session: session }, { ...base, eventType: SESSION_STOP, metrics: {}, sessionLengthMs: 3_600_000 });
  });

  it('gives a _session.stop with a Duration but no StopTimestamp no length (unknown, left out of the average)', () => {
    expectFacts(
      { EventType: SESSION_STOP, Timestamp: '2026-11-22T09:30:00.000Z', Session: { Id: 's-3', StartTimestamp: START, Duration: 600_000 } },
      { ...base, eventType: SESSION_STOP, metrics: {} },
    );
  });

  it('gives only _session.stop a length: AWSPinpoint’s Duration and StopTimestamp on other events of a paused session are not lengths', () => {
    const paused = { Id: '3F2504E0-20261122-092000123', StartTimestamp: START, StopTimestamp: '2026-11-22T09:25:00.000Z', Duration: 299_877 };
    expectFacts({ EventType: '_session.pause', Timestamp: paused.StopTimestamp, Session: paused }, { ...base, eventType: '_session.pause', metrics: {} });
    expectFacts({ EventType: SESSION_START, Timestamp: START, Session: { Id: paused.Id, StartTimestamp: START, Duration: 0 } }, { ...base, eventType: SESSION_START, metrics: {} });
  });

  it('reads an Apple purchase of AWSPinpoint (formatted price, currency and numeric price) as revenue in its currency', () => {
    const purchase: Event = {
      EventType: PURCHASE,
      Timestamp: '2026-11-22T09:22:00.000Z',
      SdkName: 'aws-sdk-iOS',
      Attributes: { _product_id: 'com.example.pro', _store: 'Apple', _item_price_formatted: '2,99 €', _currency: 'EUR', _transaction_id: '1000000123456789' },
      Metrics: { _quantity: 1, _item_price: 2.99 },
      Session: { Id: 's-4', StartTimestamp: START },
    };
    expectFacts(purchase, { ...base, eventType: PURCHASE, metrics: { _quantity: 1, _item_price: 2.99 }, currency: 'EUR' });
  });

  it('counts a Google Play purchase with only a formatted price (PinpointManager’s deprecated form) as a purchase without currency or amount', () => {
    const purchase: Event = {
      EventType: PURCHASE,
      Timestamp: '2026-11-22T09:22:00.000Z',
      SdkName: 'aws-sdk-android',
      Attributes: { _product_id: 'gems_100', _store: 'Google Play', _item_price_formatted: '$0.99', _transaction_id: 'GPA.1' },
      Metrics: { _quantity: 1 },
    };
    expectFacts(purchase, { ...base, eventType: PURCHASE, metrics: { _quantity: 1 }, currency: NO_CURRENCY });
  });
});
