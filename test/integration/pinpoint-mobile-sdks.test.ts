import type { EventStreamRecord } from '../../src/mapping/event-stream-record';
import { pinpointEventId } from '../../src/mapping/event-id';
import { awsPinpointDevice, AWS_PINPOINT_USER_AGENT } from '../fixtures/pinpoint-clients/aws-pinpoint-ios';
import { OVERSIZED_EVENT_INDEX } from '../fixtures/pinpoint-clients/device-activity';
import { pinpointManagerDevice, PINPOINT_MANAGER_USER_AGENT } from '../fixtures/pinpoint-clients/pinpoint-manager';
import { submitCalls, type MobileDevice, type PutEventsCall } from '../fixtures/pinpoint-clients/wire-request';
import { waitFor } from '../support/legacy-sender';
import {
  AWS_PINPOINT_MAX_RETRIES,
  AWS_PINPOINT_MODEL,
  awsPinpointVerdicts,
  idsWith,
  PINPOINT_MANAGER_MODEL,
  pinpointManagerVerdicts,
  type BatchVerdicts,
  type MobileClientModel,
} from '../support/pinpoint-client-models';
import { storedRecords, useLocalAndKinesisProxy } from '../support/local-store-records';
import { acceptedEventsOf, expectPinpointRecordsIntact, type AcceptedPinpointEvents } from '../support/pinpoint-record-oracle';
import { callAnswerOf, sendWireRequest } from '../support/pinpoint-wire';
import { useFullSpoolProxy } from '../support/full-spool-proxy';

/** A mobile SDK under test: the device it runs on and its keep-or-delete rule. */
interface MobileSdk {
  device: () => MobileDevice;
  model: MobileClientModel;
  userAgent: string;
}

const SDKS: ReadonlyArray<readonly [string, MobileSdk]> = [
  ['aws-sdk-android PinpointManager', { device: pinpointManagerDevice, model: PINPOINT_MANAGER_MODEL, userAgent: PINPOINT_MANAGER_USER_AGENT }],
  ['aws-sdk-ios AWSPinpoint', { device: awsPinpointDevice, model: AWS_PINPOINT_MODEL, userAgent: AWS_PINPOINT_USER_AGENT }],
];

/** The id of the event Pinpoint's per-event checks refuse (45 attributes and metrics). */
const oversizedId = (device: MobileDevice): string => (device.queue[OVERSIZED_EVENT_INDEX] as readonly [string, unknown])[0];

/** Sends one call as the device does and returns the SDK's verdicts on its answer. */
async function submit(proxyUrl: string, sdk: MobileSdk, call: PutEventsCall, retries: Record<string, number> = {}): Promise<BatchVerdicts> {
  const answer = await sendWireRequest(proxyUrl, call);
  const eventIds = Object.keys(call.request.BatchItem?.[call.endpointId]?.Events ?? {});
  return sdk.model.verdicts({ endpointId: call.endpointId, eventIds }, callAnswerOf(answer), retries);
}

/** The events the service must have stored for a device: its queue, but the refused one, with the endpoint of its calls over its profile. */
function acceptedOf(device: MobileDevice): AcceptedPinpointEvents[] {
  const call = device.putEvents(device.queue.map(([id]) => id));
  return acceptedEventsOf(device.applicationId, call.request, new Set([oversizedId(device)])).map((accepted) => ({
    ...accepted,
    // Each nested member of the calls' Endpoint equals the profile's, so a shallow merge is the field-by-field one.
    endpoint: { ...device.updateEndpoint.request, ...accepted.endpoint },
  }));
}

describe('the SDKs keep-or-delete rules (the models the replays below are judged with)', () => {
  const batch = { endpointId: 'e1', eventIds: ['a', 'b', 'c'] };
  const response = {
    Results: {
      e1: {
        EndpointItemResponse: { StatusCode: 202, Message: 'Accepted' },
        EventsItemResponse: { a: { StatusCode: 202, Message: 'accepted' }, b: { StatusCode: 400, Message: 'Number of attributes per event submitted should be less than 40.' }, c: { StatusCode: 500, Message: 'Internal' } },
      },
    },
  };

  it('PinpointManager: "Accepted" in any case deletes, an item 5xx keeps, another item status deletes; only a 5xx or no answer keeps a whole call', () => {
    expect(pinpointManagerVerdicts(batch, { status: 202, response })).toEqual({ a: 'delivered', b: 'discarded', c: 'kept' });
    expect(pinpointManagerVerdicts(batch, { status: 500, errorType: 'InternalServerErrorException' })).toEqual({ a: 'kept', b: 'kept', c: 'kept' });
    expect(pinpointManagerVerdicts(batch, { status: 0 })).toEqual({ a: 'kept', b: 'kept', c: 'kept' });
    // Why the proxy never answers PinpointManager 429: it would lose the whole batch.
    expect(pinpointManagerVerdicts(batch, { status: 429, errorType: 'TooManyRequestsException' })).toEqual({ a: 'discarded', b: 'discarded', c: 'discarded' });
    const missing = { Results: { e1: { ...response.Results.e1, EventsItemResponse: { a: response.Results.e1.EventsItemResponse.a } } } };
    expect(pinpointManagerVerdicts(batch, { status: 202, response: missing })).toEqual({ a: 'kept', b: 'kept', c: 'kept' });
  });

  it('AWSPinpoint: exactly "Accepted" deletes; anything else but its three final error names is retried 3 times; BadRequest drops a whole call', () => {
    expect(awsPinpointVerdicts(batch, { status: 202, response })).toEqual({ a: 'kept', b: 'kept', c: 'kept' });
    const accepted = { Results: { e1: { EventsItemResponse: { a: { StatusCode: 202, Message: 'Accepted' }, b: { StatusCode: 400, Message: 'ValidationException' } } } } };
    expect(awsPinpointVerdicts(batch, { status: 202, response: accepted })).toEqual({ a: 'delivered', b: 'discarded', c: 'kept' });
    expect(awsPinpointVerdicts(batch, { status: 500, errorType: 'InternalServerErrorException' }, { a: AWS_PINPOINT_MAX_RETRIES })).toEqual({ a: 'discarded', b: 'kept', c: 'kept' });
    expect(awsPinpointVerdicts(batch, { status: 429, errorType: 'TooManyRequestsException' })).toEqual({ a: 'kept', b: 'kept', c: 'kept' });
    expect(awsPinpointVerdicts(batch, { status: 400, errorType: 'BadRequestException' })).toEqual({ a: 'discarded', b: 'discarded', c: 'discarded' });
    expect(awsPinpointVerdicts(batch, { status: 0 }, { a: 9 })).toEqual({ a: 'kept', b: 'kept', c: 'kept' });
  });
});

/**
 * Issue 14's acceptance for the mobile SDKs that called Pinpoint themselves, replayed as they are
 * on the wire (headers, user agent, Content-Type, bytes; 100-event calls with the full endpoint):
 * each counts every stored event delivered, drops or retries what Pinpoint's checks refuse as it
 * did against Pinpoint, and every accepted event reaches the local store and Kinesis once, intact.
 */
describe.each(SDKS)('%s replayed over real HTTP (SINK=local,kinesis)', (_name, sdk) => {
  const sinks = useLocalAndKinesisProxy('pinpoint-mobile');

  it('sends what the real SDK sends: its user agent, x-amz-json-1.1, one endpoint and 100 events a call', () => {
    const device = sdk.device();
    const calls = submitCalls(device);
    expect(calls.map((c) => Object.keys(c.request.BatchItem?.[device.endpointId]?.Events ?? {}).length)).toEqual([100, 100, 100]);
    for (const call of [device.updateEndpoint, ...calls]) {
      expect(call.headers['User-Agent']).toBe(sdk.userAgent);
      expect(call.headers['Content-Type']).toBe('application/x-amz-json-1.1');
      expect(call.headers['Authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=ASIA\w+\/\d{8}\/us-east-1\/mobiletargeting\/aws4_request/);
      expect(JSON.parse(call.body.toString('utf8'))).toEqual(call.request);
    }
  });

  it('counts every stored event delivered, drops or gives up on the refused one, and every other event lands once, intact, in the local store and Kinesis', async () => {
    const device = sdk.device();
    const profile = await sendWireRequest(sinks.proxy.url, device.updateEndpoint);
    expect(profile.status).toBe(202);
    expect(JSON.parse(profile.body)).toEqual({ Message: 'Accepted', RequestID: expect.any(String) });

    const verdicts: BatchVerdicts = {};
    for (const call of submitCalls(device)) Object.assign(verdicts, await submit(sinks.proxy.url, sdk, call));
    const refused = oversizedId(device);
    expect(idsWith(verdicts, 'delivered')).toEqual(device.queue.map(([id]) => id).filter((id) => id !== refused));

    // PinpointManager drops the refused event at once; AWSPinpoint retries it three times (it never
    // reads a 400 entry as final), and the service refuses it each time without storing it.
    let sends = 1;
    let retries = 0;
    while (verdicts[refused] === 'kept') {
      retries += 1;
      sends += 1;
      Object.assign(verdicts, await submit(sinks.proxy.url, sdk, device.putEvents([refused]), { [refused]: retries }));
    }
    expect(verdicts[refused]).toBe('discarded');
    expect(sends).toBe(sdk.model === AWS_PINPOINT_MODEL ? 1 + AWS_PINPOINT_MAX_RETRIES : 1);

    await waitFor(() => sinks.proxy.deps.spool?.storedEvents() === 0, 20_000, 'the spool to drain into both sinks');
    const accepted = acceptedOf(device);
    expectPinpointRecordsIntact(accepted, storedRecords(sinks.dataDir, device.applicationId));
    const streamed = (await sinks.kinesalite.readAll(sinks.stream)).map((r) => ({ key: r.partitionKey, record: JSON.parse(r.data) as EventStreamRecord }));
    const ofDevice = streamed.filter((r) => r.record.application.app_id === device.applicationId);
    expectPinpointRecordsIntact(accepted, ofDevice.map((r) => r.record));
    expect(new Set(ofDevice.map((r) => r.key))).toEqual(new Set([device.endpointId]));
    expect(ofDevice.map((r) => r.record.event_id)).not.toContain(pinpointEventId(device.applicationId, device.endpointId, refused));
  });
});

/**
 * A full spool: the "retry later" answer each SDK keeps its events for (500 for both), nothing
 * stored of a refused call, and the calls the SDK sends again once the spool has room land once.
 */
describe.each(SDKS)('%s against a full spool (SPOOL_MAX_EVENTS=150, Pinpoint down)', (_name, sdk) => {
  const full = useFullSpoolProxy(150);

  it('keeps every refused event, and what it sends again once there is room lands exactly once', async () => {
    const device = sdk.device();
    const [first, second, third] = submitCalls(device) as [PutEventsCall, PutEventsCall, PutEventsCall];
    expect(idsWith(await submit(full.proxy.url, sdk, first), 'delivered')).toHaveLength(100);
    expect(full.proxy.deps.spool?.storedEvents()).toBe(100);

    const refusedCalls = [second, third];
    const retries: Record<string, number> = {};
    for (const call of refusedCalls) {
      const answer = await sendWireRequest(full.proxy.url, call);
      expect([answer.status, answer.headers['x-amzn-errortype']]).toEqual([500, 'InternalServerErrorException']);
      expect(JSON.parse(answer.body)).toEqual({ Message: expect.any(String), RequestID: expect.any(String) });
      const eventIds = Object.keys(call.request.BatchItem?.[device.endpointId]?.Events ?? {});
      const verdicts = sdk.model.verdicts({ endpointId: device.endpointId, eventIds }, callAnswerOf(answer), {});
      expect(idsWith(verdicts, 'kept')).toEqual(eventIds);
      for (const id of eventIds) retries[id] = 1;
    }
    expect(full.proxy.deps.spool?.storedEvents()).toBe(100);

    // The device submits again later, a call at a time; each fits once the spool drained into Pinpoint.
    full.bringUp();
    const resent: BatchVerdicts = {};
    for (const call of refusedCalls) {
      await waitFor(() => full.proxy.deps.spool?.storedEvents() === 0, 20_000, 'the spool to drain into Pinpoint');
      const eventIds = Object.keys(call.request.BatchItem?.[device.endpointId]?.Events ?? {});
      Object.assign(resent, await submit(full.proxy.url, sdk, device.putEvents(eventIds), retries));
    }
    expect(idsWith(resent, 'delivered')).toHaveLength(199);

    await waitFor(() => full.proxy.deps.spool?.storedEvents() === 0, 20_000, 'the resent events to reach Pinpoint');
    const delivered = full.standIn.delivered();
    const expected = acceptedOf(device).flatMap((a) => Object.keys(a.events).map((key) => pinpointEventId(a.applicationId, a.endpointId, key)));
    expect(delivered.map((d) => d.eventId).sort()).toEqual(expected.sort());
    expect(full.standIn.rejectedRequests).toEqual([]);
  });
});
