import path from 'node:path';
import Database from 'better-sqlite3';
import { inParallel, sendLegacy, taggedEvent, waitFor, type SenderKind } from '../support/legacy-sender';
import { startPinpointStandIn, type PinpointStandIn } from '../support/pinpoint-stand-in';
import { durablePinpointEnv, killProxyProcess, type ProxyProcess, startProxyProcess } from '../support/proxy-process';
import { makeTempDir } from '../support/temp-dir';

/**
 * SIGTERM on the built service (a child process) while Pinpoint is slow to take the spool
 * (FORWARD_MAX_RPS=2): it stops accepting, delivers within SHUTDOWN_GRACE_MS, exits 0 and logs
 * `stopped`; what the grace did not cover is delivered by the next start on the same DATA_DIR.
 */
describe('SIGTERM drain', () => {
  let standIn: PinpointStandIn;
  let temp: ReturnType<typeof makeTempDir>;
  const services: ProxyProcess[] = [];

  const env = (overrides: Record<string, string>): Record<string, string> => ({
    ...durablePinpointEnv(standIn.url, temp.dir),
    FORWARD_MAX_RPS: '2',
    ...overrides,
  });
  const start = async (overrides: Record<string, string>): Promise<ProxyProcess> => {
    const service = await startProxyProcess(env(overrides));
    services.push(service);
    return service;
  };
  /** Sends `requests` requests of 10 tagged events from several devices and kinds; returns the tags. */
  const sendTraffic = async (service: ProxyProcess, prefix: string, requests: number): Promise<string[]> => {
    const kinds: SenderKind[] = ['android', 'ios', 'js'];
    const tags: string[] = [];
    await inParallel(Array.from({ length: requests }, (_, i) => i), 8, async (i) => {
      const clientId = `${prefix}-device-${i % 13}`;
      const events = Array.from({ length: 10 }, (_, j) => taggedEvent(`${prefix}-${i}-${j}`, clientId));
      expect((await sendLegacy(service.url, { kind: kinds[i % 3] as SenderKind, clientId, events })).status).toBe(202);
      tags.push(...events.map((e) => (e['attributes'] as { tag: string }).tag));
    });
    return tags;
  };
  const deliveredTags = (prefix: string): string[] =>
    standIn
      .delivered()
      .map((e) => e.event.Attributes?.['tag'] ?? '')
      .filter((tag) => tag.startsWith(`${prefix}-`));
  const expectStoppedAccepting = async (service: ProxyProcess): Promise<void> => {
    await waitFor(() => service.logs.some((l) => l['message'] === 'stopping'), 5_000, 'stopping logged');
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
  };
  const expectSpoolIntact = (): void => {
    const db = new Database(path.join(temp.dir, 'spool.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  };

  beforeEach(async () => {
    temp = makeTempDir();
    standIn = await startPinpointStandIn();
  });
  afterEach(async () => {
    for (const service of services.splice(0)) await killProxyProcess(service);
    await standIn.close();
    temp.remove();
  });

  it('delivers what is spooled within the grace time, exits 0 and logs stopped', async () => {
    const service = await start({ SHUTDOWN_GRACE_MS: '15000' });
    const sent = await sendTraffic(service, 'drain', 50);
    expect(deliveredTags('drain').length).toBeLessThan(sent.length);
    const signalledAt = Date.now();
    service.child.kill('SIGTERM');
    await expectStoppedAccepting(service);
    expect(await service.exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(15_000);
    expect(service.logs.find((l) => l['message'] === 'stopped')).toEqual(expect.objectContaining({ storedEvents: 0 }));
    expect(deliveredTags('drain').sort()).toEqual([...sent].sort());
    expect(new Set(standIn.delivered().map((e) => e.eventId)).size).toBe(sent.length);
    expect(standIn.rejectedRequests).toEqual([]);
    expectSpoolIntact();
  });

  it('with a grace too short, exits 0 soon after it, and the next start delivers the rest: nothing lost, nothing twice', async () => {
    const service = await start({ SHUTDOWN_GRACE_MS: '200' });
    const sent = await sendTraffic(service, 'short', 100);
    const signalledAt = Date.now();
    service.child.kill('SIGTERM');
    await expectStoppedAccepting(service);
    expect(await service.exited).toBe(0);
    // Grace, plus the calls already in flight or waiting for a quota pacer slot (≤ 4 at 2/s).
    expect(Date.now() - signalledAt).toBeLessThan(200 + 3_000);
    const stopped = service.logs.find((l) => l['message'] === 'stopped');
    expect(stopped?.['storedEvents']).toBeGreaterThan(0);
    const beforeRestart = deliveredTags('short').length;
    expect(beforeRestart).toBeLessThan(sent.length);
    expect(beforeRestart + (stopped?.['storedEvents'] as number)).toBe(sent.length);
    expectSpoolIntact();

    const restarted = await start({ FORWARD_MAX_RPS: '50' });
    await waitFor(() => deliveredTags('short').length >= sent.length, 20_000, 'the rest delivered after the restart');
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
    expect(restarted.logs.find((l) => l['message'] === 'stopped')).toEqual(expect.objectContaining({ storedEvents: 0 }));
    expect(deliveredTags('short').sort()).toEqual([...sent].sort());
    expect(new Set(standIn.delivered().map((e) => e.eventId)).size).toBe(sent.length);
    expect(standIn.rejectedRequests).toEqual([]);
    expectSpoolIntact();
  });
});
