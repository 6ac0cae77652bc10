import { GetEndpointCommand, PinpointClient, PutEventsCommand, UpdateEndpointCommand, type PinpointServiceException } from '@aws-sdk/client-pinpoint';
import { FLEET_KEY, PINPOINT_KEY, presignWithAws4, signWithAws4, writeCredentialsFile, type DeviceKey } from '../support/device-keys';
import { startInProcessProxy, type InProcessProxy } from '../support/in-process-proxy';
import { makeTempDir } from '../support/temp-dir';

const APP = PINPOINT_KEY.appIds[0] as string;

function client(url: string, key: Pick<DeviceKey, 'accessKeyId' | 'secretAccessKey'>): PinpointClient {
  return new PinpointClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey }, maxAttempts: 1 });
}

const EVENTS = {
  BatchItem: {
    'ep-auth': {
      Endpoint: {},
      Events: { e1: { EventType: '_session.start', Timestamp: new Date().toISOString(), Session: { Id: 's1', StartTimestamp: new Date().toISOString() } } },
    },
  },
};

async function errorOf(promise: Promise<unknown>): Promise<PinpointServiceException> {
  try {
    await promise;
  } catch (err: unknown) {
    return err as PinpointServiceException;
  }
  throw new Error('the call succeeded');
}

/**
 * AUTH_MODE=sigv4 on the Pinpoint-native routes: the real @aws-sdk/client-pinpoint signs for
 * `mobiletargeting` with a key that lists the path's application id; everything else is refused
 * with 403 in Pinpoint's shape and stores nothing.
 */
describe('AUTH_MODE=sigv4: Pinpoint-native senders', () => {
  const temp = makeTempDir();
  let proxy: InProcessProxy;

  beforeAll(async () => {
    // A destination that never answers: the spool only grows, so its count tells what was stored.
    proxy = await startInProcessProxy({
      SINK: 'pinpoint',
      PINPOINT_ENDPOINT: 'http://127.0.0.1:9',
      ACK_MODE: 'durable',
      DATA_DIR: temp.dir,
      AUTH_MODE: 'sigv4',
      AUTH_CREDENTIALS_FILE: writeCredentialsFile(temp.dir, [FLEET_KEY, PINPOINT_KEY]),
    });
  });
  afterAll(async () => {
    await proxy.close();
    temp.remove();
  });

  it('takes UpdateEndpoint, PutEvents and GetEndpoint signed by a key for the application', async () => {
    const pinpoint = client(proxy.url, PINPOINT_KEY);
    const update = await pinpoint.send(
      new UpdateEndpointCommand({ ApplicationId: APP, EndpointId: 'ep-auth', EndpointRequest: { ChannelType: 'IN_APP', Demographic: { Platform: 'web' } } }),
    );
    expect(update.MessageBody?.Message).toBe('Accepted');
    const before = proxy.deps.spool?.storedEvents() ?? 0;
    const put = await pinpoint.send(new PutEventsCommand({ ApplicationId: APP, EventsRequest: EVENTS }));
    expect(put.EventsResponse?.Results?.['ep-auth']?.EventsItemResponse?.['e1']).toEqual({ StatusCode: 202, Message: 'Accepted' });
    expect((proxy.deps.spool?.storedEvents() ?? 0) - before).toBe(1);
    const got = await pinpoint.send(new GetEndpointCommand({ ApplicationId: APP, EndpointId: 'ep-auth' }));
    expect(got.EndpointResponse?.Demographic?.Platform).toBe('web');
  });

  it('refuses a key that does not list the application with 403, storing nothing', async () => {
    const before = proxy.deps.spool?.storedEvents();
    const error = await errorOf(client(proxy.url, FLEET_KEY).send(new PutEventsCommand({ ApplicationId: APP, EventsRequest: EVENTS })));
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.name).toBe('ForbiddenException');
    expect(proxy.deps.spool?.storedEvents()).toEqual(before);
  });

  it('refuses an unsigned request and one signed for the legacy service', async () => {
    const body = JSON.stringify(EVENTS);
    const unsigned = await fetch(`${proxy.url}/v1/apps/${APP}/events`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    const host = new URL(proxy.url).host;
    const legacy = signWithAws4(
      { path: `/v1/apps/${APP}/events`, body: Buffer.from(body), headers: { host, 'content-type': 'application/json' } },
      PINPOINT_KEY,
      { at: Date.now(), signed: ['host', 'content-type'], service: 'mobileanalytics' },
    );
    delete legacy['host'];
    const refused = await fetch(`${proxy.url}/v1/apps/${APP}/events`, { method: 'POST', body, headers: legacy });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
    expect(((await refused.json()) as { Message: string }).Message).toContain('mobiletargeting');
  });

  it("takes Amplify JS v5's presigned events/legacy beacon", async () => {
    const host = new URL(proxy.url).host;
    const body = Buffer.from(JSON.stringify(EVENTS));
    const before = proxy.deps.spool?.storedEvents() ?? 0;
    const url = presignWithAws4({ method: 'POST', path: `/v1/apps/${APP}/events/legacy`, headers: { host }, body }, PINPOINT_KEY, { at: Date.now() });
    // sendBeacon sends the body as text/plain, with no signature headers.
    const response = await fetch(`${proxy.url}${url}`, { method: 'POST', body, headers: { 'content-type': 'text/plain;charset=UTF-8' } });
    expect(response.status).toBe(202);
    expect((proxy.deps.spool?.storedEvents() ?? 0) - before).toBe(1);
  });
});
