import { mapLegacyRequest } from '../../src/mapping/map-legacy-request';
import { decodePayload, mappedEventPayload, requestRow } from '../../src/spool/spool-payload';
import { decodeToEnvelopes, deviceEnvelopes, sampleLegacyRequest, SAMPLE_RECEIVED_AT } from '../support/legacy-requests';

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
