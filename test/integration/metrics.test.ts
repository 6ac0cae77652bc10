import AWS from 'aws-sdk';
import { android223 } from '../fixtures/clients/android';
import { rawSdkClientContext } from '../fixtures/clients/aws-sdk-js';
import type { ClientFixture } from '../fixtures/clients/device-request';
import { iosLater } from '../fixtures/clients/ios';
import { jsLibrarySession } from '../fixtures/clients/js-library';
import { reportedEvent } from '../support/beyond-limits';
import { pinpointStandInEnv, startInProcessProxy, type InProcessProxy } from '../support/in-process-proxy';
import { mobileAnalyticsClient, replayFixture, sdkSessionEvents } from '../support/legacy-clients';
import { sendLegacy, waitFor } from '../support/legacy-sender';
import { startPinpointStandIn, type PinpointStandIn } from '../support/pinpoint-stand-in';
import { killProxyProcess, startProxyProcess, type ProxyProcess } from '../support/proxy-process';
import { histogramCount, sampleValue, scrapeMetrics, type Scrape } from '../support/prometheus-text';
import { makeTempDir } from '../support/temp-dir';

const TOKEN = 'metrics-admin-token-0123456789';

/** `fixture` with another body (its Content-Length set to match). */
function withBody(fixture: ClientFixture, body: Buffer): ClientFixture {
  return { ...fixture, body, headers: { ...fixture.headers, 'Content-Length': String(body.length) } };
}

/** How much each series moved between two scrapes. */
function delta(before: Scrape, after: Scrape) {
  return (name: string, labels: Record<string, string> = {}): number => sampleValue(after, name, labels) - sampleValue(before, name, labels);
}

/** `GET /status` with the token. */
async function status(adminUrl: string): Promise<Record<string, unknown> & { sinks: Array<Record<string, unknown>> }> {
  const response = await fetch(`${adminUrl}/status`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown> & { sinks: Array<Record<string, unknown>> };
}

describe('metrics of the running service (in process, durable, local sink)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let proxy: InProcessProxy;
  let adminUrl: string;

  beforeAll(async () => {
    temp = makeTempDir();
    proxy = await startInProcessProxy({
      ACK_MODE: 'durable',
      SINK: 'local',
      DATA_DIR: temp.dir,
      ADMIN_PORT: '0',
      ADMIN_TOKEN: TOKEN,
      BODY_LIMIT: '64kb',
      FORWARD_LINGER_MS: '20',
    });
    adminUrl = proxy.adminUrl as string;
  });
  afterAll(async () => {
    await proxy.close();
    temp.remove();
  });

  it('/metrics and /status answer only with the admin token', async () => {
    for (const path of ['/metrics', '/status']) {
      const without = await fetch(`${adminUrl}${path}`);
      expect(without.status).toBe(401);
      expect(without.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect((await fetch(`${adminUrl}${path}`, { headers: { Authorization: 'Bearer not-the-admin-token-at-all' } })).status).toBe(401);
    }
    const metrics = await fetch(`${adminUrl}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(metrics.headers.get('cache-control')).toBe('no-store');
    await scrapeMetrics(adminUrl, TOKEN);
    // The public port serves neither; its /readyz stays one word.
    expect((await fetch(`${proxy.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${proxy.url}/status`)).status).toBe(404);
    expect(await (await fetch(`${proxy.url}/readyz`)).json()).toEqual({ status: 'ready' });
  });

  it('a scrape before and after real clients send: every counter moves by exactly what was sent and delivered', async () => {
    const before = await scrapeMetrics(adminUrl, TOKEN);
    const statusBefore = await status(adminUrl);

    // The real aws-sdk v2 client (aws-sdk-nodejs: a js client), its body bytes taken as it signed them.
    let sdkBytes = 0;
    const sdkRequest = mobileAnalyticsClient(AWS, proxy.url).putEvents({ events: sdkSessionEvents, clientContext: JSON.stringify(rawSdkClientContext) });
    sdkRequest.on('sign', (signed) => {
      sdkBytes = Buffer.byteLength(signed.httpRequest.body);
    });
    await sdkRequest.promise();
    // Captured requests of three client generations, replayed byte for byte.
    const android = android223();
    const ios = iosLater();
    const js = jsLibrarySession();
    for (const fixture of [android, ios, js]) expect((await replayFixture(proxy.url, fixture)).status).toBe(202);
    // A body that is not gzip though it says so (400), and one over BODY_LIMIT (413, never read).
    const broken = Buffer.from('not gzip at all');
    expect((await replayFixture(proxy.url, withBody(android, broken))).status).toBe(400);
    expect((await replayFixture(proxy.url, withBody(android, Buffer.alloc(70_000, 0x20)))).status).toBe(413);

    const accepted = sdkSessionEvents.length + android.events.length + ios.events.length + js.events.length;
    await waitFor(() => proxy.deps.spool?.storedEvents() === 0, 20_000, 'every event delivered to the local sink');
    const after = await scrapeMetrics(adminUrl, TOKEN);
    const moved = delta(before, after);

    expect(moved('ma2pinpoint_requests_total', { status: '202', client_kind: 'js' })).toBe(2);
    expect(moved('ma2pinpoint_requests_total', { status: '202', client_kind: 'android' })).toBe(1);
    expect(moved('ma2pinpoint_requests_total', { status: '202', client_kind: 'ios' })).toBe(1);
    expect(moved('ma2pinpoint_requests_total', { status: '400', client_kind: 'android' })).toBe(1);
    expect(moved('ma2pinpoint_requests_total', { status: '413', client_kind: 'android' })).toBe(1);
    expect(moved('ma2pinpoint_requests_total')).toBe(6);
    expect(histogramCount(after, 'ma2pinpoint_request_duration_seconds', { client_kind: 'android' }) - histogramCount(before, 'ma2pinpoint_request_duration_seconds', { client_kind: 'android' })).toBe(3);

    expect(moved('ma2pinpoint_accepted_events_total', { client_kind: 'js' })).toBe(sdkSessionEvents.length + js.events.length);
    expect(moved('ma2pinpoint_accepted_events_total', { client_kind: 'android' })).toBe(android.events.length);
    expect(moved('ma2pinpoint_accepted_events_total', { client_kind: 'ios' })).toBe(ios.events.length);
    expect(moved('ma2pinpoint_received_bytes_total', { client_kind: 'js' })).toBe(sdkBytes + js.body.length);
    expect(moved('ma2pinpoint_received_bytes_total', { client_kind: 'android' })).toBe(android.body.length + broken.length);
    expect(moved('ma2pinpoint_received_bytes_total', { client_kind: 'ios' })).toBe(ios.body.length);
    expect(moved('ma2pinpoint_refused_requests_total', { refusal: 'bad_request', reason: 'bad_request' })).toBe(1);
    expect(moved('ma2pinpoint_refused_requests_total', { refusal: 'too_large', reason: 'request_entity_too_large' })).toBe(1);
    expect(moved('ma2pinpoint_refused_requests_total')).toBe(2);

    expect(moved('ma2pinpoint_delivery_events_total', { sink: 'local', outcome: 'delivered' })).toBe(accepted);
    expect(moved('ma2pinpoint_delivery_events_total', { sink: 'local', outcome: 'failed' })).toBe(0);
    expect(moved('ma2pinpoint_delivery_calls_total', { sink: 'local', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(moved('ma2pinpoint_delivery_calls_total', { sink: 'local' })).toBe(moved('ma2pinpoint_delivery_calls_total', { sink: 'local', outcome: 'ok' }));
    expect(histogramCount(after, 'ma2pinpoint_delivery_call_duration_seconds', { sink: 'local' })).toBe(sampleValue(after, 'ma2pinpoint_delivery_calls_total', { sink: 'local' }));
    expect(moved('ma2pinpoint_dead_letters_total', { sink: 'local' })).toBe(0);
    expect(moved('ma2pinpoint_delivery_retries_total', { sink: 'local' })).toBe(0);

    expect(sampleValue(after, 'ma2pinpoint_spool_stored_events')).toBe(0);
    expect(sampleValue(after, 'ma2pinpoint_spool_backlog_events', { sink: 'local' })).toBe(0);
    expect(sampleValue(after, 'ma2pinpoint_spool_oldest_event_age_seconds', { sink: 'local' })).toBe(0);
    expect(sampleValue(after, 'ma2pinpoint_spool_used_bytes')).toBeGreaterThan(0);
    expect(sampleValue(after, 'ma2pinpoint_spool_refusing', { refusal: 'full' })).toBe(0);
    expect(sampleValue(after, 'ma2pinpoint_ready')).toBe(1);
    expect(sampleValue(after, 'ma2pinpoint_delivery_thread_running')).toBe(1);
    expect(sampleValue(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    const statusAfter = await status(adminUrl);
    expect(Number(statusAfter.sinks[0]?.['deliveredEvents']) - Number(statusBefore.sinks[0]?.['deliveredEvents'])).toBe(accepted);
    expect(statusAfter).toEqual(
      expect.objectContaining({
        ackMode: 'durable',
        ready: true,
        version: expect.stringMatching(/^\d+\.\d+\.\d+/),
        node: process.version,
        spool: expect.objectContaining({ storedEvents: 0, full: false, unwritable: false, oldestEventAgeSeconds: null }),
        deliveryThread: { mode: 'inline', running: true, restarts: 0 },
        sinks: [expect.objectContaining({ sink: 'local', consecutiveFailures: 0, lastError: null, backoffUntil: null, backlogEvents: 0, deadLetteredEvents: 0 })],
      }),
    );
  });
});

describe('metrics of a failing, then refusing Pinpoint (in process, durable)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let standIn: PinpointStandIn;
  let proxy: InProcessProxy;

  beforeAll(async () => {
    temp = makeTempDir();
    standIn = await startPinpointStandIn();
    proxy = await startInProcessProxy({ ...pinpointStandInEnv(standIn), ACK_MODE: 'durable', DATA_DIR: temp.dir, ADMIN_PORT: '0', ADMIN_TOKEN: TOKEN, FORWARD_LINGER_MS: '0' });
  });
  afterAll(async () => {
    await proxy.close();
    await standIn.close();
    temp.remove();
  });

  it('backlog, oldest age, failures and retries while it fails; one dead letter and the fitted events once it answers', async () => {
    const adminUrl = proxy.adminUrl as string;
    const before = await scrapeMetrics(adminUrl, TOKEN);
    standIn.setBehavior(() => ({ status: 503, code: 'ServiceUnavailableException' }));
    const android = android223();
    const events = android.events.length;
    expect((await replayFixture(proxy.url, android)).status).toBe(202);

    let failing: Scrape = before;
    await waitFor(
      async () => {
        failing = await scrapeMetrics(adminUrl, TOKEN);
        return sampleValue(failing, 'ma2pinpoint_delivery_retries_total', { sink: 'pinpoint' }) >= events;
      },
      10_000,
      'a failed delivery scheduled for a retry',
    );
    expect(sampleValue(failing, 'ma2pinpoint_spool_backlog_events', { sink: 'pinpoint' })).toBe(events);
    expect(sampleValue(failing, 'ma2pinpoint_spool_stored_events')).toBe(events);
    expect(sampleValue(failing, 'ma2pinpoint_spool_oldest_event_age_seconds', { sink: 'pinpoint' })).toBeGreaterThan(0);
    expect(sampleValue(failing, 'ma2pinpoint_sink_consecutive_failures', { sink: 'pinpoint' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(failing, 'ma2pinpoint_delivery_calls_total', { sink: 'pinpoint', outcome: 'transient' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(failing, 'ma2pinpoint_delivery_events_total', { sink: 'pinpoint', outcome: 'delivered' })).toBe(0);
    const failingStatus = await status(adminUrl);
    expect(failingStatus.sinks[0]).toEqual(
      expect.objectContaining({ sink: 'pinpoint', backlogEvents: events, lastError: expect.objectContaining({ kind: 'transient', at: expect.any(String) }) }),
    );
    expect(failingStatus.sinks[0]?.['consecutiveFailures']).toBeGreaterThanOrEqual(1);

    // Pinpoint answers again, refusing the first event for good; an event beyond its limits follows.
    let refused: string | undefined;
    standIn.setBehavior(({ eventIds }) => {
      refused ??= eventIds[0];
      return { status: 202, rejectEventIds: refused === undefined ? [] : [refused] };
    });
    expect((await sendLegacy(proxy.url, { kind: 'js', clientId: 'metrics-fit', events: [reportedEvent() as unknown as Record<string, unknown>] })).status).toBe(202);
    await waitFor(() => proxy.deps.spool?.storedEvents() === 0, 20_000, 'spool drained');
    const after = await scrapeMetrics(adminUrl, TOKEN);
    const moved = delta(before, after);
    expect(moved('ma2pinpoint_dead_letters_total', { sink: 'pinpoint' })).toBe(1);
    expect(moved('ma2pinpoint_delivery_events_total', { sink: 'pinpoint', outcome: 'rejected' })).toBe(1);
    // The Android events but the refused one, and the fitted one.
    expect(moved('ma2pinpoint_delivery_events_total', { sink: 'pinpoint', outcome: 'delivered' })).toBe(events - 1 + 1);
    expect(moved('ma2pinpoint_fitted_events_total', { sink: 'pinpoint' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(after, 'ma2pinpoint_spool_backlog_events', { sink: 'pinpoint' })).toBe(0);
    expect(sampleValue(after, 'ma2pinpoint_sink_consecutive_failures', { sink: 'pinpoint' })).toBe(0);
    expect((await status(adminUrl)).sinks[0]).toEqual(expect.objectContaining({ deadLetteredEvents: 1, deliveredEvents: events, consecutiveFailures: 0, backoffUntil: null }));
  });
});

describe('the built service with its delivery worker thread (child process, ADMIN_HOST=0.0.0.0)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let service: ProxyProcess | undefined;

  beforeAll(() => {
    temp = makeTempDir();
  });
  afterAll(async () => {
    await killProxyProcess(service);
    temp.remove();
  });

  it("refuses /metrics without the token off loopback; the worker's deliveries reach the same registry", async () => {
    service = await startProxyProcess({ ACK_MODE: 'durable', SINK: 'local', DATA_DIR: temp.dir, DELIVERY_THREAD: 'worker', ADMIN_HOST: '0.0.0.0', ADMIN_TOKEN: TOKEN, FORWARD_LINGER_MS: '20' });
    const running = service;
    await waitFor(() => running.logs.some((l) => l['message'] === 'admin listening'), 10_000, 'admin listening');
    const adminUrl = `http://127.0.0.1:${String(running.logs.find((l) => l['message'] === 'admin listening')?.['port'])}`;
    const without = await fetch(`${adminUrl}/metrics`);
    expect(without.status).toBe(401);
    expect(await without.text()).not.toContain('ma2pinpoint_');
    expect((await fetch(`${adminUrl}/status`)).status).toBe(401);

    const before = await scrapeMetrics(adminUrl, TOKEN);
    const fixtures = [android223(), iosLater(), jsLibrarySession()];
    for (const fixture of fixtures) expect((await replayFixture(running.url, fixture)).status).toBe(202);
    const events = fixtures.reduce((n, f) => n + f.events.length, 0);

    let after: Scrape = before;
    await waitFor(
      async () => {
        after = await scrapeMetrics(adminUrl, TOKEN);
        return sampleValue(after, 'ma2pinpoint_delivery_events_total', { sink: 'local', outcome: 'delivered' }) >= events;
      },
      20_000,
      "the worker's deliveries in the HTTP thread's registry",
    );
    const moved = delta(before, after);
    expect(moved('ma2pinpoint_delivery_events_total', { sink: 'local', outcome: 'delivered' })).toBe(events);
    expect(moved('ma2pinpoint_accepted_events_total')).toBe(events);
    expect(moved('ma2pinpoint_delivery_calls_total', { sink: 'local', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(histogramCount(after, 'ma2pinpoint_delivery_call_duration_seconds', { sink: 'local' })).toBe(sampleValue(after, 'ma2pinpoint_delivery_calls_total', { sink: 'local' }));
    await waitFor(async () => sampleValue(await scrapeMetrics(adminUrl, TOKEN), 'ma2pinpoint_spool_stored_events') === 0, 10_000, 'spool drained');
    const drained = await scrapeMetrics(adminUrl, TOKEN);
    expect(sampleValue(drained, 'ma2pinpoint_spool_backlog_events', { sink: 'local' })).toBe(0);
    expect(sampleValue(drained, 'ma2pinpoint_delivery_thread_running')).toBe(1);
    expect(sampleValue(drained, 'ma2pinpoint_delivery_thread_restarts_total')).toBe(0);
    expect(await status(adminUrl)).toEqual(
      expect.objectContaining({
        deliveryThread: { mode: 'worker', running: true, restarts: 0 },
        sinks: [expect.objectContaining({ sink: 'local', deliveredEvents: events, backlogEvents: 0 })],
      }),
    );
    // Nothing a device sent is a label: no client or app id, in any series.
    const text = await (await fetch(`${adminUrl}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })).text();
    for (const fixture of fixtures) {
      expect(text).not.toContain(fixture.clientContext.client.client_id);
      expect(text).not.toContain(fixture.clientContext.services.mobile_analytics.app_id);
    }
    expect(JSON.stringify(running.logs)).not.toContain(TOKEN);
  });
});
