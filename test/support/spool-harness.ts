import type { LeasedEvent } from '../../src/forwarder/lease-events';
import { eventsOfLease } from '../../src/forwarder/lease-events';
import { toSettlement } from '../../src/forwarder/settlement';
import { startForwarder, type Forwarder, type ForwarderOptions } from '../../src/forwarder/forwarder';
import { silentLogger } from '../../src/logger';
import { mapLegacyRequest } from '../../src/mapping/map-legacy-request';
import { SinkError } from '../../src/sinks/sink-error';
import { createDeliveryQueue, type DeliveryQueue, type Lease, type Settlement } from '../../src/spool/delivery-queue';
import { createSpoolAppender, type AppendResult, type SpoolAppender } from '../../src/spool/spool-appender';
import { openSpoolDatabase } from '../../src/spool/spool-database';
import type { SpoolRow } from '../../src/spool/spool-payload';

/** A lease with its rows decoded to events, each with the row's attempts and origin. */
export interface DecodedLease extends Lease {
  events: Array<LeasedEvent & { attempts: number; fromRetry: boolean }>;
  undecodable: Settlement['undecodable'];
}

/** What a test says about a lease, by event id, as a sink would; errors written `Code: message`. */
export interface TestOutcome {
  rejected: Array<{ eventId: string; message: string }>;
  failed: Array<{ eventId: string; error: string }>;
  retryAt: number;
}

/**
 * Both sides of a spool file wired as the service wires them (an appender and a delivery queue,
 * each with its own connection, the appender's count following the queue's deletions), with the
 * delivery side's decoding and settlement, so tests read as one spool.
 */
export interface SpoolHarness {
  appender: SpoolAppender;
  queue: DeliveryQueue;
  append(row: SpoolRow): Promise<AppendResult>;
  storedEvents(): number;
  isFull(): boolean;
  freshBacklog: DeliveryQueue['freshBacklog'];
  nextRetryAt: DeliveryQueue['nextRetryAt'];
  lease(sink: string, maxEvents: number, fresh: boolean): DecodedLease | undefined;
  complete(lease: DecodedLease, outcome: TestOutcome): number;
  close(): void;
}

const mapRequest = (request: Parameters<typeof mapLegacyRequest>[0]) => mapLegacyRequest(request, new Map()).envelopes;

function sinkError(text: string): SinkError {
  const [code = 'Error', ...rest] = text.split(': ');
  return new SinkError('transient', rest.join(': '), code);
}

/** Opens both sides of the spool at `file` for `sinks`, on the clock `now`. */
export function openSpoolHarness(file: string, sinks: readonly string[], maxEvents: number, now: () => number): SpoolHarness {
  const appender = createSpoolAppender(openSpoolDatabase(file, 'normal', { checkpoints: false }), { maxEvents, maxBytes: 1024 ** 3 });
  const queue = createDeliveryQueue({ db: openSpoolDatabase(file, 'normal'), sinks, now });
  return {
    appender,
    queue,
    async append(row) {
      const result = await appender.append(row);
      queue.noteAppended(appender.lastAppendedSeq());
      return result;
    },
    storedEvents: () => appender.storedEvents(),
    isFull: () => appender.refusal() === 'full',
    freshBacklog: (sink, upTo) => queue.freshBacklog(sink, upTo),
    nextRetryAt: (sink) => queue.nextRetryAt(sink),
    lease(sink, maxEvents, fresh) {
      const lease = queue.lease(sink, maxEvents, fresh);
      if (!lease) return undefined;
      const decoded = eventsOfLease(lease, mapRequest);
      const rows = new Map(lease.rows.map((row) => [row.seq, row]));
      const events = decoded.events.map((e) => ({ ...e, attempts: rows.get(e.seq)?.attempts ?? 0, fromRetry: rows.get(e.seq)?.fromRetry ?? false }));
      return { ...lease, events, undecodable: decoded.undecodable };
    },
    complete(lease, outcome) {
      const result = { rejected: outcome.rejected, failed: outcome.failed.map((f) => ({ eventId: f.eventId, error: sinkError(f.error) })) };
      const deleted = queue.complete(lease, toSettlement(lease, result, outcome.retryAt));
      appender.noteDeleted(deleted);
      return deleted;
    },
    close() {
      queue.close();
      appender.close();
    },
  };
}

/** What a test chooses of a harness forwarder: its sinks and clock, and any option to change. */
export type HarnessForwarderOptions = Pick<ForwarderOptions, 'sinks' | 'clock'> & Partial<Omit<ForwarderOptions, 'queue' | 'onDeleted'>>;

/**
 * A forwarder on the harness's queue, wired as the service wires one: legacy rows mapped without
 * an app id map, the appender told of every deletion; one worker, no linger, quiet logs, unless
 * `options` says otherwise.
 */
export function startHarnessForwarder(spool: SpoolHarness, options: HarnessForwarderOptions): Forwarder {
  return startForwarder({
    queue: spool.queue,
    mapRequest,
    concurrency: 1,
    lingerMs: 0,
    logger: silentLogger,
    onDeleted: (events) => spool.appender.noteDeleted(events),
    ...options,
  });
}
