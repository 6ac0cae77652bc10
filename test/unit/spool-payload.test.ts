import { mapLegacyRequest } from '../../src/mapping/map-legacy-request';
import { envelopesRow, requestRow } from '../../src/spool/spool-payload';
import { deviceEnvelopes, deviceRow, sampleDecoder, sampleLegacyRequest, SAMPLE_RECEIVED_AT } from '../support/legacy-requests';

describe('spool payloads', () => {
  it('store a request as the texts it arrived with, which decode to exactly the mapped events', () => {
    const request = sampleLegacyRequest('d1', 3);
    const bodyJson = `{ "events" : ${JSON.stringify(request.body.events, null, 2)} }`;
    const row = requestRow({ ...request, clientContextJson: JSON.stringify(request.clientContext), bodyJson });
    expect(row).toEqual({ receivedAt: SAMPLE_RECEIVED_AT, eventCount: 3, payload: expect.stringContaining(bodyJson) });
    expect(sampleDecoder(row.payload)).toEqual(mapLegacyRequest(request, new Map()).envelopes);
  });

  it('decode only the events asked for', () => {
    const [, second] = deviceEnvelopes('d1', 3);
    expect(sampleDecoder(deviceRow('d1', 3).payload, new Set([second!.eventId]))).toEqual([second]);
  });

  it('keep mapped events (a requeued dead letter) as they are', () => {
    const envelopes = deviceEnvelopes('d2', 2);
    const row = envelopesRow(envelopes);
    expect(row.eventCount).toBe(2);
    expect(sampleDecoder(row.payload)).toEqual(envelopes);
    expect(() => envelopesRow([...envelopes, ...deviceEnvelopes('d3', 1)])).toThrow(/one application and endpoint/);
  });
});
