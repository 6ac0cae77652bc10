import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createEventsRequestChecker } from '../../src/pinpoint-api/events-request-checks';
import { toEventsResponse } from '../../src/pinpoint-api/events-response';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'pinpoint-requests');
const check = createEventsRequestChecker();
const accepted = { StatusCode: 202, Message: 'Accepted' };

describe('toEventsResponse', () => {
  it('answers every endpoint and event of a PinpointManager batch "Accepted"', () => {
    const body = JSON.parse(readFileSync(path.join(FIXTURES, 'android-pinpoint-manager-put-events.json'), 'utf8')) as {
      BatchItem: Record<string, { Events: Record<string, unknown> }>;
    };
    const response = toEventsResponse(check(body));
    const [endpointId, batch] = Object.entries(body.BatchItem)[0] as [string, { Events: Record<string, unknown> }];
    expect(response).toEqual({
      Results: {
        [endpointId]: {
          EndpointItemResponse: accepted,
          EventsItemResponse: Object.fromEntries(Object.keys(batch.Events).map((id) => [id, accepted])),
        },
      },
    });
  });

  it('gives every id sent its entry: refused events 400 with the reason, under their own endpoint', () => {
    const response = toEventsResponse(
      check({
        BatchItem: {
          a: { Endpoint: {}, Events: { ok: { EventType: 'x', Timestamp: '2026-05-01T10:00:00Z' }, bad: { EventType: '', Timestamp: '2026-05-01T10:00:00Z' } } },
          b: { Endpoint: {}, Events: { bad: { EventType: 'x', Timestamp: '2026-02-30T10:00:00Z' } } },
        },
      }),
    );
    expect(response.Results?.['a']?.EndpointItemResponse).toEqual(accepted);
    expect(response.Results?.['a']?.EventsItemResponse?.['ok']).toEqual(accepted);
    expect(response.Results?.['a']?.EventsItemResponse?.['bad']).toEqual({ StatusCode: 400, Message: expect.stringMatching(/EventType/) as unknown });
    // An endpoint whose only event was refused is still answered, with that event's 400.
    expect(response.Results?.['b']).toEqual({
      EndpointItemResponse: accepted,
      EventsItemResponse: { bad: { StatusCode: 400, Message: 'Timestamp is not a real date and time: 2026-02-30T10:00:00Z.' } },
    });
  });

  it('serializes ids such as __proto__ as entries', () => {
    const body = JSON.parse('{"BatchItem":{"__proto__":{"Endpoint":{},"Events":{"__proto__":{"EventType":"x","Timestamp":"2026-05-01T10:00:00Z"}}}}}') as unknown;
    const wire = JSON.parse(JSON.stringify(toEventsResponse(check(body)))) as unknown;
    expect(wire).toEqual(JSON.parse('{"Results":{"__proto__":{"EndpointItemResponse":{"StatusCode":202,"Message":"Accepted"},"EventsItemResponse":{"__proto__":{"StatusCode":202,"Message":"Accepted"}}}}}'));
  });
});
