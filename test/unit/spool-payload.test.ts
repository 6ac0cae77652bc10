import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EventsRequest } from '@aws-sdk/client-pinpoint';
import type { EventEnvelope } from '../../src/mapping/event-envelope';
import { mapLegacyRequest } from '../../src/mapping/map-legacy-request';
import type { StoredEndpointProfile } from '../../src/mapping/merge-endpoint';
import { decodePayload, mappedEventPayload, pinpointRequestRow, requestRow } from '../../src/spool/spool-payload';
import { decodeToEnvelopes, deviceEnvelopes, sampleLegacyRequest, SAMPLE_RECEIVED_AT } from '../support/legacy-requests';

/** A Pinpoint mapping case: a checked PutEvents request, its stored profiles, the envelopes it maps to. */
interface MappingCase {
  applicationId: string;
  receivedAt: number;
  request: EventsRequest;
  profiles: Record<string, StoredEndpointProfile>;
  expected: { envelopes: EventEnvelope[] };
}

const pinpointCase = (name: string): MappingCase =>
  JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'pinpoint-mapping', `${name}.json`), 'utf8')) as MappingCase;

describe('spool payloads', () => {
  it('store a request as the texts it arrived with, which decode to exactly the mapped events', () => {
    const request = sampleLegacyRequest('d1', 3);
    const bodyJson = `{ "events" : ${JSON.stringify(request.body.events, null, 2)} }`;
    const row = requestRow({ ...request, clientContextJson: JSON.stringify(request.clientContext), bodyJson });
    expect(row).toEqual({ receivedAt: SAMPLE_RECEIVED_AT, eventCount: 3, payload: expect.stringContaining(bodyJson) });
    expect(decodePayload(row.payload)).toEqual({ kind: 'legacy-request', request });
    expect(decodeToEnvelopes(row.payload)).toEqual(mapLegacyRequest(request, new Map()).envelopes);
  });

  it('keep a mapped event (a requeued dead letter) as it is', () => {
    const [envelope] = deviceEnvelopes('d2', 1);
    const payload = mappedEventPayload(JSON.stringify(envelope));
    expect(decodePayload(payload)).toEqual({ kind: 'mapped-event', envelope });
  });

  it('read a requeued row written by version 0.1 (grouped events)', () => {
    const [envelope] = deviceEnvelopes('d3', 1);
    const { AppPackageName, AppTitle, AppVersionCode, SdkName, ClientSdkVersion, ...rest } = envelope!.event;
    const v01 = {
      applicationId: envelope!.applicationId,
      endpointId: envelope!.endpointId,
      endpoint: envelope!.endpoint,
      receivedAt: envelope!.receivedAt,
      common: { AppPackageName, AppTitle, AppVersionCode, SdkName, ClientSdkVersion },
      events: [[envelope!.eventId, rest]],
    };
    expect(decodePayload(JSON.stringify(v01))).toEqual({ kind: 'mapped-event', envelope });
  });

  it('write legacy rows and mapped events as the texts they always were', () => {
    const row = requestRow({
      ...sampleLegacyRequest('d4', 1),
      receivedAt: 1,
      sdk: { kind: 'js', name: 'n', version: 'v' },
      clientContextJson: '{"client":{"client_id":"d4"}}',
      bodyJson: '{"events":[]}',
    });
    expect(row.payload).toBe(
      '{"legacyRequest":{"receivedAt":1,"sdk":{"kind":"js","name":"n","version":"v"},"clientContext":{"client":{"client_id":"d4"}},"body":{"events":[]}}}',
    );
    expect(mappedEventPayload('{"eventId":"e"}')).toBe('{"mappedEvent":{"eventId":"e"}}');
  });

  it('store a Pinpoint request with the profiles of its endpoints, which decodes to exactly the mapped events', () => {
    const c = pinpointCase('amplify-js-session-custom');
    const [endpointId] = Object.keys(c.request.BatchItem ?? {});
    const profiles = new Map([...Object.entries(c.profiles), ['an-endpoint-not-in-the-request', { Address: 'x' }]]);
    const row = pinpointRequestRow({ applicationId: c.applicationId, receivedAt: c.receivedAt, request: c.request, profiles });
    expect(row).toEqual({ receivedAt: c.receivedAt, eventCount: c.expected.envelopes.length, payload: expect.stringMatching(/^\{"pinpointRequest":\{/) });
    expect(decodePayload(row.payload)).toEqual({
      kind: 'pinpoint-request',
      input: { applicationId: c.applicationId, receivedAt: c.receivedAt, request: c.request, profiles: new Map([[endpointId, c.profiles[endpointId!]]]) },
    });
    expect(decodeToEnvelopes(row.payload)).toEqual(c.expected.envelopes);
  });

  it('store a Pinpoint request with no stored profile as it came, with its events counted', () => {
    const c = pinpointCase('sdk-v3-demographics-location');
    const row = pinpointRequestRow({ applicationId: c.applicationId, receivedAt: c.receivedAt, request: c.request });
    expect(row.eventCount).toBe(c.expected.envelopes.length);
    expect(JSON.parse(row.payload)).toEqual({ pinpointRequest: { applicationId: c.applicationId, receivedAt: c.receivedAt, request: c.request, endpoints: {} } });
    expect(decodeToEnvelopes(row.payload)).toEqual(c.expected.envelopes);
  });

  it.each([
    ['not JSON', 'not json', /JSON/],
    ['a JSON array', '[1]', /no known tag/],
    ['a JSON string', '"x"', /not a JSON object/],
    ['null', 'null', /not a JSON object/],
    ['an unknown tag', '{"somethingElse":{}}', /no known tag/],
    ['a 0.1 row of two events', '{"events":[["a",{}],["b",{}]],"common":{}}', /exactly one event/],
  ])('refuse %s', (_name, text, message) => {
    expect(() => decodePayload(text)).toThrow(message);
  });
});
