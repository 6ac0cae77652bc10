import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EventsRequest } from '@aws-sdk/client-pinpoint';
import request from 'supertest';
import type { Response } from 'supertest';
import { pinpointEventId } from '../../src/mapping/event-id';
import { startInProcessProxy, useUpstreamProxy, type InProcessProxy } from '../support/in-process-proxy';
import { makeTempDir } from '../support/temp-dir';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'pinpoint-requests');
const APP = '0123456789abcdef0123456789abcdef';
const AMPLIFY_JS = 'aws-amplify/6.0.28 analytics/1 framework/0';
const PINPOINT_MANAGER = 'aws-sdk-android/2.73.0 Linux/5.10 Dalvik/2.1.0/0 en_US com.amazonaws.mobileconnectors.pinpoint.PinpointManager/2.73.0';

function fixture(name: string): EventsRequest {
  return JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as EventsRequest;
}

/** Every endpoint id and event id a request carries. */
function idsOf(body: EventsRequest): Array<[string, string[]]> {
  return Object.entries(body.BatchItem ?? {}).map(([endpointId, batch]) => [endpointId, Object.keys(batch.Events ?? {})]);
}

function putEvents(target: InProcessProxy, body: unknown, headers: Record<string, string> = {}, suffix = ''): Promise<Response> {
  let req = request(target.app).post(`/v1/apps/${APP}/events${suffix}`).set('Content-Type', 'application/json');
  for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
  return req.send(typeof body === 'string' ? body : JSON.stringify(body));
}

function expectPinpointError(response: Response, status: number, type: string): void {
  expect(response.status).toBe(status);
  expect(response.headers['x-amzn-errortype']).toBe(type);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.body).toEqual({ Message: expect.any(String), RequestID: response.headers['x-amzn-requestid'] });
}

describe('the Pinpoint-native routes, upstream to the Pinpoint stand-in', () => {
  const upstream = useUpstreamProxy();
  /** The stand-in's delivered events are kept across tests: each test reads those after its start. */
  let before = 0;
  beforeEach(() => {
    before = upstream.standIn.delivered().length;
  });
  const delivered = (): ReturnType<typeof upstream.standIn.delivered> => upstream.standIn.delivered().slice(before);

  it.each(['amplify-js-put-events.json', 'android-pinpoint-manager-put-events.json', 'aws-cli-put-events.json', 'sdk-v3-put-events.json'])(
    'PutEvents %s: 202 with an Accepted entry for every endpoint and event, every event delivered',
    async (name) => {
      const body = fixture(name);
      const response = await putEvents(upstream.proxy, body);
      expect(response.status).toBe(202);
      expect(response.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
      const expected = Object.fromEntries(
        idsOf(body).map(([endpointId, eventIds]) => [
          endpointId,
          {
            EndpointItemResponse: { StatusCode: 202, Message: 'Accepted' },
            EventsItemResponse: Object.fromEntries(eventIds.map((id) => [id, { StatusCode: 202, Message: 'Accepted' }])),
          },
        ]),
      );
      expect(response.body).toEqual({ Results: expected });
      const deliveredIds = delivered().map((e) => e.eventId).sort();
      const sent = idsOf(body).flatMap(([endpointId, eventIds]) => eventIds.map((key) => pinpointEventId(APP, endpointId, key)));
      expect(deliveredIds).toEqual(sent.sort());
      expect(upstream.standIn.calls.every((call) => call.applicationId === APP)).toBe(true);
    },
  );

  it('answers an event that fails a per-event check with its own 400 entry and delivers only the others', async () => {
    const body = fixture('sdk-v3-put-events.json');
    const [endpointId, eventIds] = idsOf(body)[0] as [string, string[]];
    const events = body.BatchItem?.[endpointId]?.Events ?? {};
    const badId = eventIds[0] as string;
    events[badId] = { ...events[badId], EventType: 'x'.repeat(51) } as (typeof events)[string];
    const response = await putEvents(upstream.proxy, body);
    expect(response.status).toBe(202);
    const entries = response.body.Results[endpointId].EventsItemResponse;
    expect(entries[badId]).toEqual({ StatusCode: 400, Message: expect.stringContaining('EventType') });
    for (const id of eventIds.slice(1)) expect(entries[id]).toEqual({ StatusCode: 202, Message: 'Accepted' });
    expect(delivered().map((e) => e.eventId)).not.toContain(pinpointEventId(APP, endpointId, badId));
  });

  it("gives an event the destination refuses one by one (upstream mode) its own entry with the destination's message", async () => {
    const body = fixture('sdk-v3-put-events.json');
    const [endpointId, eventIds] = idsOf(body)[0] as [string, string[]];
    const refusedId = pinpointEventId(APP, endpointId, eventIds[0] as string);
    upstream.standIn.setBehavior(() => ({ status: 202, rejectEventIds: [refusedId], message: 'refused by the destination' }));
    const response = await putEvents(upstream.proxy, body);
    expect(response.status).toBe(202);
    const entries = response.body.Results[endpointId].EventsItemResponse;
    expect(entries[eventIds[0] as string]).toEqual({ StatusCode: 400, Message: 'refused by the destination' });
    for (const id of eventIds.slice(1)) expect(entries[id]).toEqual({ StatusCode: 202, Message: 'Accepted' });
    expect(response.body.Results[endpointId].EndpointItemResponse).toEqual({ StatusCode: 202, Message: 'Accepted' });
  });

  it('takes the events/legacy beacon path like PutEvents', async () => {
    const body = fixture('amplify-js-put-events.json');
    const response = await putEvents(upstream.proxy, body, { 'x-amz-user-agent': AMPLIFY_JS }, '/legacy');
    expect(response.status).toBe(202);
    expect(delivered()).toHaveLength(idsOf(body).flatMap(([, ids]) => ids).length);
  });

  it('merges the stored UpdateEndpoint profile under a bare Endpoint of PutEvents', async () => {
    const profile = {
      ChannelType: 'GCM',
      EffectiveDate: '2026-11-01T10:00:00.000Z',
      Demographic: { Make: 'Google', Model: 'Pixel 7', Platform: 'ANDROID', Locale: 'en_US' },
      Location: { Country: 'DEU', City: 'Berlin' },
      User: { UserId: 'user-1' },
    };
    const put = await request(upstream.proxy.app).put(`/v1/apps/${APP}/endpoints/ep-merge`).set('Content-Type', 'application/json').send(JSON.stringify(profile));
    expect(put.status).toBe(202);
    expect(put.body).toEqual({ Message: 'Accepted', RequestID: put.headers['x-amzn-requestid'] });
    const body = {
      BatchItem: {
        'ep-merge': {
          Endpoint: { Demographic: { Locale: 'de_DE' } },
          Events: { e1: { EventType: 'level_up', Timestamp: '2026-11-02T10:00:00.000Z' } },
        },
      },
    };
    expect((await putEvents(upstream.proxy, body)).status).toBe(202);
    const [event] = delivered();
    expect(event?.endpoint).toMatchObject({
      ChannelType: 'GCM',
      Demographic: { Make: 'Google', Model: 'Pixel 7', Platform: 'ANDROID', Locale: 'de_DE' },
      Location: { Country: 'DEU', City: 'Berlin' },
      User: { UserId: 'user-1' },
    });
  });

  it('GetEndpoint returns the stored profile, 404 NotFoundException when none was stored', async () => {
    const profile = { ChannelType: 'APNS', Address: 'token', Demographic: { Platform: 'iOS' }, Attributes: { plan: ['gold'] } };
    await request(upstream.proxy.app).put(`/v1/apps/${APP}/endpoints/ep%2Fget`).send(profile).expect(202);
    const got = await request(upstream.proxy.app).get(`/v1/apps/${APP}/endpoints/ep%2Fget`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ ApplicationId: APP, Id: 'ep/get', ...profile });
    expectPinpointError(await request(upstream.proxy.app).get(`/v1/apps/${APP}/endpoints/never-stored`), 404, 'NotFoundException');
  });

  it.each<[string, string, unknown]>([
    ['not JSON', 'BadRequestException', '{"BatchItem":'],
    ['empty', 'BadRequestException', ''],
    ['no BatchItem', 'BadRequestException', { Items: {} }],
    ['an endpoint without Events', 'BadRequestException', { BatchItem: { ep: { Endpoint: {} } } }],
  ])('refuses a request that is %s with 400 %s in Pinpoint\'s shape', async (_label, type, body) => {
    expectPinpointError(await putEvents(upstream.proxy, body), 400, type);
    expect(upstream.standIn.calls).toHaveLength(0);
  });

  it('refuses more than 100 events in one call', async () => {
    const events = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`e${i}`, { EventType: 'tap', Timestamp: '2026-11-02T10:00:00.000Z' }]));
    expectPinpointError(await putEvents(upstream.proxy, { BatchItem: { ep: { Endpoint: {}, Events: events } } }), 400, 'BadRequestException');
  });

  it('refuses a body over 4 MB (PINPOINT_BODY_LIMIT by default) with 413 PayloadTooLargeException and closes the connection', async () => {
    const response = await putEvents(upstream.proxy, `{"BatchItem":{},"pad":"${'x'.repeat(4 * 1024 * 1024)}"}`);
    expectPinpointError(response, 413, 'PayloadTooLargeException');
    expect(response.headers['connection']).toBe('close');
  });

  it.each([
    ['DELETE', `/v1/apps/${APP}/endpoints/ep`],
    ['GET', `/v1/apps/${APP}/events`],
    ['POST', `/v1/apps/${APP}/segments`],
  ])('answers %s %s, an operation not served, 404 NotFoundException', async (method, url) => {
    const response = await request(upstream.proxy.app)[method.toLowerCase() as 'get' | 'post' | 'delete'](url);
    expectPinpointError(response, 404, 'NotFoundException');
  });

  it('answers a browser preflight for the endpoint path with PUT allowed', async () => {
    const response = await request(upstream.proxy.app)
      .options(`/v1/apps/${APP}/endpoints/ep`)
      .set('Origin', 'https://app.example.com')
      .set('Access-Control-Request-Method', 'PUT')
      .set('Access-Control-Request-Headers', 'authorization,content-type,x-amz-date,x-amz-user-agent');
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-methods']).toBe('GET, POST, PUT, OPTIONS');
  });
});

describe('the Pinpoint-native routes, durable', () => {
  it('applies a lowered PINPOINT_BODY_LIMIT', async () => {
    const proxy = await startInProcessProxy({ SINK: 'local', PINPOINT_BODY_LIMIT: '2kb' });
    try {
      const small = { BatchItem: { ep: { Endpoint: {}, Events: { a: { EventType: 'tap', Timestamp: '2026-11-02T10:00:00.000Z' } } } } };
      expect((await putEvents(proxy, small)).status).toBe(202);
      expectPinpointError(await putEvents(proxy, { ...small, pad: 'x'.repeat(2048) }), 413, 'PayloadTooLargeException');
    } finally {
      await proxy.close();
    }
  });

  it("answers a full spool with each sender's retry later, and stores nothing of that request", async () => {
    const temp = makeTempDir();
    const proxy = await startInProcessProxy({ SINK: 'pinpoint', PINPOINT_ENDPOINT: 'http://127.0.0.1:9', SPOOL_MAX_EVENTS: '3', DATA_DIR: temp.dir });
    try {
      const body = fixture('android-pinpoint-manager-put-events.json');
      const count = idsOf(body).flatMap(([, ids]) => ids).length;
      expect(count).toBeGreaterThan(2);
      const small = { BatchItem: { ep: { Endpoint: {}, Events: { a: { EventType: 'tap', Timestamp: '2026-11-02T10:00:00.000Z' } } } } };
      expect((await putEvents(proxy, small)).status).toBe(202);
      const stored = proxy.deps.spool?.storedEvents();
      // The spool holds one event; this request does not fit.
      expectPinpointError(await putEvents(proxy, body, { 'User-Agent': PINPOINT_MANAGER }), 500, 'InternalServerErrorException');
      expectPinpointError(await putEvents(proxy, body, { 'x-amz-user-agent': AMPLIFY_JS }), 429, 'TooManyRequestsException');
      expect(proxy.deps.spool?.storedEvents()).toEqual(stored);
    } finally {
      await proxy.close();
      temp.remove();
    }
  });
});
