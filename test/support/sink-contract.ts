import type { DeliveryResult, EventSink } from '../../src/sinks/event-sink';
import type { SinkErrorKind } from '../../src/sinks/sink-error';
import { sampleEnvelopes } from './legacy-requests';

/** How a destination refuses single events inside a call it takes, and so how the sink must report them. */
export type EventRefusal =
  /** Refused for good (Pinpoint: a 202 whose `EventsItemResponse` carries 400): reported in `rejected`. */
  | { reportedAs: 'rejected'; message: string }
  /** Not taken this time (Kinesis/Firehose: a per-record `ErrorCode`): reported in `failed`. */
  | { reportedAs: 'failed'; kind: SinkErrorKind; code: string };

/** Makes a harness's destination fail on demand. Each fault applies once, then the destination behaves again. */
export interface SinkFaults {
  /** The next remote call is throttled whole (429 TooManyRequests, ProvisionedThroughputExceeded, …). */
  throttleNextCall(): void;
  /** The next remote call is refused whole as malformed (400 BadRequest / InvalidArgument). */
  refuseNextCall(): void;
  /** The next call carrying these events is taken, except for them, each refused once; says how the sink must report them. */
  refuseEvents(eventIds: readonly string[]): EventRefusal;
}

/** One sink under test, a way to read back what reached its destination, and a way to stop both. */
export interface SinkHarness {
  sink: EventSink;
  /** Every event the destination holds, once per copy it holds (so duplicates show). */
  readBack: () => Promise<Array<{ eventId: string; record?: unknown }>>;
  /** Stops the destination and the sink; must tolerate a sink already closed by the test. */
  close: () => Promise<void>;
  /** Present when the destination can fail on demand; then the failure half of the contract runs too. */
  faults?: SinkFaults;
}

/** A harness whose destination can fail on demand. */
export type FaultySinkHarness = SinkHarness & { faults: SinkFaults };

function sortedIds(items: ReadonlyArray<{ eventId: string }>): string[] {
  return items.map((item) => item.eventId).sort();
}

/** Orders verdict rows by event id (their first cell). */
function byId(a: readonly string[], b: readonly string[]): number {
  const [x = '', y = ''] = [a[0], b[0]];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A result as plain data, sorted, so that whole results compare in one expectation. */
function verdicts(result: DeliveryResult): { rejected: string[][]; failed: string[][] } {
  return {
    rejected: result.rejected.map((r) => [r.eventId, r.message]).sort(byId),
    failed: result.failed.map((f) => [f.eventId, f.error.kind, f.error.code]).sort(byId),
  };
}

/**
 * The behaviour every EventSink must show, run against a real (or stand-in) destination. Each
 * test gets a fresh harness from `make`, so read-back holds only what that test delivered.
 * With `{ faults: true }` the harness offers `faults` and the failure tests are registered too;
 * a destination that cannot fail on demand (the local store) registers only the success paths.
 */
export function describeSinkContract(name: string, make: () => Promise<SinkHarness>): void;
export function describeSinkContract(name: string, make: () => Promise<FaultySinkHarness>, options: { faults: true }): void;
export function describeSinkContract(name: string, make: () => Promise<SinkHarness>, options: { faults?: boolean } = {}): void {
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

    if (!options.faults) return;

    describe('when the destination fails', () => {
      let faults: SinkFaults;

      beforeEach(() => {
        if (!harness.faults) throw new Error(`the ${name} harness was registered with faults but offers none`);
        faults = harness.faults;
      });

      it('reports every event of a throttled call failed as throttled, rejects none, and the destination holds none', async () => {
        const envelopes = sampleEnvelopes(2, 3);
        faults.throttleNextCall();
        const result = await harness.sink.deliver(envelopes);
        expect(result.rejected).toEqual([]);
        expect(sortedIds(result.failed)).toEqual(sortedIds(envelopes));
        expect(new Set(result.failed.map((f) => f.error.kind))).toEqual(new Set(['throttled']));
        expect(await harness.readBack()).toEqual([]);

        // The throttle is over: delivering them again holds each once.
        expect(await harness.sink.deliver(envelopes)).toEqual({ rejected: [], failed: [] });
        expect(sortedIds(await harness.readBack())).toEqual(sortedIds(envelopes));
      });

      it('fails only the throttled call of a delivery split into several calls; the others are held once', async () => {
        const envelopes = sampleEnvelopes(1, harness.sink.maxBatchEvents + 7);
        faults.throttleNextCall();
        const result = await harness.sink.deliver(envelopes);
        expect(result.rejected).toEqual([]);
        expect(result.failed.length).toBeGreaterThan(0);
        expect(result.failed.length).toBeLessThan(envelopes.length);
        expect(new Set(result.failed.map((f) => f.error.kind))).toEqual(new Set(['throttled']));
        const failed = new Set(result.failed.map((f) => f.eventId));
        expect(failed.size).toBe(result.failed.length);
        expect(sortedIds(await harness.readBack())).toEqual(sortedIds(envelopes.filter((e) => !failed.has(e.eventId))));

        // Resending only the failed events completes the delivery without duplicates.
        expect(await harness.sink.deliver(envelopes.filter((e) => failed.has(e.eventId)))).toEqual({ rejected: [], failed: [] });
        expect(sortedIds(await harness.readBack())).toEqual(sortedIds(envelopes));
      });

      it('reports every event of a call refused as malformed failed as invalid (the forwarder isolates them), rejects none', async () => {
        const envelopes = sampleEnvelopes(2, 3);
        faults.refuseNextCall();
        const result = await harness.sink.deliver(envelopes);
        expect(result.rejected).toEqual([]);
        expect(sortedIds(result.failed)).toEqual(sortedIds(envelopes));
        expect(new Set(result.failed.map((f) => f.error.kind))).toEqual(new Set(['invalid']));
        expect(await harness.readBack()).toEqual([]);
      });

      it('reports exactly the events the destination refused one by one; the others are held once', async () => {
        const envelopes = sampleEnvelopes(2, 4);
        const refusedIds = [envelopes[1], envelopes[6]].map((e) => (e as { eventId: string }).eventId);
        const refusal = faults.refuseEvents(refusedIds);
        const result = await harness.sink.deliver(envelopes);
        expect(verdicts(result)).toEqual(
          refusal.reportedAs === 'rejected'
            ? { rejected: refusedIds.map((id) => [id, refusal.message]).sort(byId), failed: [] }
            : { rejected: [], failed: refusedIds.map((id) => [id, refusal.kind, refusal.code]).sort(byId) },
        );
        const refused = new Set(refusedIds);
        expect(sortedIds(await harness.readBack())).toEqual(sortedIds(envelopes.filter((e) => !refused.has(e.eventId))));

        // What failed (as opposed to rejected for good) is retried: resending it holds every event once.
        const retry = envelopes.filter((e) => result.failed.some((f) => f.eventId === e.eventId));
        expect(await harness.sink.deliver(retry)).toEqual({ rejected: [], failed: [] });
        const expectedHeld = refusal.reportedAs === 'failed' ? envelopes : envelopes.filter((e) => !refused.has(e.eventId));
        expect(sortedIds(await harness.readBack())).toEqual(sortedIds(expectedHeld));
      });
    });
  });
}
