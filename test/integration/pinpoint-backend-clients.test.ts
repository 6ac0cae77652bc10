import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  GetEndpointCommand,
  NotFoundException,
  PinpointClient,
  PutEventsCommand,
  TooManyRequestsException,
  UpdateEndpointCommand,
  type EndpointRequest,
  type EventsRequest,
  type EventsResponse,
  type PublicEndpoint,
} from '@aws-sdk/client-pinpoint';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import AWS from 'aws-sdk';
import { pinpointEventId } from '../../src/mapping/event-id';
import type { EventStreamRecord } from '../../src/mapping/event-stream-record';
import { killProxyProcess, startProxyProcess, type ProxyProcess } from '../support/proxy-process';
import { waitFor } from '../support/legacy-sender';
import { storedRecords, useLocalAndKinesisProxy } from '../support/local-store-records';
import { acceptedEventsOf, expectPinpointRecordsIntact, type AcceptedPinpointEvents } from '../support/pinpoint-record-oracle';
import { useFullSpoolProxy } from '../support/full-spool-proxy';
import { makeTempDir } from '../support/temp-dir';

/** Keys a backend would hold for Pinpoint; the service (AUTH_MODE=none) takes any signature. */
const BACKEND_CREDENTIALS = { accessKeyId: 'AKIDBACKENDEXAMPLE', secretAccessKey: 'backend-secret-example' };

const run = promisify(execFile);
const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'pinpoint-clients');
/** The Debian package's AWS CLI v2 (another `aws`, v1, may come first on PATH). */
const AWS_CLI = '/usr/bin/aws';

const ACCEPTED = { StatusCode: 202, Message: 'Accepted' };
const STOP_WITHOUT_DURATION = "Session start and stop timestamp's exist but duration is null";

/** The SDK v3 client as a backend configures it for ma2pinpoint: `endpoint`, a region, its keys, `maxAttempts`. */
function v3Client(proxyUrl: string, maxAttempts = 1): PinpointClient {
  return new PinpointClient({ endpoint: proxyUrl, region: 'us-east-1', credentials: BACKEND_CREDENTIALS, maxAttempts, requestHandler: new NodeHttpHandler() });
}

/** The results the SDKs parse: every endpoint "Accepted", each event "Accepted" unless named in `refused` (with its message). */
function expectedResults(request: EventsRequest, refused: Record<string, Record<string, string | RegExp>> = {}): EventsResponse {
  const results = Object.entries(request.BatchItem ?? {}).map(([endpointId, batch]) => {
    const events = Object.keys(batch.Events ?? {}).map((key) => {
      const message = refused[endpointId]?.[key];
      return [key, message === undefined ? ACCEPTED : { StatusCode: 400, Message: typeof message === 'string' ? message : expect.stringMatching(message) }];
    });
    return [endpointId, { EndpointItemResponse: ACCEPTED, EventsItemResponse: Object.fromEntries(events) }];
  });
  return { Results: Object.fromEntries(results) as EventsResponse['Results'] };
}

/** The refused keys of `expectedResults`' argument, by endpoint, for `acceptedEventsOf`. */
function refusedKeys(refused: Record<string, Record<string, unknown>>): Set<string> {
  return new Set(Object.values(refused).flatMap((byKey) => Object.keys(byKey)));
}

/** The v3 traffic: a profile for one endpoint, then events for it (with a partial `Endpoint`) and for a second endpoint. */
const V3_APP = 'b7e1c4a9d2f6485e9a3c1f7d5b2e8a40';
const CHECKOUT_EU = 'checkout-service-eu-1';
const CHECKOUT_US = 'checkout-service-us-2';
const CHECKOUT_PROFILE: EndpointRequest = {
  ChannelType: 'CUSTOM',
  Address: 'https://hooks.example.com/checkout',
  Demographic: { AppVersion: '3.4.0', Platform: 'nodejs', PlatformVersion: '20', Timezone: 'Europe/Dublin' },
  Location: { Country: 'IE', City: 'Dublin' },
  Attributes: { region: ['eu-west-1'], tier: ['gold'] },
  Metrics: { replicas: 3 },
  User: { UserId: 'ops-team', UserAttributes: { oncall: ['alice'] } },
  EffectiveDate: '2026-10-07T09:00:00.000Z',
};
const SESSION = { Id: 'checkout-20261007-0900', StartTimestamp: '2026-10-07T09:00:00.000Z' };
const V3_REQUEST: EventsRequest = {
  BatchItem: {
    [CHECKOUT_EU]: {
      Endpoint: { Demographic: { Timezone: 'Europe/London' }, Attributes: { tier: ['platinum'] }, User: { UserAttributes: { oncall: ['bob'] } } },
      Events: {
        'evt-1': { EventType: '_session.start', Timestamp: '2026-10-07T09:00:00.000Z', Session: SESSION },
        'evt-2': { EventType: 'cart.checkout', Timestamp: '2026-10-07T09:03:10.500Z', Attributes: { coupon: 'AUTUMN', items: '3' }, Metrics: { total: 59.85, items: 3 }, Session: SESSION },
        'evt-3': {
          EventType: '_monetization.purchase',
          Timestamp: '2026-10-07T09:03:11.000Z',
          Attributes: { _product_id: 'mug-blue', _currency: 'EUR', _store: 'web' },
          Metrics: { _item_price: 19.95, _quantity: 3 },
          Session: SESSION,
        },
        'evt-4': { EventType: '_session.stop', Timestamp: '2026-10-07T09:10:00.000Z', Session: { ...SESSION, StopTimestamp: '2026-10-07T09:10:00.000Z', Duration: 600_000 } },
        'evt-bad': { EventType: 'cart.abandoned', Timestamp: '2026-10-07T09:05:00.000Z', Session: { ...SESSION, StopTimestamp: '2026-10-07T09:05:00.000Z' } },
      },
    },
    [CHECKOUT_US]: {
      Endpoint: { ChannelType: 'CUSTOM', Demographic: { Platform: 'nodejs', Locale: 'en_US' }, Location: { Country: 'US' } },
      Events: {
        'evt-1': { EventType: 'cart.checkout', Timestamp: '2026-10-07T14:00:00.000Z', Attributes: { coupon: 'NONE', items: '1' }, Metrics: { total: 12, items: 1 }, SdkName: 'checkout', ClientSdkVersion: '3.4.0' },
        'evt-long': { EventType: 'x'.repeat(51), Timestamp: '2026-10-07T14:00:01.000Z' },
      },
    },
  },
};
const V3_REFUSED = { [CHECKOUT_EU]: { 'evt-bad': STOP_WITHOUT_DURATION }, [CHECKOUT_US]: { 'evt-long': /EventType/ } };
/** The request's `Endpoint` over the stored profile, field by field, written out by hand. */
const CHECKOUT_EU_MERGED: PublicEndpoint = {
  ...CHECKOUT_PROFILE,
  Demographic: { AppVersion: '3.4.0', Platform: 'nodejs', PlatformVersion: '20', Timezone: 'Europe/London' },
  Attributes: { region: ['eu-west-1'], tier: ['platinum'] },
  User: { UserId: 'ops-team', UserAttributes: { oncall: ['bob'] } },
};

/**
 * Issue 14's acceptance for backends and scripts that called Pinpoint with an AWS SDK or the AWS
 * CLI, pointed at the service with the setting each has for it: the SDK parses every answer, each
 * event the checks refuse comes back 400 in its entry and is not stored, and every accepted event
 * reaches the local store and Kinesis exactly once, intact, with its endpoint as merged.
 */
describe('backend senders against the service (SINK=local,kinesis)', () => {
  const sinks = useLocalAndKinesisProxy('pinpoint-backends');

  /** Waits for both sinks, then holds the local store and the stream to exactly `accepted` for its application. */
  const expectDeliveredOnce = async (accepted: readonly AcceptedPinpointEvents[]): Promise<void> => {
    const appId = (accepted[0] as AcceptedPinpointEvents).applicationId;
    await waitFor(() => sinks.proxy.deps.spool?.storedEvents() === 0, 20_000, 'the spool to drain into both sinks');
    expectPinpointRecordsIntact(accepted, storedRecords(sinks.dataDir, appId));
    const streamed = (await sinks.kinesalite.readAll(sinks.stream)).map((r) => JSON.parse(r.data) as EventStreamRecord);
    expectPinpointRecordsIntact(accepted, streamed.filter((r) => r.application.app_id === appId));
  };

  it('@aws-sdk/client-pinpoint v3: UpdateEndpoint, GetEndpoint and PutEvents parsed by the SDK; the profile merged into the events it precedes', async () => {
    const client = v3Client(sinks.proxy.url);
    const updated = await client.send(new UpdateEndpointCommand({ ApplicationId: V3_APP, EndpointId: CHECKOUT_EU, EndpointRequest: CHECKOUT_PROFILE }));
    expect(updated.$metadata.httpStatusCode).toBe(202);
    expect(updated.MessageBody).toEqual({ Message: 'Accepted', RequestID: expect.any(String) });

    const got = await client.send(new GetEndpointCommand({ ApplicationId: V3_APP, EndpointId: CHECKOUT_EU }));
    expect(got.$metadata.httpStatusCode).toBe(200);
    expect(got.EndpointResponse).toEqual({ ...CHECKOUT_PROFILE, ApplicationId: V3_APP, Id: CHECKOUT_EU, CohortId: expect.stringMatching(/^\d{1,2}$/), CreationDate: expect.any(String) });

    const put = await client.send(new PutEventsCommand({ ApplicationId: V3_APP, EventsRequest: V3_REQUEST }));
    expect(put.$metadata.httpStatusCode).toBe(202);
    expect(put.EventsResponse).toEqual(expectedResults(V3_REQUEST, V3_REFUSED));
    client.destroy();

    const accepted = acceptedEventsOf(V3_APP, V3_REQUEST, refusedKeys(V3_REFUSED)).map((a) => (a.endpointId === CHECKOUT_EU ? { ...a, endpoint: CHECKOUT_EU_MERGED } : a));
    await expectDeliveredOnce(accepted);
  });

  it('@aws-sdk/client-pinpoint v3: GetEndpoint of an endpoint never updated is the NotFoundException the SDK throws', async () => {
    const client = v3Client(sinks.proxy.url);
    const error = await client.send(new GetEndpointCommand({ ApplicationId: V3_APP, EndpointId: 'never-updated' })).catch((err: unknown) => err);
    client.destroy();
    expect(error).toBeInstanceOf(NotFoundException);
    expect((error as NotFoundException).$metadata.httpStatusCode).toBe(404);
    // The SDK moves the body's `Message` to the error's `message`.
    expect((error as NotFoundException).message).toMatch(/\w/);
    expect((error as NotFoundException).RequestID).toMatch(/\w/);
  });

  it('aws-sdk v2 AWS.Pinpoint: updateEndpoint, getEndpoint and putEvents with `endpoint`', async () => {
    const appId = '5c0d9e8f7a6b4c3d2e1f0a9b8c7d6e5f';
    const endpointId = 'inventory-sync-7';
    const pinpoint = new AWS.Pinpoint({ endpoint: sinks.proxy.url, region: 'us-east-1', credentials: new AWS.Credentials(BACKEND_CREDENTIALS.accessKeyId, BACKEND_CREDENTIALS.secretAccessKey), maxRetries: 0 });
    const profile: EndpointRequest = { ChannelType: 'CUSTOM', Demographic: { Platform: 'python', Timezone: 'Asia/Tokyo' }, User: { UserId: 'warehouse-3' } };
    const updated = await pinpoint.updateEndpoint({ ApplicationId: appId, EndpointId: endpointId, EndpointRequest: profile }).promise();
    expect(updated.MessageBody).toEqual({ Message: 'Accepted', RequestID: expect.any(String) });
    const got = await pinpoint.getEndpoint({ ApplicationId: appId, EndpointId: endpointId }).promise();
    // A profile sent without an EffectiveDate takes the time the service stored it, as Pinpoint's does.
    const stored = { ...profile, EffectiveDate: got.EndpointResponse?.EffectiveDate };
    expect(stored.EffectiveDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(got.EndpointResponse).toEqual({ ...stored, ApplicationId: appId, Id: endpointId, CohortId: expect.any(String), CreationDate: expect.any(String) });

    const request: EventsRequest = {
      BatchItem: {
        [endpointId]: {
          Endpoint: {},
          Events: {
            'sync-1': { EventType: 'stock.synced', Timestamp: '2026-10-08T00:00:00.000Z', Metrics: { skus: 1240, seconds: 8.5 }, Attributes: { warehouse: 'TYO-3' } },
            'sync-2': { EventType: 'stock.synced', Timestamp: '2026-10-08T06:00:00.000Z', Metrics: { skus: 1251, seconds: 7.25 }, Attributes: { warehouse: 'TYO-3' } },
            'sync-3': { EventType: 'stock.synced', Timestamp: 'yesterday', Metrics: { skus: 1 } },
          },
        },
      },
    };
    const refused = { [endpointId]: { 'sync-3': /Timestamp/ } };
    const put = await pinpoint.putEvents({ ApplicationId: appId, EventsRequest: request as AWS.Pinpoint.EventsRequest }).promise();
    expect(put.$response.httpResponse.statusCode).toBe(202);
    expect(put.EventsResponse).toEqual(expectedResults(request, refused));
    await expectDeliveredOnce(acceptedEventsOf(appId, request, refusedKeys(refused)).map((a) => ({ ...a, endpoint: stored })));
  });

  it('the AWS CLI v2 (aws pinpoint update-endpoint, get-endpoint, put-events --endpoint-url) exits 0 and prints the answers as JSON', async () => {
    const home = makeTempDir('aws-cli-home-');
    try {
      mkdirSync(path.join(home.dir, '.aws'));
      const env = {
        PATH: process.env['PATH'] ?? '',
        HOME: home.dir,
        AWS_CONFIG_FILE: path.join(home.dir, '.aws', 'config'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(home.dir, '.aws', 'credentials'),
        AWS_ACCESS_KEY_ID: BACKEND_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: BACKEND_CREDENTIALS.secretAccessKey,
        AWS_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_PAGER: '',
      };
      const version = await run(AWS_CLI, ['--version'], { env });
      expect(version.stdout).toMatch(/^aws-cli\/2\./);
      const aws = async (args: string[]): Promise<unknown> => {
        const { stdout } = await run(AWS_CLI, ['pinpoint', ...args, '--endpoint-url', sinks.proxy.url, '--output', 'json'], { env, timeout: 30_000 });
        return JSON.parse(stdout);
      };
      const appId = '9a1b2c3d4e5f60718293a4b5c6d7e8f9';
      const endpointFile = path.join(FIXTURES, 'aws-cli-endpoint-request.json');
      const eventsFile = path.join(FIXTURES, 'aws-cli-events-request.json');

      const updated = await aws(['update-endpoint', '--application-id', appId, '--endpoint-id', 'till-0042', '--endpoint-request', `file://${endpointFile}`]);
      expect(updated).toEqual({ MessageBody: { Message: 'Accepted', RequestID: expect.any(String) } });
      const profile = JSON.parse(readFileSync(endpointFile, 'utf8')) as EndpointRequest;
      const got = await aws(['get-endpoint', '--application-id', appId, '--endpoint-id', 'till-0042']);
      expect(got).toEqual({
        EndpointResponse: { ...profile, EffectiveDate: '2026-10-06T07:58:30.000Z', ApplicationId: appId, Id: 'till-0042', CohortId: expect.any(String), CreationDate: expect.any(String) },
      });

      const request = JSON.parse(readFileSync(eventsFile, 'utf8')) as EventsRequest;
      const refused = { 'till-0042': { 'drawer-jam-1130': STOP_WITHOUT_DURATION } };
      expect(await aws(['put-events', '--application-id', appId, '--events-request', `file://${eventsFile}`])).toEqual({ EventsResponse: expectedResults(request, refused) });

      const till = request.BatchItem?.['till-0042']?.Endpoint as PublicEndpoint;
      const tillMerged = { ...till, Attributes: { ...profile.Attributes, ...till.Attributes } };
      await expectDeliveredOnce(acceptedEventsOf(appId, request, refusedKeys(refused)).map((a) => (a.endpointId === 'till-0042' ? { ...a, endpoint: tillMerged } : a)));
    } finally {
      home.remove();
    }
  });
});

/**
 * A full spool: the AWS SDK for JavaScript is told 429 TooManyRequestsException, which it retries
 * as throttling (here twice in all) and then surfaces; nothing of the refused call is stored, and
 * the same call once the spool has room is stored exactly once.
 */
describe('@aws-sdk/client-pinpoint v3 against a full spool (SPOOL_MAX_EVENTS=3, Pinpoint down)', () => {
  const full = useFullSpoolProxy(3);

  const appId = 'e0f1a2b3c4d5e6f708192a3b4c5d6e7f';
  const events = (keys: string[]): EventsRequest => ({
    BatchItem: { 'report-job': { Endpoint: {}, Events: Object.fromEntries(keys.map((key, i) => [key, { EventType: 'report.built', Timestamp: `2026-10-09T0${i}:00:00.000Z` }])) } },
  });

  it('surfaces TooManyRequestsException after its retries, stores nothing of it, and the call sent again later lands once', async () => {
    const first = events(['a', 'b', 'c']);
    const client = v3Client(full.proxy.url, 2);
    expect((await client.send(new PutEventsCommand({ ApplicationId: appId, EventsRequest: first }))).EventsResponse).toEqual(expectedResults(first));
    expect(full.proxy.deps.spool?.storedEvents()).toBe(3);

    const second = events(['d', 'e']);
    const error = await client.send(new PutEventsCommand({ ApplicationId: appId, EventsRequest: second })).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TooManyRequestsException);
    expect((error as TooManyRequestsException).$metadata).toEqual(expect.objectContaining({ httpStatusCode: 429, attempts: 2 }));
    expect((error as TooManyRequestsException).message).toMatch(/\w/);
    expect(full.proxy.deps.spool?.storedEvents()).toBe(3);

    full.bringUp();
    await waitFor(() => full.proxy.deps.spool?.storedEvents() === 0, 20_000, 'the spool to drain into Pinpoint');
    expect((await client.send(new PutEventsCommand({ ApplicationId: appId, EventsRequest: second }))).EventsResponse).toEqual(expectedResults(second));
    client.destroy();
    await waitFor(() => full.proxy.deps.spool?.storedEvents() === 0, 20_000, 'the resent call to reach Pinpoint');
    expect(full.standIn.delivered().map((d) => d.eventId).sort()).toEqual(['a', 'b', 'c', 'd', 'e'].map((key) => pinpointEventId(appId, 'report-job', key)).sort());
  });
});

/**
 * The built service maps on its delivery worker thread: a Pinpoint-native call must arrive there
 * whole (the profile snapshotted with it), as it does inline above.
 */
describe('the built service (dist/main.js, delivery on its worker thread)', () => {
  const temp = makeTempDir();
  let service: ProxyProcess | undefined;
  afterAll(async () => {
    await killProxyProcess(service);
    temp.remove();
  });

  it('stores what @aws-sdk/client-pinpoint v3 sent, intact, with the profile merged', async () => {
    service = await startProxyProcess({ DATA_DIR: temp.dir, FORWARD_LINGER_MS: '20' });
    const client = v3Client(service.url);
    await client.send(new UpdateEndpointCommand({ ApplicationId: V3_APP, EndpointId: CHECKOUT_EU, EndpointRequest: CHECKOUT_PROFILE }));
    const put = await client.send(new PutEventsCommand({ ApplicationId: V3_APP, EventsRequest: V3_REQUEST }));
    client.destroy();
    expect(put.EventsResponse).toEqual(expectedResults(V3_REQUEST, V3_REFUSED));
    const accepted = acceptedEventsOf(V3_APP, V3_REQUEST, refusedKeys(V3_REFUSED)).map((a) => (a.endpointId === CHECKOUT_EU ? { ...a, endpoint: CHECKOUT_EU_MERGED } : a));
    await waitFor(() => storedRecords(temp.dir).length >= 5, 15_000, 'five events in the local store');
    expectPinpointRecordsIntact(accepted, storedRecords(temp.dir));
  });
});
