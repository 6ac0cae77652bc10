import type { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import type { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { silentLogger } from '../../src/logger';
import { createRequestMapper } from '../../src/mapping/request-mapper';
import type { EventSink } from '../../src/sinks/event-sink';
import { createFirehoseSink } from '../../src/sinks/firehose-sink';
import { createKinesisSink } from '../../src/sinks/kinesis-sink';
import { LONG_ATTRIBUTE, reportedEvent } from '../support/beyond-limits';
import { sampleClientContext } from '../support/legacy-requests';

/** A client stand-in that keeps each record's data and accepts every record. */
function recordingClient(): { client: unknown; records: () => unknown[] } {
  const data: Uint8Array[] = [];
  const client = {
    send: (command: PutRecordsCommand | PutRecordBatchCommand) => {
      for (const entry of command.input.Records ?? []) data.push(entry.Data as Uint8Array);
      return Promise.resolve({ FailedRecordCount: 0, FailedPutCount: 0, Records: [], RequestResponses: [] });
    },
    destroy: () => undefined,
  };
  return { client, records: () => data.map((d) => JSON.parse(Buffer.from(d).toString('utf8'))) };
}

const sinks: Array<[string, (client: unknown) => EventSink]> = [
  ['kinesis', (client) => createKinesisSink({ client: client as KinesisClient, streamName: 's', logger: silentLogger })],
  ['firehose', (client) => createFirehoseSink({ client: client as FirehoseClient, deliveryStreamName: 'd', logger: silentLogger })],
];

describe.each(sinks)('%s sink: legacy data beyond Pinpoint limits', (_name, build) => {
  it('writes the event as sent: all 45 attributes, the 1 000-character value and the metric', async () => {
    const request = {
      clientContext: { ...sampleClientContext('device-1'), env: { model: 'M'.repeat(150) } },
      body: { events: [reportedEvent()] },
      sdk: { kind: 'js' as const, name: 'aws-sdk-mobile-analytics-js', version: '0.9.2' },
      receivedAt: 1_795_339_800_000,
    };
    const [envelope] = createRequestMapper(new Map())(request);
    const { client, records } = recordingClient();
    const sink = build(client);
    expect(await sink.deliver([envelope!])).toEqual({ rejected: [], failed: [] });
    await sink.close();
    const [record] = records() as Array<{ event_id: string; attributes: Record<string, string>; metrics: Record<string, number>; device: { model: string } }>;
    expect(record?.event_id).toBe(envelope?.eventId);
    expect(record?.attributes).toEqual(reportedEvent().attributes);
    expect(Object.keys(record?.attributes ?? {})).toHaveLength(45);
    expect(record?.attributes[LONG_ATTRIBUTE]).toHaveLength(1000);
    expect(record?.metrics).toEqual({ score: 7 });
    expect(record?.device.model).toHaveLength(150);
  });
});
