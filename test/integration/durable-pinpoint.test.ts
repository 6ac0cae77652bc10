import path from 'node:path';
import { openSpoolDatabase } from '../../src/spool/spool-database';
import { listDeadLetters } from '../../src/spool/spool-admin';
import { openEventStore } from '../../src/local-store/event-store';
import { pinpointStandInEnv, startInProcessProxy, type InProcessProxy } from '../support/in-process-proxy';
import { inParallel, sendLegacy, taggedEvent, waitFor } from '../support/legacy-sender';
import { startPinpointStandIn, type PinpointStandIn } from '../support/pinpoint-stand-in';
import { makeTempDir } from '../support/temp-dir';

/** Durable mode against the Pinpoint stand-in: real HTTP, real SQLite files. */
describe('durable mode with the Pinpoint sink', () => {
  let standIn: PinpointStandIn;
  let proxy: InProcessProxy | undefined;
  let temp: ReturnType<typeof makeTempDir>;

  const start = async (env: Record<string, string> = {}): Promise<InProcessProxy> => {
    proxy = await startInProcessProxy({
      ...pinpointStandInEnv(standIn),
      ACK_MODE: 'durable',
      DATA_DIR: temp.dir,
      FORWARD_LINGER_MS: '200',
      ...env,
    });
    return proxy;
  };
  const tags = (): string[] => standIn.delivered().map((e) => e.event.Attributes?.['tag'] ?? '');

  beforeEach(async () => {
    temp = makeTempDir();
    standIn = await startPinpointStandIn();
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await standIn.close();
    temp.remove();
  });

  it('coalesces 1 000 one-event requests from 1 000 devices into at most 11 valid PutEvents calls', async () => {
    const { url } = await start({ FORWARD_LINGER_MS: '2000' });
    const devices = Array.from({ length: 1000 }, (_, i) => `device-${i}`);
    await inParallel(devices, 25, async (clientId, i) => {
      const answer = await sendLegacy(url, { kind: 'android', clientId, events: [taggedEvent(`e${i}`, clientId)] });
      expect(answer.status).toBe(202);
    });
    await waitFor(() => standIn.delivered().length >= 1000, 20_000, '1000 events delivered');
    expect(standIn.rejectedRequests).toEqual([]);
    expect(standIn.calls.length).toBeLessThanOrEqual(11);
    for (const call of standIn.calls) expect(call.eventIds.length).toBeLessThanOrEqual(100);
    expect(new Set(tags()).size).toBe(1000);
    expect(new Set(standIn.delivered().map((e) => e.eventId)).size).toBe(1000);
  });

  it('keeps every rolling second within FORWARD_MAX_RPS when each batch holds two mapped applications', async () => {
    const { url } = await start({ FORWARD_MAX_RPS: '15', FORWARD_LINGER_MS: '2000', PINPOINT_APP_ID_MAP: 'legacy-a=pinpoint-a,legacy-b=pinpoint-b' });
    await inParallel(Array.from({ length: 60 }, (_, i) => i), 10, async (i) => {
      const clientId = `device-${i}`;
      const events = Array.from({ length: 25 }, (_, j) => taggedEvent(`p${i}-${j}`, clientId));
      const answer = await sendLegacy(url, { kind: 'js', clientId, events, appId: i % 2 === 0 ? 'legacy-a' : 'legacy-b' });
      expect(answer.status).toBe(202);
    });
    await waitFor(() => standIn.delivered().length >= 1500, 30_000, '1500 events delivered');
    expect(new Set(standIn.calls.map((c) => c.applicationId))).toEqual(new Set(['pinpoint-a', 'pinpoint-b']));
    // Leases of 100 events hold both applications: two PutEvents calls per lease, each paced.
    expect(standIn.calls.length).toBeGreaterThanOrEqual(30);
    const times = standIn.calls.map((c) => c.at).sort((a, b) => a - b);
    const busiest = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
    expect(busiest).toBeLessThanOrEqual(15);
    expect(new Set(tags()).size).toBe(1500);
  });

  it('keeps everything through a 503 outage and delivers each event once when Pinpoint recovers', async () => {
    let down = true;
    standIn.setBehavior(() => (down ? { status: 503 } : undefined));
    const { url, deps } = await start();
    await inParallel(Array.from({ length: 30 }, (_, i) => i), 5, async (i) => {
      const clientId = `device-${i % 7}`;
      const events = Array.from({ length: 10 }, (_, j) => taggedEvent(`r${i}-${j}`, clientId));
      expect((await sendLegacy(url, { kind: 'js', clientId, events })).status).toBe(202);
    });
    await waitFor(() => standIn.calls.filter((c) => c.status === 503).length >= 2, 10_000, 'failed attempts');
    expect(deps.delivery?.health()[0]).toEqual(expect.objectContaining({ sink: 'pinpoint', lastError: expect.objectContaining({ kind: 'transient' }) }));
    down = false;
    await waitFor(() => standIn.delivered().length >= 300, 30_000, 'recovery');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(standIn.delivered()).toHaveLength(300);
    expect(new Set(tags()).size).toBe(300);
  });

  it('backs off after 429s and dead-letters the events Pinpoint refuses one by one, with its message', async () => {
    standIn.setBehavior(({ index, request }) => {
      if (index < 2) return { status: 429 };
      const refused = Object.values(request.BatchItem ?? {}).flatMap((b) =>
        Object.entries(b.Events ?? {})
          .filter(([, e]) => e.Attributes?.['tag'] === 'poison')
          .map(([id]) => id),
      );
      return { status: 202, rejectEventIds: refused, message: 'Event timestamp is too old' };
    });
    const { url } = await start();
    const events = [taggedEvent('ok-1', 'd1'), taggedEvent('poison', 'd1'), taggedEvent('ok-2', 'd1')];
    expect((await sendLegacy(url, { kind: 'android', clientId: 'd1', events })).status).toBe(202);
    await waitFor(() => standIn.calls.length >= 3, 15_000, 'third call');
    const [first, second, third] = standIn.calls;
    expect([first?.status, second?.status, third?.status]).toEqual([429, 429, 202]);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(240);
    expect(third!.at - second!.at).toBeGreaterThanOrEqual(490);
    expect(tags()).toEqual(['ok-1', 'ok-2']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(standIn.calls).toHaveLength(3);
    const db = openSpoolDatabase(path.join(temp.dir, 'spool.db'), 'normal');
    expect(listDeadLetters(db, { limit: 10 })).toEqual([
      expect.objectContaining({ sink: 'pinpoint', eventType: 'level_complete', message: 'Event timestamp is too old' }),
    ]);
    db.close();
  });

  it('isolates an event that makes Pinpoint refuse the whole call (400) and dead-letters only it', async () => {
    const poisonIds = new Set<string>();
    standIn.setBehavior(({ request }) => {
      const events = Object.values(request.BatchItem ?? {}).flatMap((b) => Object.entries(b.Events ?? {}));
      const poison = events.find(([, e]) => e.Attributes?.['tag'] === 'whole-call-poison');
      if (!poison) return undefined;
      poisonIds.add(poison[0]);
      return { status: 400, code: 'BadRequestException', message: 'Invalid event' };
    });
    const { url, deps } = await start();
    const events = Array.from({ length: 30 }, (_, i) => taggedEvent(i === 17 ? 'whole-call-poison' : `fine-${i}`, 'd1'));
    expect((await sendLegacy(url, { kind: 'android', clientId: 'd1', events })).status).toBe(202);
    await waitFor(() => standIn.delivered().length >= 29, 15_000, 'the 29 good events');
    expect(tags().sort()).toEqual(events.map((e) => (e['attributes'] as { tag: string }).tag).filter((t) => t !== 'whole-call-poison').sort());
    // Halving 30 events down to the one refused: a handful of calls, no backoff.
    expect(standIn.calls.length).toBeLessThanOrEqual(12);
    expect(deps.delivery?.health()[0]?.consecutiveFailures).toBe(0);
    const db = openSpoolDatabase(path.join(temp.dir, 'spool.db'), 'normal');
    expect(listDeadLetters(db, { limit: 10 })).toEqual([
      expect.objectContaining({ sink: 'pinpoint', eventId: [...poisonIds][0], message: expect.stringContaining('Invalid event') }),
    ]);
    db.close();
  });

  it('answers "retry later" per client kind when the spool is full, turns /readyz 503, and loses nothing', async () => {
    let down = true;
    standIn.setBehavior(() => (down ? { status: 500 } : undefined));
    const { url } = await start({ SPOOL_MAX_EVENTS: '10' });
    const ten = Array.from({ length: 10 }, (_, i) => taggedEvent(`kept-${i}`, 'd1'));
    expect((await sendLegacy(url, { kind: 'android', clientId: 'd1', events: ten })).status).toBe(202);
    const one = [taggedEvent('refused', 'd2')];
    const android = await sendLegacy(url, { kind: 'android', clientId: 'd2', events: one });
    const ios = await sendLegacy(url, { kind: 'ios', clientId: 'd2', events: one });
    const js = await sendLegacy(url, { kind: 'js', clientId: 'd2', events: one });
    expect([android.status, ios.status, js.status]).toEqual([503, 503, 400]);
    expect(js.headers.get('x-amzn-errortype')).toBe('ThrottlingException');
    expect(JSON.parse(js.body)).toEqual(expect.objectContaining({ __type: 'ThrottlingException' }));
    // No work is spent on a request that could not be stored: even a malformed one is told to retry later.
    const malformed = await fetch(`${url}/2014-06-05/events`, { method: 'POST', headers: { 'x-amz-Client-Context': '{}' }, body: '{' });
    expect(malformed.status).toBe(503);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    // The public readiness says why in one word; the details go to the logs.
    expect(await ready.json()).toEqual({ status: 'not-ready', reason: 'spool-full' });
    down = false;
    await waitFor(() => standIn.delivered().length >= 10, 20_000, 'delivery after recovery');
    expect(tags().sort()).toEqual(ten.map((e) => (e['attributes'] as { tag: string }).tag).sort());
    await waitFor(() => proxy?.deps.spool?.refusal() === undefined, 5_000, 'spool drained');
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });

  it('fans out: a failing Pinpoint neither blocks nor duplicates the local store', async () => {
    let down = true;
    standIn.setBehavior(() => (down ? { status: 503 } : undefined));
    const { url } = await start({ SINK: 'pinpoint,local' });
    await inParallel(Array.from({ length: 20 }, (_, i) => i), 4, async (i) => {
      const events = Array.from({ length: 5 }, (_, j) => taggedEvent(`f${i}-${j}`, `d${i}`));
      expect((await sendLegacy(url, { kind: 'android', clientId: `d${i}`, events })).status).toBe(202);
    });
    const store = openEventStore(path.join(temp.dir, 'events.db'), { readonly: true });
    try {
      await waitFor(() => store.count() >= 100, 10_000, 'local store');
      expect(standIn.delivered()).toHaveLength(0);
      down = false;
      await waitFor(() => standIn.delivered().length >= 100, 30_000, 'pinpoint after recovery');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(store.count()).toBe(100);
      expect(standIn.delivered()).toHaveLength(100);
    } finally {
      store.close();
    }
  });
});
