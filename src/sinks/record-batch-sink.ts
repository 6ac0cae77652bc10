import type { Logger } from '../logger';
import type { EventEnvelope } from '../mapping/event-envelope';
import { allFailed, deliveredAll, type DeliveryResult, type EventSink } from './event-sink';
import type { QuotaPacer } from './quota-pacer';
import { SinkError, classifySdkError } from './sink-error';

/** The size limits of one batch call, in records and bytes as the service counts them. */
export interface RecordBatchLimits {
  maxRecords: number;
  maxBatchBytes: number;
  maxRecordBytes: number;
}

/** The verdict on one record of a batch call (Kinesis `Records[i]`, Firehose `RequestResponses[i]`). */
export interface RecordOutcome {
  ErrorCode?: string;
  ErrorMessage?: string;
}

/** A batch call's answer: the failure count and the per-record verdicts, in request order. */
export interface BatchOutcome {
  failedCount: number;
  records: ReadonlyArray<RecordOutcome | undefined>;
}

/**
 * What differs between the Kinesis and Firehose sinks: the request entry of an event and the
 * batch call. Everything else (splitting by count and bytes, reading per-record verdicts,
 * classifying errors) is shared, so both sinks retry exactly the records that failed.
 */
export interface RecordBatchTransport<Entry> {
  name: string;
  limits: RecordBatchLimits;
  /** The request entry of one event and its size as counted against the limits. */
  toEntry(envelope: EventEnvelope): { entry: Entry; bytes: number };
  /** Sends one batch; throws if the whole call failed. */
  put(entries: Entry[]): Promise<BatchOutcome>;
  close(): void;
}

/** What every batch sink shares: where it logs, and what paces its calls (durable mode). */
export interface RecordBatchSinkOptions {
  logger: Logger;
  pacer?: QuotaPacer;
}

interface Encoded<Entry> {
  eventId: string;
  entry: Entry;
  bytes: number;
}

/** Greedy split into batches that respect the record-count and total-byte limits, in order. */
export function splitIntoBatches<T extends { bytes: number }>(items: readonly T[], limits: RecordBatchLimits): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (current.length > 0 && (current.length === limits.maxRecords || bytes + item.bytes > limits.maxBatchBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * A record's error code, classified like a thrown SDK error (throughput exceeded → throttled,
 * InternalFailure / ServiceUnavailable → transient, KMS access denied → forbidden). Unknown codes
 * come out transient: a record the service did not take is retried, never dropped.
 */
export function classifyRecordError(code: string, message: string | undefined): SinkError {
  return classifySdkError({ name: code, message: message ?? code });
}

/**
 * An EventSink over a batch-put transport (Kinesis `PutRecords`, Firehose `PutRecordBatch`).
 * Records over the per-record limit can never be taken, so they are rejected; batches are sent
 * one after the other, each paced by the pacer, so that a device's events keep their order. A record without a verdict
 * counts as failed when the call reported failures, and as delivered otherwise.
 */
export function createRecordBatchSink<Entry>(transport: RecordBatchTransport<Entry>, options: RecordBatchSinkOptions): EventSink {
  const { name, limits } = transport;
  const { logger, pacer } = options;
  const sendBatch = async (batch: Array<Encoded<Entry>>, result: DeliveryResult): Promise<void> => {
    const eventIds = batch.map((item) => item.eventId);
    let outcome: BatchOutcome;
    const entries = batch.map((item) => item.entry);
    try {
      outcome = await (pacer ? pacer.run(() => transport.put(entries)) : transport.put(entries));
    } catch (err: unknown) {
      const error = classifySdkError(err);
      logger.warn(`${name} batch call failed`, { kind: error.kind, code: error.code, reason: error.message, events: batch.length });
      result.failed.push(...allFailed(eventIds, error).failed);
      return;
    }
    const codes = new Map<string, number>();
    batch.forEach((item, index) => {
      const record = outcome.records[index];
      const error = record
        ? record.ErrorCode && classifyRecordError(record.ErrorCode, record.ErrorMessage)
        : outcome.failedCount > 0 && new SinkError('transient', `${name} returned no verdict for this record`, 'MissingRecordResult');
      if (!error) return;
      result.failed.push({ eventId: item.eventId, error });
      codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
    });
    if (codes.size > 0) logger.warn(`${name} records failed`, { events: batch.length, failed: Object.fromEntries(codes) });
  };
  return {
    name,
    maxBatchEvents: limits.maxRecords,
    async deliver(envelopes: readonly EventEnvelope[]): Promise<DeliveryResult> {
      const result = deliveredAll();
      const encoded: Array<Encoded<Entry>> = [];
      for (const envelope of envelopes) {
        const { entry, bytes } = transport.toEntry(envelope);
        if (bytes > limits.maxRecordBytes) {
          const message = `record of ${bytes} bytes exceeds the ${name} limit of ${limits.maxRecordBytes}`;
          logger.warn(`${name} record too large`, { eventId: envelope.eventId, bytes });
          result.rejected.push({ eventId: envelope.eventId, message });
        } else {
          encoded.push({ eventId: envelope.eventId, entry, bytes });
        }
      }
      for (const batch of splitIntoBatches(encoded, limits)) await sendBatch(batch, result);
      return result;
    },
    async close() {
      transport.close();
    },
  };
}
