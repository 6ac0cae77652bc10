import path from 'node:path';
import type { PinpointClient, PutEventsCommand } from '@aws-sdk/client-pinpoint';
import { silentLogger } from '../../src/logger';
import { createPinpointSink } from '../../src/sinks/pinpoint-sink';
import { createQuotaPacer } from '../../src/sinks/quota-pacer';
import { requestRow } from '../../src/spool/spool-payload';
import { createFakeClock } from '../support/fake-clock';
import { sampleLegacyRequest } from '../support/legacy-requests';
import { openSpoolHarness, startHarnessForwarder } from '../support/spool-harness';
import { makeTempDir } from '../support/temp-dir';

/** The most calls any window of `windowMs` (starting at a call) holds. */
function busiestWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  return Math.max(0, ...sorted.map((start) => sorted.filter((t) => t >= start && t < start + windowMs).length));
}

describe('pacing per remote call', () => {
  it('keeps every rolling second within the quota when each batch holds two applications (one PutEvents per application)', async () => {
    const temp = makeTempDir();
    const clock = createFakeClock();
    const calls: Array<{ at: number; applicationId: string; events: number }> = [];
    const client = {
      send: (command: PutEventsCommand) => {
        const { ApplicationId, EventsRequest } = command.input;
        const events = Object.values(EventsRequest?.BatchItem ?? {}).reduce((n, item) => n + Object.keys(item.Events ?? {}).length, 0);
        calls.push({ at: clock.now(), applicationId: ApplicationId ?? '', events });
        return Promise.resolve({ EventsResponse: { Results: {} } });
      },
      destroy: () => undefined,
    } as unknown as PinpointClient;
    // As the service builds it with FORWARD_MAX_RPS=15.
    const sink = createPinpointSink({ client, logger: silentLogger, pacer: createQuotaPacer(15, clock) });
    const spool = openSpoolHarness(path.join(temp.dir, 'spool.db'), ['pinpoint'], 100_000, clock.now);
    const forwarder = startHarnessForwarder(spool, {
      sinks: [sink],
      concurrency: 4,
      clock,
    });
    try {
      // 60 requests of 25 events, alternating between two applications: every lease of 100
      // events holds both, so the sink makes two PutEvents calls per chunk.
      for (let i = 0; i < 60; i += 1) {
        const request = sampleLegacyRequest(`device-${i}`, 25, clock.now());
        request.clientContext.services.mobile_analytics.app_id = i % 2 === 0 ? 'app-one' : 'app-two';
        await spool.append(requestRow({ ...request, clientContextJson: JSON.stringify(request.clientContext), bodyJson: JSON.stringify(request.body) }));
      }
      forwarder.notify();
      await clock.runUntil(() => spool.storedEvents() === 0, { maxMs: 60_000 });
      expect(calls.reduce((n, c) => n + c.events, 0)).toBe(1500);
      expect(new Set(calls.map((c) => c.applicationId))).toEqual(new Set(['app-one', 'app-two']));
      expect(calls.length).toBeGreaterThanOrEqual(30);
      expect(busiestWindow(calls.map((c) => c.at), 1000)).toBeLessThanOrEqual(15);
    } finally {
      await forwarder.stop();
      spool.close();
      temp.remove();
    }
  });
});
