import path from 'node:path';
import { listDeadLetters, listUndecodableRows, requeueDeadLetters, spoolStats } from '../../src/spool/spool-admin';
import { openSpoolDatabase } from '../../src/spool/spool-database';
import { deviceEnvelopes, deviceRow, SAMPLE_APP_ID } from '../support/legacy-requests';
import { openSpoolHarness, type SpoolHarness } from '../support/spool-harness';
import { makeTempDir } from '../support/temp-dir';

describe('Spool: appender and delivery queue (real SQLite file)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let file: string;
  let clock: number;
  const open = (sinks: string[] = ['a', 'b'], maxEvents = 1000): SpoolHarness => openSpoolHarness(file, sinks, maxEvents, () => clock);

  beforeEach(() => {
    temp = makeTempDir();
    file = path.join(temp.dir, 'spool.db');
    clock = 1_000_000;
  });
  afterEach(() => temp.remove());

  it('commits concurrent appends together and keeps them across a reopen', async () => {
    const spool = open();
    await Promise.all([spool.append(deviceRow('d1', 3)), spool.append(deviceRow('d2', 2))]);
    expect(spool.storedEvents()).toBe(5);
    spool.close();
    const reopened = open();
    expect(reopened.storedEvents()).toBe(5);
    const lease = reopened.lease('a', 100, true);
    expect(lease?.events.map((e) => e.envelope.endpointId)).toEqual(['d1', 'd1', 'd1', 'd2', 'd2']);
    reopened.close();
  });

  it('keeps one cursor per sink: an event is deleted only after every sink is done with it', async () => {
    const spool = open();
    await spool.append(deviceRow('d0', 4));
    const a = spool.lease('a', 100, true);
    spool.complete(a!, { rejected: [], failed: [], retryAt: clock });
    expect(spool.storedEvents()).toBe(4);
    expect(spool.lease('a', 100, true)).toBeUndefined();
    const b = spool.lease('b', 100, true);
    expect(b?.events).toHaveLength(4);
    spool.complete(b!, { rejected: [], failed: [], retryAt: clock });
    expect(spool.storedEvents()).toBe(0);
    spool.close();
  });

  it('leases whole requests: one large request may exceed the lease size, the forwarder splits it', async () => {
    const spool = open(['a']);
    await spool.append(deviceRow('d0', 150));
    await spool.append(deviceRow('d1', 10));
    expect(spool.freshBacklog('a', 100)).toEqual({ count: 160, oldestReceivedAt: expect.any(Number) });
    expect(spool.lease('a', 100, true)?.events).toHaveLength(150);
    expect(spool.lease('a', 100, true)?.events).toHaveLength(10);
    spool.close();
  });

  it('redelivers an unsettled lease after a restart (at least once)', async () => {
    const spool = open(['a']);
    await spool.append(deviceRow('d0', 3));
    expect(spool.lease('a', 100, true)?.events).toHaveLength(3);
    spool.close();
    const reopened = open(['a']);
    expect(reopened.lease('a', 100, true)?.events).toHaveLength(3);
    reopened.close();
  });

  it('advances the cursor only over settled leases, in order (a later lease settled first is redelivered)', async () => {
    const spool = open(['a']);
    await spool.append(deviceRow('d0', 3));
    await spool.append(deviceRow('d1', 3));
    const first = spool.lease('a', 3, true)!;
    const second = spool.lease('a', 3, true)!;
    spool.complete(second, { rejected: [], failed: [], retryAt: clock });
    spool.close();
    const reopened = open(['a']);
    const again = reopened.lease('a', 100, true)!;
    expect(again.events.map((e) => e.seq)).toEqual([...first.events, ...second.events].map((e) => e.seq));
    reopened.close();
  });

  it('moves failed events to retries, due at retryAt, and rejected ones to the dead letters', async () => {
    const spool = open(['a']);
    const envelopes = deviceEnvelopes('d0', 3);
    await spool.append(deviceRow('d0', 3));
    const lease = spool.lease('a', 100, true)!;
    const [e0, e1] = envelopes;
    spool.complete(lease, {
      rejected: [{ eventId: e0!.eventId, message: 'Event too old' }],
      failed: [{ eventId: e1!.eventId, error: 'ThrottlingException: slow down' }],
      retryAt: clock + 5000,
    });
    // The request's row stays while one of its events waits for a retry.
    expect(spool.storedEvents()).toBe(3);
    expect(spool.nextRetryAt('a')).toBe(clock + 5000);
    expect(spool.lease('a', 100, true)).toBeUndefined();
    clock += 5000;
    const retry = spool.lease('a', 100, true)!;
    expect(retry.events.map((e) => [e.envelope.eventId, e.attempts, e.fromRetry])).toEqual([[e1!.eventId, 1, true]]);
    spool.complete(retry, { rejected: [], failed: [], retryAt: clock });
    expect(spool.storedEvents()).toBe(0);
    expect(spool.nextRetryAt('a')).toBeUndefined();
    spool.close();
    const db = openSpoolDatabase(file, 'normal');
    expect(listDeadLetters(db, { limit: 10 })).toEqual([
      expect.objectContaining({ sink: 'a', eventId: e0!.eventId, message: 'Event too old', applicationId: SAMPLE_APP_ID }),
    ]);
    db.close();
  });

  it('settles one copy per reported entry when a resent request put one event id in the spool twice', async () => {
    const spool = open(['a']);
    const envelopes = deviceEnvelopes('d0', 2);
    await spool.append(deviceRow('d0', 2));
    await spool.append(deviceRow('d0', 2));
    const lease = spool.lease('a', 100, true)!;
    expect(lease.events).toHaveLength(4);
    const [e0] = envelopes;
    spool.complete(lease, { rejected: [], failed: [{ eventId: e0!.eventId, error: 'ServiceUnavailableException: slow down' }], retryAt: clock });
    const retry = spool.lease('a', 100, true)!;
    expect(retry.events.map((e) => [e.envelope.eventId, e.fromRetry])).toEqual([[e0!.eventId, true]]);
    spool.complete(retry, { rejected: [], failed: [], retryAt: clock });
    expect(spool.storedEvents()).toBe(0);
    spool.close();
  });

  it('sets a row it cannot decode aside, with its payload, delivers the rows around it, and keeps it out of the dead letters', async () => {
    const spool = open(['a']);
    const broken = '{"legacyRequest":{"receivedAt":1}}';
    await spool.append({ receivedAt: clock, eventCount: 2, payload: broken });
    await spool.append(deviceRow('d1', 2));
    const lease = spool.lease('a', 100, true)!;
    expect(lease.undecodable).toEqual([{ seq: lease.rows[0]!.seq, reason: expect.any(String) }]);
    expect(lease.events.map((e) => e.envelope.endpointId)).toEqual(['d1', 'd1']);
    spool.complete(lease, { rejected: [], failed: [], retryAt: clock });
    expect(spool.storedEvents()).toBe(0);
    expect(spool.lease('a', 100, true)).toBeUndefined();
    spool.close();
    const db = openSpoolDatabase(file, 'normal');
    expect(listUndecodableRows(db, { limit: 10 })).toEqual([
      { sink: 'a', seq: lease.rows[0]!.seq, reason: expect.any(String), foundAt: expect.any(String), payload: broken },
    ]);
    expect(listDeadLetters(db, { limit: 10 })).toEqual([]);
    expect(requeueDeadLetters(db, 'all')).toBe(0);
    expect(spoolStats(db, ['a'], clock).sinks).toEqual([expect.objectContaining({ sink: 'a', depth: 0, deadLetters: 0, undecodableRows: 1 })]);
    db.close();
  });

  it('moves the cursor past a lease of undecodable rows only', async () => {
    const spool = open(['a']);
    await spool.append({ receivedAt: clock, eventCount: 1, payload: 'not json' });
    const lease = spool.lease('a', 100, true)!;
    expect(lease.events).toEqual([]);
    spool.complete(lease, { rejected: [], failed: [], retryAt: clock });
    expect(spool.storedEvents()).toBe(0);
    expect(spool.lease('a', 100, true)).toBeUndefined();
    spool.close();
  });

  it('refuses appends beyond SPOOL_MAX_EVENTS without touching what is stored', async () => {
    const spool = open(['a'], 5);
    await spool.append(deviceRow('d0', 4));
    await expect(spool.append(deviceRow('d2', 2))).resolves.toBe('full');
    expect(spool.storedEvents()).toBe(4);
    await spool.append(deviceRow('d3', 1));
    expect(spool.isFull()).toBe(true);
    spool.close();
  });

  it('reports stats per sink and requeues a dead letter to its own sink only', async () => {
    const spool = open(['a', 'b']);
    const envelopes = deviceEnvelopes('d0', 2);
    await spool.append(deviceRow('d0', 2));
    const a = spool.lease('a', 100, true)!;
    spool.complete(a, { rejected: [{ eventId: envelopes[0]!.eventId, message: 'bad' }], failed: [], retryAt: clock });
    const db = openSpoolDatabase(file, 'normal');
    const stats = spoolStats(db, ['a', 'b'], clock + 1000);
    expect(stats.sinks).toEqual([
      expect.objectContaining({ sink: 'a', depth: 0, deadLetters: 1 }),
      expect.objectContaining({ sink: 'b', depth: 2, deadLetters: 0 }),
    ]);
    const [letter] = listDeadLetters(db, { limit: 10 });
    expect(requeueDeadLetters(db, [letter!.id])).toBe(1);
    db.close();
    const again = spool.lease('a', 100, true)!;
    expect(again.events.map((e) => e.envelope.eventId)).toEqual([envelopes[0]!.eventId]);
    spool.complete(again, { rejected: [], failed: [], retryAt: clock });
    expect(spool.lease('a', 100, true)).toBeUndefined();
    const b = spool.lease('b', 100, true)!;
    expect(b.events.map((e) => e.envelope.eventId)).toEqual(envelopes.map((e) => e.eventId));
    spool.close();
  });

  it('lets a requeued event leave the spool once its sink delivered it, counted right, whoever requeued it', async () => {
    const spool = open(['a', 'b']);
    const envelopes = deviceEnvelopes('d0', 2);
    await spool.append(deviceRow('d0', 2));
    for (const sink of ['a', 'b']) {
      const lease = spool.lease(sink, 100, true)!;
      const rejected = sink === 'a' ? envelopes.map((e) => ({ eventId: e.eventId, message: 'bad' })) : [];
      spool.complete(lease, { rejected, failed: [], retryAt: clock });
    }
    expect(spool.storedEvents()).toBe(0);
    const admin = openSpoolDatabase(file, 'normal');
    const [first, second] = listDeadLetters(admin, { limit: 10 });
    expect(requeueDeadLetters(admin, [first!.id])).toBe(1);

    const online = spool.lease('a', 100, true)!;
    expect(online.events.map((e) => [e.envelope.eventId, e.fromRetry])).toEqual([[first!.eventId, true]]);
    spool.complete(online, { rejected: [], failed: [], retryAt: clock });
    expect(spool.storedEvents()).toBe(0);
    expect(admin.prepare('SELECT COUNT(*) FROM batches').pluck().get()).toBe(0);
    spool.close();

    // Requeued while the service is stopped: on start it is a retry of `a`, not a fresh backlog.
    expect(requeueDeadLetters(admin, [second!.id])).toBe(1);
    const restarted = open(['a', 'b']);
    // Requeued dead letters are not counted against SPOOL_MAX_EVENTS.
    expect(restarted.storedEvents()).toBe(0);
    expect(restarted.freshBacklog('a', 100).count).toBe(0);
    expect(restarted.freshBacklog('b', 100).count).toBe(0);
    expect(restarted.lease('b', 100, true)).toBeUndefined();
    const offline = restarted.lease('a', 100, true)!;
    expect(offline.events.map((e) => e.envelope.eventId)).toEqual([second!.eventId]);
    restarted.complete(offline, { rejected: [], failed: [], retryAt: clock });
    expect(restarted.storedEvents()).toBe(0);
    expect(admin.prepare('SELECT COUNT(*) FROM batches').pluck().get()).toBe(0);
    admin.close();
    restarted.close();
  });
});
