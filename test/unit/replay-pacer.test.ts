import { createReplayPacer } from '../../src/replay/replay-pacer';
import { createFakeClock, settle } from '../support/fake-clock';

/** Start times (ms after the clock's start) of `count` requests recorded at `recorded[i]`, paced in order. */
async function startTimes(options: { rate?: number; retime: boolean }, recorded: number[]): Promise<number[]> {
  const clock = createFakeClock(0);
  const pacer = createReplayPacer(options, clock);
  const starts: number[] = [];
  const run = (async () => {
    for (const at of recorded) {
      await pacer.next(at);
      starts.push(clock.now());
    }
  })();
  await clock.runUntil(() => starts.length === recorded.length, { stepMs: 1 });
  await run;
  return starts;
}

describe('replay pacing (fake clock)', () => {
  it('without --rate or --retime, starts everything at once', async () => {
    expect(await startTimes({ retime: false }, [0, 5000, 90_000])).toEqual([0, 0, 0]);
  });

  it('--rate N starts requests 1000/N ms apart: no second ever holds more than N starts', async () => {
    const starts = await startTimes({ rate: 5, retime: false }, Array.from({ length: 12 }, () => 0));
    expect(starts).toEqual([0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800, 2000, 2200]);
    for (const start of starts) expect(starts.filter((s) => s >= start && s < start + 1000).length).toBeLessThanOrEqual(5);
  });

  it('--retime keeps the recorded spacing from the first request', async () => {
    const recorded = [1_700_000_000_000, 1_700_000_000_250, 1_700_000_003_000, 1_700_000_003_000, 1_699_999_999_000];
    expect(await startTimes({ retime: true }, recorded)).toEqual([0, 250, 3000, 3000, 3000]);
  });

  it('--retime with --rate: the recorded spacing, but never more than the cap', async () => {
    const recorded = [0, 10, 20, 30, 5000];
    expect(await startTimes({ retime: true, rate: 10 }, recorded)).toEqual([0, 100, 200, 300, 5000]);
  });

  it('does not make up for idle time with a burst', async () => {
    const clock = createFakeClock(0);
    const pacer = createReplayPacer({ rate: 2, retime: false }, clock);
    await pacer.next(0);
    await clock.advance(10_000);
    const starts: number[] = [];
    const run = (async () => {
      for (let i = 0; i < 3; i += 1) {
        await pacer.next(0);
        starts.push(clock.now());
      }
    })();
    await clock.runUntil(() => starts.length === 3, { stepMs: 1 });
    await run;
    await settle();
    expect(starts).toEqual([10_000, 10_500, 11_000]);
  });
});
