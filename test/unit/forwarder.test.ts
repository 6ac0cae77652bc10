import path from 'node:path';
import type { Forwarder } from '../../src/forwarder/forwarder';
import { listDeadLetters } from '../../src/spool/spool-admin';
import { openSpoolDatabase } from '../../src/spool/spool-database';
import { createFakeClock, type FakeClock } from '../support/fake-clock';
import { deviceEnvelopes, deviceRow } from '../support/legacy-requests';
import { createScriptedSink, failAll, type ScriptedSink } from '../support/scripted-sink';
import { openSpoolHarness, startHarnessForwarder, type SpoolHarness } from '../support/spool-harness';
import { makeTempDir } from '../support/temp-dir';

const BACKOFF = { baseMs: 500, maxMs: 60_000, operatorBaseMs: 15_000, operatorMaxMs: 300_000 };

describe('forwarder (scripted sink, fake clock, real spool file)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let clock: FakeClock;
  let spool: SpoolHarness;
  let forwarder: Forwarder | undefined;

  const start = (sinks: ScriptedSink[], options: { lingerMs?: number; concurrency?: number } = {}): Forwarder => {
    spool = openSpoolHarness(path.join(temp.dir, 'spool.db'), sinks.map((s) => s.name), 100_000, clock.now);
    forwarder = startHarnessForwarder(spool, {
      sinks,
      concurrency: options.concurrency ?? 1,
      lingerMs: options.lingerMs ?? 1000,
      clock,
      // Backoff delays at the low end of their jitter: exactly half the step.
      random: () => 0,
      backoff: BACKOFF,
    });
    return forwarder;
  };

  const append = async (clientId: string, events: number): Promise<void> => {
    await spool.append(deviceRow(clientId, events, clock.now()));
    forwarder?.notify();
  };

  beforeEach(() => {
    temp = makeTempDir();
    clock = createFakeClock();
  });

  afterEach(async () => {
    await forwarder?.stop();
    forwarder = undefined;
    spool.close();
    temp.remove();
  });

  it('lets a partial batch wait for the linger time, then sends it whole', async () => {
    const sink = createScriptedSink(clock);
    start([sink], { lingerMs: 1000 });
    await append('d0', 3);
    await clock.advance(900);
    expect(sink.calls).toHaveLength(0);
    await append('d1', 2);
    await clock.advance(200);
    expect(sink.calls.map((c) => c.eventIds.length)).toEqual([5]);
    await clock.runUntil(() => spool.storedEvents() === 0);
  });

  it('sends a full batch at once, without waiting for the linger time', async () => {
    const sink = createScriptedSink(clock, { maxBatchEvents: 10 });
    start([sink], { lingerMs: 60_000 });
    await append('d0', 6);
    await append('d1', 6);
    await clock.advance(100);
    // Whole requests are leased until the batch is full (12 events), then chunked to 10 + 2.
    expect(sink.calls.map((c) => c.eventIds.length)).toEqual([10, 2]);
  });

  it('chunks a lease once to the sink batch size (a request larger than a batch is split, not refused)', async () => {
    const sink = createScriptedSink(clock, { maxBatchEvents: 100 });
    start([sink], { lingerMs: 0 });
    await append('d0', 250);
    await clock.runUntil(() => spool.storedEvents() === 0);
    expect(sink.calls.map((c) => c.eventIds.length)).toEqual([100, 100, 50]);
    expect(new Set(sink.delivered)).toEqual(new Set(deviceEnvelopes('d0', 250).map((e) => e.eventId)));
  });

  it('pauses a failing sink for the backoff delay, then retries only the failed events', async () => {
    const sink = createScriptedSink(clock, { script: (envelopes, index) => (index === 0 ? failAll(envelopes, 'throttled', 'ThrottlingException') : undefined) });
    const running = start([sink], { lingerMs: 0 });
    await append('d0', 4);
    await clock.advance(10);
    expect(sink.calls).toHaveLength(1);
    expect(running.health()[0]).toEqual(
      expect.objectContaining({ consecutiveFailures: 1, lastError: expect.objectContaining({ kind: 'throttled', code: 'ThrottlingException' }) }),
    );
    // First failure: step 500 ms, delay half of it with random() = 0.
    await clock.advance(230);
    expect(sink.calls).toHaveLength(1);
    await clock.runUntil(() => sink.calls.length === 2, { maxMs: 500 });
    expect(sink.calls[1]?.at).toBeGreaterThanOrEqual(sink.calls[0]!.at + 250);
    expect(sink.calls[1]?.eventIds).toEqual(sink.calls[0]?.eventIds);
    await clock.runUntil(() => spool.storedEvents() === 0);
    expect(running.health()[0]?.consecutiveFailures).toBe(0);
  });

  it('backs off longer after each consecutive failure, and slowly when an operator must act', async () => {
    const sink = createScriptedSink(clock, { script: (envelopes, index) => (index < 3 ? failAll(envelopes, index < 2 ? 'transient' : 'forbidden') : undefined) });
    start([sink], { lingerMs: 0 });
    await append('d0', 1);
    await clock.runUntil(() => sink.calls.length === 4, { maxMs: 120_000 });
    const gaps = sink.calls.slice(1).map((call, i) => call.at - sink.calls[i]!.at);
    // transient: 250 ms, then 500 ms; forbidden at the third failure: half of 15 s × 2² = 30 s.
    expect(gaps[0]).toBeGreaterThanOrEqual(250);
    expect(gaps[0]).toBeLessThan(500);
    expect(gaps[1]).toBeGreaterThanOrEqual(500);
    expect(gaps[1]).toBeLessThan(1000);
    expect(gaps[2]).toBeGreaterThanOrEqual(30_000);
  });

  it('isolates an event that makes the destination refuse the whole call, by halving, and dead-letters only it', async () => {
    const poison = deviceEnvelopes('d0', 8)[5]!.eventId;
    const sink = createScriptedSink(clock, {
      script: (envelopes) => (envelopes.some((e) => e.eventId === poison) ? failAll(envelopes, 'invalid', 'BadRequestException') : undefined),
    });
    start([sink], { lingerMs: 0 });
    await append('d0', 8);
    await clock.runUntil(() => spool.storedEvents() === 0);
    // 8 refused → halves of 4: the first is taken, the second refused → 2 + 2: [4, 5] refused → 1 + 1, [6, 7] taken.
    expect(sink.calls.map((c) => c.eventIds.length)).toEqual([8, 4, 4, 2, 1, 1, 2]);
    expect(sink.delivered.sort()).toEqual(
      deviceEnvelopes('d0', 8)
        .map((e) => e.eventId)
        .filter((id) => id !== poison)
        .sort(),
    );
    const db = openSpoolDatabase(path.join(temp.dir, 'spool.db'), 'normal');
    expect(listDeadLetters(db, { limit: 10 })).toEqual([expect.objectContaining({ eventId: poison, message: 'BadRequestException: scripted invalid' })]);
    db.close();
  });

  it('keeps a failing sink from holding back a healthy one (one cursor each)', async () => {
    const failing = createScriptedSink(clock, { name: 'failing', script: (envelopes) => failAll(envelopes, 'transient') });
    const healthy = createScriptedSink(clock, { name: 'healthy' });
    start([failing, healthy], { lingerMs: 0 });
    await append('d0', 3);
    await clock.runUntil(() => healthy.delivered.length === 3);
    await clock.advance(5000);
    expect(healthy.calls).toHaveLength(1);
    expect(failing.calls.length).toBeGreaterThan(1);
    expect(spool.storedEvents()).toBe(3);
  });

  it('drains: sends what is left at once, ignoring linger, then stops', async () => {
    const sink = createScriptedSink(clock);
    const running = start([sink], { lingerMs: 60_000 });
    await append('d0', 3);
    await clock.advance(10);
    expect(sink.calls).toHaveLength(0);
    const drained = running.drain(5000);
    await clock.advance(10);
    await drained;
    expect(sink.delivered).toHaveLength(3);
    expect(spool.storedEvents()).toBe(0);
  });

  it('stops draining a paused failing sink at once, keeping its events for the next start', async () => {
    const sink = createScriptedSink(clock, { script: (envelopes) => failAll(envelopes, 'transient') });
    const running = start([sink], { lingerMs: 60_000 });
    await append('d0', 2);
    let done = false;
    const drained = running.drain(60_000).then(() => (done = true));
    await clock.runUntil(() => done, { maxMs: 1000 });
    await drained;
    expect(sink.calls).toHaveLength(1);
    expect(spool.storedEvents()).toBe(2);
  });

  it('gives up a drain when the grace time is over, even while a sink keeps taking events', async () => {
    const sink = createScriptedSink(clock, { maxBatchEvents: 1 });
    const running = start([sink], { lingerMs: 60_000 });
    // Each call takes 1 s of fake time: the sink is slow, not failing.
    const deliverNow = sink.deliver.bind(sink);
    sink.deliver = async (envelopes) => {
      await clock.sleep(1000);
      return deliverNow(envelopes);
    };
    for (let i = 0; i < 5; i += 1) await append(`d${i}`, 1);
    let done = false;
    const drained = running.drain(2500).then(() => (done = true));
    await clock.advance(2400);
    expect(done).toBe(false);
    await clock.runUntil(() => done, { maxMs: 5000 });
    await drained;
    expect(sink.delivered.length).toBeGreaterThanOrEqual(2);
    expect(sink.delivered.length).toBeLessThan(5);
    expect(spool.storedEvents()).toBe(5 - sink.delivered.length);
  });
});
