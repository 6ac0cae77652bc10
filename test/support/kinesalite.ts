import type { AddressInfo } from 'node:net';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { FAKE_CREDENTIALS } from './fake-credentials';
import kinesalite from 'kinesalite';

/** One record as read back from a stream. */
export interface StreamRecord {
  shardId: string;
  sequenceNumber: string;
  partitionKey: string;
  /** The record's Data as UTF-8 text. */
  data: string;
}

/** An in-memory kinesalite on a loopback port, with helpers to create streams and read them whole. */
export interface Kinesalite {
  endpoint: string;
  /** Builds a client for this kinesalite (HTTP/1.1, fake credentials). */
  client(options?: { maxAttempts?: number }): KinesisClient;
  /** Creates a stream and waits until it is ACTIVE. */
  createStream(name: string, shardCount: number): Promise<void>;
  /** Every record of every shard, each shard read from TRIM_HORIZON in sequence order. */
  readAll(name: string): Promise<StreamRecord[]>;
  close(): Promise<void>;
}

const decoder = new TextDecoder();

/** Starts kinesalite in memory on `127.0.0.1` and a free port. */
export async function startKinesalite(): Promise<Kinesalite> {
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 50 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = (options: { maxAttempts?: number } = {}): KinesisClient =>
    new KinesisClient({ region: 'us-east-1', endpoint, credentials: FAKE_CREDENTIALS, requestHandler: new NodeHttpHandler(), maxAttempts: options.maxAttempts ?? 1 });
  const admin = client({ maxAttempts: 3 });

  return {
    endpoint,
    client,
    async createStream(name, shardCount) {
      await admin.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
      for (let i = 0; i < 100; i += 1) {
        const summary = await admin.send(new DescribeStreamSummaryCommand({ StreamName: name }));
        if (summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`stream ${name} did not become ACTIVE`);
    },
    async readAll(name) {
      const records: StreamRecord[] = [];
      const { Shards: shards = [] } = await admin.send(new ListShardsCommand({ StreamName: name }));
      for (const shard of shards) {
        const shardId = shard.ShardId as string;
        const start = await admin.send(new GetShardIteratorCommand({ StreamName: name, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }));
        let iterator = start.ShardIterator;
        while (iterator) {
          const page = await admin.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10000 }));
          const batch = page.Records ?? [];
          for (const record of batch) {
            records.push({
              shardId,
              sequenceNumber: record.SequenceNumber as string,
              partitionKey: record.PartitionKey as string,
              data: decoder.decode(record.Data),
            });
          }
          iterator = batch.length > 0 ? page.NextShardIterator : undefined;
        }
      }
      return records;
    },
    async close() {
      admin.destroy();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
