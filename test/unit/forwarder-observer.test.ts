import path from 'node:path';
import type { Forwarder } from '../../src/forwarder/forwarder';
import type { EventSink } from '../../src/sinks/event-sink';
import { createFakeClock, type FakeClock } from '../support/fake-clock';
import { createFakeObserver, type FakeObserver } from '../support/fake-observer';
import { deviceEnvelopes, deviceRow } from '../support/legacy-requests';
import { createScriptedSink, failAll } from '../support/scripted-sink';
import { openSpoolHarness, startHarnessForwarder, type SpoolHarness } from '../support/spool-harness';
import { makeTempDir } from '../support/temp-dir';

describe('forwarder: what it tells its observer (scripted sink, fake clock, real spool file)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let clock: FakeClock;
  let spool: SpoolHarness;
  let forwarder: Forwarder | undefined;
  let observer: FakeObserver;

  const start = (sink: EventSink): void => {
    spool = openSpoolHarness(path.join(temp.dir, 'spool.db'), [sink.name], 100_000, clock.now);
    forwarder = startHarnessForwarder(spool, {
      sinks: [sink],
      clock,
      random: () => 0,
      observer,
    });
  };

  beforeEach(() => {
    temp = makeTempDir();
    clock = createFakeClock();
    observer = createFakeObserver();
  });

  afterEach(async () => {
    await forwarder?.stop();
    forwarder = undefined;
    spool.close();
    temp.remove();
  });

  it('one call per chunk with its events, outcome and duration on the clock; nothing else when all is taken', async () => {
    const scripted = createScriptedSink(clock, { maxBatchEvents: 10 });
    // The destination takes 40 ms (of the fake clock) to answer.
    const sink: EventSink = { ...scripted, deliver: async (envelopes) => clock.sleep(40).then(() => scripted.deliver(envelopes)) };
    start(sink);
    await spool.append(deviceRow('d0', 12, clock.now()));
    forwarder?.notify();
    await clock.runUntil(() => spool.storedEvents() === 0);
    expect(observer.calls.map(({ sink: name, delivered, rejected, failed, failure }) => ({ name, delivered, rejected, failed, failure }))).toEqual([
      { name: 'scripted', delivered: 10, rejected: 0, failed: 0, failure: undefined },
      { name: 'scripted', delivered: 2, rejected: 0, failed: 0, failure: undefined },
    ]);
    for (const call of observer.calls) expect(call.durationMs).toBe(40);
    expect(observer.retries).toEqual([]);
    expect(observer.deadLetters).toEqual([]);
    expect(observer.setAside).toEqual([]);
  });

  it('a failed call: its failure kind, then the events scheduled for a retry once the settlement is written', async () => {
    const sink = createScriptedSink(clock, { script: (envelopes, index) => (index === 0 ? failAll(envelopes, 'throttled', 'ThrottlingException') : undefined) });
    start(sink);
    await spool.append(deviceRow('d0', 4, clock.now()));
    forwarder?.notify();
    await clock.runUntil(() => spool.storedEvents() === 0, { maxMs: 5_000 });
    expect(observer.calls.map(({ delivered, failed, failure }) => ({ delivered, failed, failure }))).toEqual([
      { delivered: 0, failed: 4, failure: 'throttled' },
      { delivered: 4, failed: 0, failure: undefined },
    ]);
    expect(observer.retries).toEqual([{ sink: 'scripted', events: 4 }]);
    expect(observer.deadLetters).toEqual([]);
  });

  it('an event refused alone is dead-lettered once, after the split calls that isolated it', async () => {
    const poison = deviceEnvelopes('d0', 4)[1]!.eventId;
    const sink = createScriptedSink(clock, {
      script: (envelopes) => (envelopes.some((e) => e.eventId === poison) ? failAll(envelopes, 'invalid', 'BadRequestException') : undefined),
    });
    start(sink);
    await spool.append(deviceRow('d0', 4, clock.now()));
    forwarder?.notify();
    await clock.runUntil(() => spool.storedEvents() === 0);
    // Depth first: 4 refused → [0, 1] refused → [0] taken, [1] refused alone; then [2, 3] taken.
    expect(observer.calls.map(({ delivered, failed, failure }) => [delivered, failed, failure])).toEqual([
      [0, 4, 'invalid'],
      [0, 2, 'invalid'],
      [1, 0, undefined],
      [0, 1, 'invalid'],
      [2, 0, undefined],
    ]);
    expect(observer.deadLetters).toEqual([{ sink: 'scripted', events: 1 }]);
    expect(observer.retries).toEqual([]);
  });

  it('a row that cannot be decoded: set aside and told, never sent', async () => {
    const sink = createScriptedSink(clock);
    start(sink);
    await spool.append({ receivedAt: clock.now(), eventCount: 2, payload: 'not a spool payload' });
    forwarder?.notify();
    await clock.runUntil(() => spool.storedEvents() === 0);
    expect(observer.setAside).toEqual([{ sink: 'scripted', rows: 1 }]);
    expect(observer.calls).toEqual([]);
  });
});
