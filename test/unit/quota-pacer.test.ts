import { createQuotaPacer } from '../../src/sinks/quota-pacer';
import { createFakeClock, type FakeClock } from '../support/fake-clock';

interface Span {
  id: number;
  start: number;
  end: number;
}

/** The most of `times` inside any window [t, t + 1000) starting at one of them. */
function busiest(times: readonly number[]): number {
  return Math.max(0, ...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
}

/** A small deterministic PRNG (mulberry32), so latencies are random but reproducible. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `count` calls through a pacer at once, each taking `latency(i)` ms of fake time. */
async function runCalls(clock: FakeClock, callsPerSecond: number, count: number, latency: (i: number) => number): Promise<Span[]> {
  const pacer = createQuotaPacer(callsPerSecond, clock);
  const spans: Span[] = [];
  const all = Array.from({ length: count }, (_, id) =>
    pacer.run(async () => {
      const start = clock.now();
      await clock.sleep(latency(id));
      spans.push({ id, start, end: clock.now() });
    }),
  );
  let finished = false;
  void Promise.all(all).then(() => (finished = true));
  await clock.runUntil(() => finished, { stepMs: 5, maxMs: 120_000 });
  return spans.sort((a, b) => a.start - b.start);
}

describe('createQuotaPacer', () => {
  it('spaces starts evenly at the quota when calls answer at once', async () => {
    const clock = createFakeClock();
    const spans = await runCalls(clock, 15, 31, () => 0);
    const gaps = spans.slice(1).map((s, i) => s.start - spans[i]!.start);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000 / 15 - 0.001);
    expect(busiest(spans.map((s) => s.start))).toBeLessThanOrEqual(15);
  });

  it.each([1, 2, 3])('never lets more than the quota arrive in a rolling second, wherever in its call each arrives (seed %i)', async (seed) => {
    const clock = createFakeClock();
    const random = seeded(seed);
    const latencies = Array.from({ length: 80 }, () => Math.floor(random() * 400));
    const spans = await runCalls(clock, 15, 80, (i) => latencies[i]!);
    expect(spans).toHaveLength(80);
    const arrivals = (pick: (s: Span) => number): number => busiest(spans.map(pick));
    expect(arrivals((s) => s.start)).toBeLessThanOrEqual(15);
    expect(arrivals((s) => s.end)).toBeLessThanOrEqual(15);
    const where = seeded(seed * 7);
    for (let trial = 0; trial < 20; trial += 1) {
      const picks = spans.map(() => where());
      expect(arrivals((s) => s.start + picks[spans.indexOf(s)]! * (s.end - s.start))).toBeLessThanOrEqual(15);
    }
  });

  it('holds the next call while the quota is in flight, until a second after the first answer', async () => {
    const clock = createFakeClock();
    const spans = await runCalls(clock, 3, 4, () => 5000);
    const firstAnswer = Math.min(...spans.slice(0, 3).map((s) => s.end));
    expect(spans[3]!.start).toBeGreaterThanOrEqual(firstAnswer + 1000);
  });

  it('serves calls in the order they asked', async () => {
    const clock = createFakeClock();
    const spans = await runCalls(clock, 5, 12, (i) => (i % 3) * 50);
    expect(spans.map((s) => s.id)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('handles quotas under one call per second', async () => {
    const clock = createFakeClock();
    const spans = await runCalls(clock, 0.5, 3, () => 10);
    expect(spans[1]!.start - spans[0]!.start).toBeGreaterThanOrEqual(2000);
    expect(spans[2]!.start - spans[1]!.start).toBeGreaterThanOrEqual(2000);
  });

  it('counts a call that failed, and lets the next one go', async () => {
    const clock = createFakeClock();
    const pacer = createQuotaPacer(1, clock);
    await expect(pacer.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    let second = false;
    void pacer.run(() => Promise.resolve((second = true)));
    await clock.advance(900);
    expect(second).toBe(false);
    await clock.runUntil(() => second, { maxMs: 1000 });
  });
});
