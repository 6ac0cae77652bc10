import { request as httpRequest } from 'node:http';
import aws4 from 'aws4';
import { PinpointClient, PutEventsCommand, type EventsRequest } from '@aws-sdk/client-pinpoint';
import { STAND_IN_CREDENTIALS, startPinpointStandIn, type PinpointStandIn } from './pinpoint-stand-in';

const validRequest: EventsRequest = {
  BatchItem: {
    'client-1': {
      Endpoint: { Demographic: { Platform: 'ANDROID', Locale: 'en_US' } },
      Events: {
        'event-1': {
          EventType: '_session.stop',
          Timestamp: '2026-11-22T10:00:05.000Z',
          Session: { Id: 's-1', StartTimestamp: '2026-11-22T10:00:00.000Z', StopTimestamp: '2026-11-22T10:00:05.000Z', Duration: 5000 },
          Attributes: { screen: 'main' },
          Metrics: { count: 1 },
        },
        'event-2': { EventType: 'custom', Timestamp: '2026-11-22T10:00:01.000Z' },
      },
    },
  },
};

function client(standIn: PinpointStandIn, secretAccessKey: string = STAND_IN_CREDENTIALS.secretAccessKey, region = 'us-east-1'): PinpointClient {
  return new PinpointClient({
    region,
    endpoint: standIn.url,
    credentials: { accessKeyId: STAND_IN_CREDENTIALS.accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
}

/** Sends a raw body signed with aws4 (the SDK would refuse to serialize some invalid bodies). */
function sendSigned(standIn: PinpointStandIn, body: string): Promise<{ status: number; errorType: string | undefined; text: string }> {
  const url = new URL(standIn.url);
  const signed = aws4.sign(
    {
      host: url.host,
      path: '/v1/apps/app-1/events',
      method: 'POST',
      service: 'mobiletargeting',
      region: 'us-east-1',
      headers: { 'Content-Type': 'application/json' },
      body,
    },
    STAND_IN_CREDENTIALS,
  );
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: 'POST', path: signed.path, headers: signed.headers as Record<string, string> },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, errorType: res.headers['x-amzn-errortype'] as string | undefined, text: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('Pinpoint stand-in', () => {
  let standIn: PinpointStandIn;
  beforeEach(async () => {
    standIn = await startPinpointStandIn();
  });
  afterEach(async () => {
    await standIn.close();
  });

  it('accepts a correctly signed, valid PutEvents call from the real v3 SDK and answers like Pinpoint', async () => {
    const pinpoint = client(standIn);
    const out = await pinpoint.send(new PutEventsCommand({ ApplicationId: 'app-1', EventsRequest: validRequest }));
    pinpoint.destroy();
    expect(out.$metadata.httpStatusCode).toBe(202);
    expect(out.EventsResponse?.Results?.['client-1']?.EventsItemResponse).toEqual({
      'event-1': { StatusCode: 202, Message: 'Accepted' },
      'event-2': { StatusCode: 202, Message: 'Accepted' },
    });
    expect(standIn.rejectedRequests).toEqual([]);
    expect(standIn.calls).toHaveLength(1);
    expect(standIn.calls[0]).toMatchObject({ applicationId: 'app-1', request: validRequest, eventIds: ['event-1', 'event-2'], status: 202 });
    expect(standIn.delivered().map((e) => e.eventId)).toEqual(['event-1', 'event-2']);
    expect(standIn.delivered()[0]?.event.Session?.Duration).toBe(5000);
  });

  it('refuses a call signed with the wrong secret with 403 InvalidSignatureException', async () => {
    const pinpoint = client(standIn, 'wrong-secret');
    await expect(pinpoint.send(new PutEventsCommand({ ApplicationId: 'app-1', EventsRequest: validRequest }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      $metadata: { httpStatusCode: 403 },
    });
    pinpoint.destroy();
    expect(standIn.calls).toEqual([]);
    expect(standIn.rejectedRequests).toHaveLength(1);
    expect(standIn.rejectedRequests[0]?.reason).toMatch(/InvalidSignatureException/);
  });

  it('refuses a call signed for another region', async () => {
    const pinpoint = client(standIn, STAND_IN_CREDENTIALS.secretAccessKey, 'eu-west-1');
    await expect(pinpoint.send(new PutEventsCommand({ ApplicationId: 'app-1', EventsRequest: validRequest }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
    });
    pinpoint.destroy();
    expect(standIn.rejectedRequests[0]?.reason).toMatch(/region 'us-east-1'/);
  });

  it.each([
    ['a StopTimestamp without Duration', { EventType: 'x', Timestamp: '2026-11-22T10:00:00.000Z', Session: { Id: 's', StartTimestamp: '2026-11-22T10:00:00.000Z', StopTimestamp: '2026-11-22T10:00:01.000Z' } }, /Duration/],
    ['a float Duration', { EventType: 'x', Timestamp: '2026-11-22T10:00:00.000Z', Session: { Id: 's', StartTimestamp: '2026-11-22T10:00:00.000Z', Duration: 1.5 } }, /integer/],
    ['a Session without Id', { EventType: 'x', Timestamp: '2026-11-22T10:00:00.000Z', Session: { StartTimestamp: '2026-11-22T10:00:00.000Z' } }, /Id/],
    ['a missing EventType', { Timestamp: '2026-11-22T10:00:00.000Z' }, /EventType/],
    ['an attribute value over 200 characters', { EventType: 'x', Timestamp: '2026-11-22T10:00:00.000Z', Attributes: { a: 'v'.repeat(201) } }, /200/],
    ['an unknown member', { EventType: 'x', Timestamp: '2026-11-22T10:00:00.000Z', version: 'v2.0' }, /additional/],
    [
      '41 attributes plus metrics',
      {
        EventType: 'x',
        Timestamp: '2026-11-22T10:00:00.000Z',
        Attributes: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`a${i}`, 'v'])),
        Metrics: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`m${i}`, i])),
      },
      /less than 40/,
    ],
  ])('refuses %s with 400 BadRequestException', async (_name, event, reason) => {
    const body = JSON.stringify({ BatchItem: { c: { Endpoint: {}, Events: { e: event } } } });
    const answer = await sendSigned(standIn, body);
    expect(answer.status).toBe(400);
    expect(answer.errorType).toBe('BadRequestException');
    expect(JSON.parse(answer.text)).toHaveProperty('Message');
    expect(standIn.rejectedRequests).toHaveLength(1);
    expect(standIn.rejectedRequests[0]?.reason).toMatch(reason);
    expect(standIn.calls).toEqual([]);
  });

  it('refuses more than 100 events in one call, summed over endpoints', async () => {
    const events = (prefix: string): Record<string, unknown> =>
      Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`${prefix}${i}`, { EventType: 'x', Timestamp: '2026-11-22T10:00:00.000Z' }]));
    const answer = await sendSigned(standIn, JSON.stringify({ BatchItem: { a: { Endpoint: {}, Events: events('a') }, b: { Endpoint: {}, Events: events('b') } } }));
    expect(answer.status).toBe(400);
    expect(standIn.rejectedRequests[0]?.reason).toMatch(/at most 100 events/);
  });

  it('answers what the behaviour says: per-event 400 inside a 202, and whole-call errors', async () => {
    standIn.setBehavior(({ index }) => (index === 0 ? { status: 202, rejectEventIds: ['event-2'], message: 'nope' } : { status: 503 }));
    const pinpoint = client(standIn);
    const out = await pinpoint.send(new PutEventsCommand({ ApplicationId: 'app-1', EventsRequest: validRequest }));
    expect(out.EventsResponse?.Results?.['client-1']?.EventsItemResponse?.['event-2']).toEqual({ StatusCode: 400, Message: 'nope' });
    await expect(pinpoint.send(new PutEventsCommand({ ApplicationId: 'app-1', EventsRequest: validRequest }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 503 },
    });
    pinpoint.destroy();
    expect(standIn.calls.map((c) => c.status)).toEqual([202, 503]);
    expect(standIn.delivered().map((e) => e.eventId)).toEqual(['event-1']);
    expect(standIn.rejectedRequests).toEqual([]);
  });

  it('answers 429 TooManyRequestsException beyond quotaPerSecond', async () => {
    await standIn.close();
    standIn = await startPinpointStandIn({ quotaPerSecond: 2 });
    const pinpoint = client(standIn);
    const send = (): Promise<number | undefined> =>
      pinpoint.send(new PutEventsCommand({ ApplicationId: 'app-1', EventsRequest: validRequest })).then(
        (r) => r.$metadata.httpStatusCode,
        (e: { name?: string; $metadata?: { httpStatusCode?: number } }) => (e.name === 'TooManyRequestsException' ? e.$metadata?.httpStatusCode : -1),
      );
    const statuses = [await send(), await send(), await send()];
    pinpoint.destroy();
    expect(statuses).toEqual([202, 202, 429]);
  });
});
