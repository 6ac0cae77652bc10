import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { FAKE_CREDENTIALS } from './fake-credentials';

/** Firehose's documented PutRecordBatch limits, enforced so that a sink that exceeds them fails. */
const LIMITS = { records: 500, batchBytes: 4 * 1024 * 1024, recordBytes: 1000 * 1024 };

/** One record as the stand-in received it. */
export interface ReceivedRecord {
  /** 1-based number of the PutRecordBatch call that carried it. */
  call: number;
  stream: string;
  /** The decoded Data as UTF-8 text. */
  data: string;
  /** True when the stand-in answered it with a RecordId (it is "in the stream"). */
  accepted: boolean;
}

/** A per-record failure the stand-in answers with. */
export interface RecordFailure {
  code: string;
  message: string;
}

/** Chooses the records to fail: `attempt` counts earlier receipts of the same Data (0 the first time). */
export type RecordFailureRule = (data: string, attempt: number) => RecordFailure | undefined;

/** A whole-call failure: the HTTP status and the error code (`__type`). */
export interface CallFailure {
  status: number;
  code: string;
}

/**
 * A real HTTP server speaking the Firehose JSON 1.1 protocol for `PutRecordBatch`, on a loopback
 * port. It can fail chosen records or whole calls and records everything it received, so tests
 * can check that only failed records are sent again.
 */
export interface FirehoseStandIn {
  endpoint: string;
  /** Builds a client for this stand-in (HTTP/1.1, fake credentials, 1 attempt unless told). */
  client(options?: { maxAttempts?: number }): FirehoseClient;
  /** Every record of every call, in arrival order. */
  readonly received: ReceivedRecord[];
  /** Number of PutRecordBatch calls answered (failed ones included). */
  calls(): number;
  /** The Data of the records accepted into `stream`, in arrival order. */
  accepted(stream: string): string[];
  failRecords(rule: RecordFailureRule | undefined): void;
  /** Fails the next `count` calls whole. */
  failCalls(count: number, failure: CallFailure): void;
  close(): Promise<void>;
}

function readAll(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function answer(response: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': randomUUID(), 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

function fail(response: ServerResponse, status: number, code: string, message: string): void {
  answer(response, status, { __type: code, message });
}

/** Starts the stand-in on `127.0.0.1` and a free port; `streams` are the delivery streams that exist. */
export async function startFirehoseStandIn(streams: readonly string[]): Promise<FirehoseStandIn> {
  const received: ReceivedRecord[] = [];
  const receipts = new Map<string, number>();
  let calls = 0;
  let recordRule: RecordFailureRule | undefined;
  let callFailures: { remaining: number; failure: CallFailure } = { remaining: 0, failure: { status: 500, code: 'InternalFailure' } };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readAll(request);
    if (request.method !== 'POST' || request.url !== '/') return fail(response, 404, 'UnknownOperationException', 'POST / only');
    if (request.headers['x-amz-target'] !== 'Firehose_20150804.PutRecordBatch') {
      return fail(response, 400, 'UnknownOperationException', `unsupported target ${String(request.headers['x-amz-target'])}`);
    }
    if (request.headers['content-type'] !== 'application/x-amz-json-1.1') return fail(response, 400, 'SerializationException', 'wrong content type');
    const authorization = request.headers.authorization ?? '';
    if (!/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/firehose\/aws4_request,/.test(authorization)) {
      return fail(response, 400, 'MissingAuthenticationTokenException', 'request is not signed for firehose');
    }
    calls += 1;
    if (callFailures.remaining > 0) {
      callFailures.remaining -= 1;
      return fail(response, callFailures.failure.status, callFailures.failure.code, 'injected call failure');
    }
    const input = JSON.parse(body) as { DeliveryStreamName?: string; Records?: Array<{ Data?: string }> };
    const stream = input.DeliveryStreamName ?? '';
    if (!streams.includes(stream)) return fail(response, 400, 'ResourceNotFoundException', `Firehose ${stream} under account 000000000000 not found.`);
    const records = (input.Records ?? []).map((record) => Buffer.from(record.Data ?? '', 'base64'));
    const total = records.reduce((sum, data) => sum + data.length, 0);
    if (records.length < 1 || records.length > LIMITS.records || total > LIMITS.batchBytes || records.some((d) => d.length > LIMITS.recordBytes)) {
      return fail(response, 400, 'InvalidArgumentException', `batch of ${records.length} records and ${total} bytes is outside the limits`);
    }
    let failedPutCount = 0;
    const requestResponses = records.map((bytes) => {
      const data = bytes.toString('utf8');
      const attempt = receipts.get(data) ?? 0;
      receipts.set(data, attempt + 1);
      const failure = recordRule?.(data, attempt);
      received.push({ call: calls, stream, data, accepted: !failure });
      if (!failure) return { RecordId: randomUUID() };
      failedPutCount += 1;
      return { ErrorCode: failure.code, ErrorMessage: failure.message };
    });
    answer(response, 200, { FailedPutCount: failedPutCount, Encrypted: false, RequestResponses: requestResponses });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((err: unknown) => fail(response, 500, 'InternalFailure', String(err)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint,
    client: (options = {}) =>
      new FirehoseClient({ region: 'us-east-1', endpoint, credentials: FAKE_CREDENTIALS, requestHandler: new NodeHttpHandler(), maxAttempts: options.maxAttempts ?? 1 }),
    received,
    calls: () => calls,
    accepted: (stream) => received.filter((r) => r.accepted && r.stream === stream).map((r) => r.data),
    failRecords(rule) {
      recordRule = rule;
    },
    failCalls(count, failure) {
      callFailures = { remaining: count, failure };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
