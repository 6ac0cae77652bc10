import { FirehoseClient, PutRecordBatchCommand, type _Record as FirehoseRecord } from '@aws-sdk/client-firehose';
import { createEventStreamSerializer } from '../mapping/event-stream-json';
import type { EventSink } from './event-sink';
import { createRecordBatchSink, type RecordBatchLimits, type RecordBatchSinkOptions } from './record-batch-sink';

/** Firehose `PutRecordBatch` quotas: 500 records, 1,000 KiB per record and 4 MiB per call. */
const FIREHOSE_LIMITS: RecordBatchLimits = { maxRecords: 500, maxBatchBytes: 4 * 1024 * 1024, maxRecordBytes: 1000 * 1024 };

/** What the Firehose sink needs; the composition root builds the client. */
export interface FirehoseSinkOptions extends RecordBatchSinkOptions {
  client: FirehoseClient;
  deliveryStreamName: string;
}

/**
 * Writes each event as one Pinpoint event-stream record followed by `\n` with
 * `PutRecordBatch`: Firehose concatenates records, so the newline makes the S3 objects JSON
 * Lines. Only records whose `RequestResponses[i]` carries an `ErrorCode` are reported failed.
 */
export function createFirehoseSink(options: FirehoseSinkOptions): EventSink {
  const { client, deliveryStreamName } = options;
  const toRecordJson = createEventStreamSerializer();
  return createRecordBatchSink<FirehoseRecord>(
    {
      name: 'firehose',
      limits: FIREHOSE_LIMITS,
      toEntry(envelope) {
        const data = Buffer.from(`${toRecordJson(envelope)}\n`, 'utf8');
        return { entry: { Data: data }, bytes: data.length };
      },
      async put(entries) {
        const response = await client.send(new PutRecordBatchCommand({ DeliveryStreamName: deliveryStreamName, Records: entries }));
        return { failedCount: response.FailedPutCount ?? 0, records: response.RequestResponses ?? [] };
      },
      close: () => {
        client.destroy();
      },
    },
    options,
  );
}
