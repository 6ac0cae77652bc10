import path from 'node:path';
import { requeueDeadLetters, spoolStats } from '../../src/spool/spool-admin';
import { openSpoolDatabase } from '../../src/spool/spool-database';
import { createSpoolGauges, type SpoolGauges } from '../../src/spool/spool-gauges';
import { deviceRow } from '../support/legacy-requests';
import { openSpoolHarness, type SpoolHarness } from '../support/spool-harness';
import { makeTempDir } from '../support/temp-dir';

const SINKS = ['fast', 'slow'];
const T0 = 1_800_000_000_000;

/**
 * The per-sink gauges agree with `spool stats` (which scans everything) in every state a spool
 * goes through: one sink ahead of the other on either side of the middle, retries, a requeued
 * dead letter, empty.
 */
describe('spool gauges (real spool file)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let file: string;
  let spool: SpoolHarness;
  let gauges: SpoolGauges;

  /** What `spool stats` says of each sink: the oracle. */
  const oracle = (now: number) => {
    const db = openSpoolDatabase(file, 'normal', { readonly: true });
    try {
      return spoolStats(db, SINKS, now).sinks.map((s) => ({ sink: s.sink, events: s.depth, oldestAgeMs: s.oldestAgeMs }));
    } finally {
      db.close();
    }
  };
  const expectAgreement = (now: number): void => {
    expect(gauges.read(spool.storedEvents(), now)).toEqual(oracle(now));
  };
  /** Leases up to `events` fresh events of `sink` and settles them, failing the ids in `fail`. */
  const deliver = (sink: string, events: number, fail: (eventId: string, index: number) => boolean = () => false): void => {
    const lease = spool.lease(sink, events, true);
    if (!lease) throw new Error(`nothing to lease for ${sink}`);
    const failed = lease.events.filter((e, i) => fail(e.envelope.eventId, i)).map((e) => ({ eventId: e.envelope.eventId, error: 'Throttled: slow down' }));
    spool.complete(lease, { rejected: [], failed, retryAt: T0 + 60_000 });
  };

  beforeEach(async () => {
    temp = makeTempDir();
    file = path.join(temp.dir, 'spool.db');
    spool = openSpoolHarness(file, SINKS, 1_000_000, () => T0);
    gauges = createSpoolGauges(openSpoolDatabase(file, 'normal', { readonly: true }), SINKS);
    // Ten requests of 3 events, one second apart.
    for (let i = 0; i < 10; i += 1) await spool.append(deviceRow(`d${i}`, 3, T0 + i * 1000));
  });
  afterEach(() => {
    gauges.close();
    spool.close();
    temp.remove();
  });

  it('nothing delivered yet: every event owed to both sinks, the first request the oldest', () => {
    expect(gauges.read(spool.storedEvents(), T0 + 20_000)).toEqual([
      { sink: 'fast', events: 30, oldestAgeMs: 20_000 },
      { sink: 'slow', events: 30, oldestAgeMs: 20_000 },
    ]);
    expectAgreement(T0 + 20_000);
  });

  it('one sink ahead of the other, behind the middle and past it (both ways of counting)', () => {
    deliver('fast', 6);
    expectAgreement(T0 + 20_000);
    deliver('fast', 18);
    deliver('slow', 3);
    expectAgreement(T0 + 20_000);
    expect(gauges.read(spool.storedEvents(), T0 + 20_000)).toEqual([
      { sink: 'fast', events: 6, oldestAgeMs: 12_000 },
      { sink: 'slow', events: 27, oldestAgeMs: 19_000 },
    ]);
  });

  it('events waiting for a retry count, and the oldest of them sets the age', () => {
    deliver('fast', 30, (_id, i) => i === 1);
    deliver('slow', 30);
    expect(gauges.read(spool.storedEvents(), T0 + 20_000)).toEqual([
      { sink: 'fast', events: 1, oldestAgeMs: 20_000 },
      { sink: 'slow', events: 0, oldestAgeMs: null },
    ]);
    expectAgreement(T0 + 20_000);
  });

  it('a requeued dead letter counts for its sink only; an empty spool owes nothing', () => {
    const lease = spool.lease('fast', 30, true);
    spool.complete(lease!, { rejected: [{ eventId: lease!.events[4]!.envelope.eventId, message: 'refused' }], failed: [], retryAt: T0 });
    deliver('slow', 30);
    expect(spool.storedEvents()).toBe(0);
    expectAgreement(T0 + 20_000);
    const db = openSpoolDatabase(file, 'normal');
    expect(requeueDeadLetters(db, 'all')).toBe(1);
    db.close();
    expect(gauges.read(spool.storedEvents(), T0 + 20_000)).toEqual([
      { sink: 'fast', events: 1, oldestAgeMs: 19_000 },
      { sink: 'slow', events: 0, oldestAgeMs: null },
    ]);
    expectAgreement(T0 + 20_000);
  });
});
