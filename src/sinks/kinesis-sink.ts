import { KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { createEventStreamSerializer } from '../mapping/event-stream-json';
import type { EventSink } from './event-sink';
import { createRecordBatchSink, type RecordBatchLimits, type RecordBatchSinkOptions } from './record-batch-sink';

/** Kinesis `PutRecords` quotas: 500 records, 1 MiB per record and 5 MiB per call, partition keys included. */
const KINESIS_LIMITS: RecordBatchLimits = { maxRecords: 500, maxBatchBytes: 5 * 1024 * 1024, maxRecordBytes: 1024 * 1024 };

/** What the Kinesis sink needs; the composition root builds the client. */
export interface KinesisSinkOptions extends RecordBatchSinkOptions {
  client: KinesisClient;
  streamName: string;
}

/**
 * Writes each event as one Pinpoint event-stream record (UTF-8 JSON, no newline) with
 * `PutRecords`. The partition key is the endpoint id, so one device's events stay on one shard
 * in order, as consumers of Pinpoint's own stream expect. Only records with an `ErrorCode` are
 * reported failed, so a partial failure retries just those.
 */
export function createKinesisSink(options: KinesisSinkOptions): EventSink {
  const { client, streamName } = options;
  const toRecordJson = createEventStreamSerializer();
  return createRecordBatchSink<PutRecordsRequestEntry>(
    {
      name: 'kinesis',
      limits: KINESIS_LIMITS,
      toEntry(envelope) {
        const data = Buffer.from(toRecordJson(envelope), 'utf8');
        const partitionKey = envelope.endpointId;
        return { entry: { Data: data, PartitionKey: partitionKey }, bytes: data.length + Buffer.byteLength(partitionKey, 'utf8') };
      },
      async put(entries) {
        const response = await client.send(new PutRecordsCommand({ StreamName: streamName, Records: entries }));
        return { failedCount: response.FailedRecordCount ?? 0, records: response.Records ?? [] };
      },
      close: () => {
        client.destroy();
      },
    },
    options,
  );
}
