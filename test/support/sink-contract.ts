import type { EventSink } from '../../src/sinks/event-sink';
import { sampleEnvelopes } from './legacy-requests';

/** One sink under test, a way to read back what reached its destination, and a way to stop both. */
export interface SinkHarness {
  sink: EventSink;
  /** Every event the destination holds, once per copy it holds (so duplicates show). */
  readBack: () => Promise<Array<{ eventId: string; record?: unknown }>>;
  /** Stops the destination and the sink; must tolerate a sink already closed by the test. */
  close: () => Promise<void>;
}

function sortedIds(items: ReadonlyArray<{ eventId: string }>): string[] {
  return items.map((item) => item.eventId).sort();
}

/**
 * The behaviour every EventSink must show, run against a real (or stand-in) destination. Each
 * test gets a fresh harness from `make`, so read-back holds only what that test delivered.
 */
export function describeSinkContract(name: string, make: () => Promise<SinkHarness>): void {
  describe(`${name} sink contract`, () => {
    let harness: SinkHarness;

    beforeEach(async () => {
      harness = await make();
    });

    afterEach(async () => {
      await harness.close();
    });

    it('has a stable name and a positive batch size', () => {
      expect(harness.sink.name).toMatch(/^[a-z]+$/);
      expect(harness.sink.maxBatchEvents).toBeGreaterThan(0);
    });

    it('delivers a batch from several devices and holds every event exactly once', async () => {
      const envelopes = sampleEnvelopes(3, 4);
      const result = await harness.sink.deliver(envelopes);
      expect(result).toEqual({ rejected: [], failed: [] });
      expect(sortedIds(await harness.readBack())).toEqual(sortedIds(envelopes));
    });

    it('treats an empty batch as a no-op', async () => {
      expect(await harness.sink.deliver([])).toEqual({ rejected: [], failed: [] });
      expect(await harness.readBack()).toEqual([]);
    });

    it('delivers a batch larger than maxBatchEvents whole', async () => {
      const envelopes = sampleEnvelopes(1, harness.sink.maxBatchEvents + 7);
      const result = await harness.sink.deliver(envelopes);
      expect(result).toEqual({ rejected: [], failed: [] });
      expect(sortedIds(await harness.readBack())).toEqual(sortedIds(envelopes));
    });

    it('closes', async () => {
      await expect(harness.sink.close()).resolves.toBeUndefined();
    });
  });
}
