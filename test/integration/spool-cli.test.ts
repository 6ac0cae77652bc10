import path from 'node:path';
import Database from 'better-sqlite3';
import type { DeadLetter, SpoolStats } from '../../src/spool/spool-admin';
import { sendLegacy, taggedEvent, waitFor } from '../support/legacy-sender';
import { startFirehoseStandIn, type FirehoseStandIn } from '../support/firehose-stand-in';
import { startPinpointStandIn, type PinpointStandIn } from '../support/pinpoint-stand-in';
import { killProxyProcess, type ProxyProcess, runToExit, STAND_IN_CREDENTIALS_ENV, startProxyProcess } from '../support/proxy-process';
import { makeTempDir } from '../support/temp-dir';

const STREAM = 'cli-events';

/**
 * `ma2pinpoint spool …` as an operator runs it: the built CLI as a child process, on the spool
 * file of a service that runs (also as a child) with SINK=pinpoint,firehose. Pinpoint refuses
 * the "poison" events one by one; Firehose takes everything, and records every receipt, so a
 * requeue that reached it again would show.
 */
describe('spool CLI on a live spool', () => {
  let pinpoint: PinpointStandIn;
  let firehose: FirehoseStandIn;
  let temp: ReturnType<typeof makeTempDir>;
  const services: ProxyProcess[] = [];
  let refusing = true;

  const env = (): Record<string, string> => ({
    DATA_DIR: temp.dir,
    SINK: 'pinpoint,firehose',
    PINPOINT_ENDPOINT: pinpoint.url,
    FIREHOSE_STREAM: STREAM,
    FIREHOSE_ENDPOINT: firehose.endpoint,
    ...STAND_IN_CREDENTIALS_ENV,
    FORWARD_LINGER_MS: '50',
    SHUTDOWN_GRACE_MS: '20000',
  });
  const cli = (...args: string[]): ReturnType<typeof runToExit> => runToExit('cli', args, env());
  const cliJson = async <T>(...args: string[]): Promise<T> => {
    const result = await cli(...args);
    expect(result).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    return JSON.parse(result.stdout) as T;
  };
  const start = async (): Promise<ProxyProcess> => {
    const service = await startProxyProcess(env());
    services.push(service);
    return service;
  };
  const pinpointTags = (): string[] => pinpoint.delivered().map((e) => e.event.Attributes?.['tag'] ?? '');
  const firehoseTags = (): string[] => firehose.received.map((r) => (JSON.parse(r.data) as { attributes: { tag: string } }).attributes.tag);

  beforeAll(async () => {
    temp = makeTempDir();
    firehose = await startFirehoseStandIn([STREAM]);
    pinpoint = await startPinpointStandIn({
      behavior: ({ request }) => {
        const poison = Object.values(request.BatchItem ?? {}).flatMap((batch) =>
          Object.entries(batch.Events ?? {})
            .filter(([, e]) => refusing && e.Attributes?.['tag']?.startsWith('poison'))
            .map(([id]) => id),
        );
        return { status: 202, rejectEventIds: poison, message: 'Event timestamp is too old' };
      },
    });
  });
  afterAll(async () => {
    for (const service of services) await killProxyProcess(service);
    await pinpoint?.close();
    await firehose?.close();
    temp.remove();
  });

  it('shows stats and dead letters, and requeues to the refusing sink only, online (ID) and offline (--all)', async () => {
    const service = await start();
    const events = [taggedEvent('ok-1', 'cli-device'), taggedEvent('poison-1', 'cli-device'), taggedEvent('poison-2', 'cli-device')];
    expect((await sendLegacy(service.url, { kind: 'android', clientId: 'cli-device', events })).status).toBe(202);
    await waitFor(() => pinpointTags().includes('ok-1') && firehose.received.length >= 3, 10_000, 'first delivery');
    await waitFor(async () => (await cliJson<DeadLetter[]>('spool', 'dead-letters', '--json')).length === 2, 10_000, 'two dead letters');

    const stats = await cli('spool', 'stats');
    expect(stats.code).toBe(0);
    expect(stats.stdout).toMatch(/^SINK\s+DEPTH\s+RETRIES\s+OLDEST\s+DEAD LETTERS$/m);
    expect(stats.stdout).toMatch(/^pinpoint\s+0\s+0\s+-\s+2$/m);
    expect(stats.stdout).toMatch(/^firehose\s+0\s+0\s+-\s+0$/m);
    const json = await cliJson<SpoolStats>('spool', 'stats', '--json');
    expect(json.sinks).toEqual([
      expect.objectContaining({ sink: 'pinpoint', depth: 0, retries: 0, deadLetters: 2 }),
      expect.objectContaining({ sink: 'firehose', depth: 0, retries: 0, deadLetters: 0 }),
    ]);

    const letters = await cliJson<DeadLetter[]>('spool', 'dead-letters', '--json');
    const refusedIds = pinpoint.calls.flatMap((c) => c.eventIds).filter((id) => !pinpoint.delivered().some((d) => d.eventId === id));
    expect(letters.map((l) => l.eventId).sort()).toEqual([...new Set(refusedIds)].sort());
    for (const letter of letters) {
      expect(letter).toEqual(expect.objectContaining({ sink: 'pinpoint', applicationId: 'app-1', eventType: 'level_complete', message: 'Event timestamp is too old' }));
    }
    expect((await cliJson<DeadLetter[]>('spool', 'dead-letters', '--json', '--sink', 'firehose'))).toEqual([]);

    refusing = false;
    const [first, second] = letters as [DeadLetter, DeadLetter];
    const requeued = await cli('spool', 'requeue', String(first.id));
    expect(requeued).toEqual(expect.objectContaining({ code: 0, stdout: 'requeued 1 dead letter(s)\n' }));
    await waitFor(() => pinpoint.delivered().some((d) => d.eventId === first.eventId), 10_000, 'requeued event delivered');
    expect((await cliJson<DeadLetter[]>('spool', 'dead-letters', '--json')).map((l) => l.id)).toEqual([second.id]);
    await waitFor(async () => (await cliJson<SpoolStats>('spool', 'stats', '--json')).storedEvents === 0, 5_000, 'requeued event leaves the spool');

    // Offline: requeue with the service stopped; the restarted service delivers it, and stops promptly.
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
    expect(await cli('spool', 'requeue', '--all')).toEqual(expect.objectContaining({ code: 0, stdout: 'requeued 1 dead letter(s)\n' }));
    const restarted = await start();
    await waitFor(() => pinpoint.delivered().some((d) => d.eventId === second.eventId), 10_000, 'offline-requeued event delivered');
    await waitFor(async () => (await cliJson<SpoolStats>('spool', 'stats', '--json')).storedEvents === 0, 5_000, 'spool empty');
    expect((await fetch(`${restarted.url}/healthz`)).status).toBe(200);
    const stopAt = Date.now();
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(5_000);

    expect(pinpointTags().sort()).toEqual(['ok-1', 'poison-1', 'poison-2']);
    expect(firehoseTags().sort()).toEqual(['ok-1', 'poison-1', 'poison-2']);
    expect(pinpoint.rejectedRequests).toEqual([]);
    const final = await cliJson<SpoolStats>('spool', 'stats', '--json');
    expect(final.sinks.map((s) => [s.sink, s.depth, s.deadLetters])).toEqual([
      ['pinpoint', 0, 0],
      ['firehose', 0, 0],
    ]);
    const db = new Database(path.join(temp.dir, 'spool.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });

  it.each([[['bogus']], [['spool', 'bogus']], [['events', 'bogus']], [['spool', 'requeue']]])('answers %j with exit code 2 and the usage', async (args) => {
    const result = await cli(...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Usage: ma2pinpoint /);
  });
});
