import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

/** A whole-call failure: the HTTP status and the error code (`__type`). */
export interface KinesisCallFailure {
  status: number;
  code: string;
  message?: string;
}

/** A per-record failure (`Records[i].ErrorCode` / `ErrorMessage`). */
export interface KinesisRecordFailure {
  code: string;
  message: string;
}

/** Chooses the records of a PutRecords call to fail, by their Data as UTF-8 text. */
export type KinesisRecordRule = (data: string) => KinesisRecordFailure | undefined;

/**
 * A loopback HTTP proxy in front of kinesalite that can make PutRecords fail on demand, since
 * kinesalite itself cannot: a whole call answered with a JSON 1.1 error, or chosen records
 * answered with an `ErrorCode` (those records are not forwarded, so the stream never holds them).
 * Every other request passes through untouched.
 */
export interface KinesisFaultProxy {
  /** `http://127.0.0.1:<port>`, the endpoint to give the sink's client. */
  url: string;
  /** Answers the next PutRecords call with this error instead of forwarding it. */
  failNextCall(failure: KinesisCallFailure): void;
  /** Fails the records `rule` picks in every later PutRecords call (until replaced or cleared). */
  failRecords(rule: KinesisRecordRule | undefined): void;
  /** PutRecords calls seen, failed ones included. */
  putRecordsCalls(): number;
  close(): Promise<void>;
}

const PUT_RECORDS = 'Kinesis_20131202.PutRecords';
const JSON_11 = 'application/x-amz-json-1.1';
/** Headers that describe one body on one connection; recomputed or dropped when a body is rewritten. */
const HOP_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'x-amz-crc32']);

interface PutRecordsBody {
  StreamName?: string;
  Records?: Array<{ Data?: string; PartitionKey?: string }>;
}

interface PutRecordsAnswer {
  FailedRecordCount?: number;
  Records?: Array<Record<string, unknown>>;
  EncryptionType?: string;
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function withoutHopHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_HEADERS.has(name.toLowerCase())) out[name] = value;
  }
  return out;
}

function sendJson(response: ServerResponse, status: number, body: object, headers: Record<string, string | string[]> = {}): void {
  const text = Buffer.from(JSON.stringify(body), 'utf8');
  response.writeHead(status, { 'x-amzn-RequestId': randomUUID(), ...headers, 'Content-Type': JSON_11, 'Content-Length': String(text.length) });
  response.end(text);
}

/** Starts the proxy on `127.0.0.1` and a free port, forwarding to kinesalite at `target`. */
export async function startKinesisFaultProxy(target: string): Promise<KinesisFaultProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  let nextCallFailure: KinesisCallFailure | undefined;
  let recordRule: KinesisRecordRule | undefined;
  let putRecordsCalls = 0;

  const forward = (request: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const out = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: request.method,
          path: request.url,
          agent,
          headers: { ...withoutHopHeaders(request.headers), 'content-length': String(body.length) },
        },
        (answer) => {
          readAll(answer).then((data) => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: data }), reject);
        },
      );
      out.on('error', reject);
      out.end(body);
    });

  /** PutRecords with some records failed here: forwards the others, then answers with every record's verdict in order. */
  const putRecordsWithFailures = async (request: IncomingMessage, response: ServerResponse, input: PutRecordsBody, rule: KinesisRecordRule): Promise<void> => {
    const records = input.Records ?? [];
    const verdicts = records.map((record) => rule(Buffer.from(record.Data ?? '', 'base64').toString('utf8')));
    if (verdicts.every((v) => v === undefined)) {
      const answer = await forward(request, Buffer.from(JSON.stringify(input), 'utf8'));
      response.writeHead(answer.status, withoutHopHeaders(answer.headers));
      response.end(answer.body);
      return;
    }
    const kept = records.filter((_, i) => verdicts[i] === undefined);
    let upstreamAnswer: PutRecordsAnswer = {};
    let answerHeaders: Record<string, string | string[]> = {};
    if (kept.length > 0) {
      const answer = await forward(request, Buffer.from(JSON.stringify({ ...input, Records: kept }), 'utf8'));
      if (answer.status !== 200) {
        // The stream refused the rest as a whole: pass that on as it is.
        response.writeHead(answer.status, withoutHopHeaders(answer.headers));
        response.end(answer.body);
        return;
      }
      upstreamAnswer = JSON.parse(answer.body.toString('utf8')) as PutRecordsAnswer;
      answerHeaders = withoutHopHeaders(answer.headers);
    }
    // Every record's verdict in request order: the injected failures, and kinesalite's answers for the rest.
    const keptResults = upstreamAnswer.Records ?? [];
    let k = 0;
    const merged = verdicts.map((failure) => (failure ? { ErrorCode: failure.code, ErrorMessage: failure.message } : (keptResults[k++] ?? {})));
    const failedHere = verdicts.filter((v) => v !== undefined).length;
    sendJson(response, 200, { ...upstreamAnswer, FailedRecordCount: (upstreamAnswer.FailedRecordCount ?? 0) + failedHere, Records: merged }, answerHeaders);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readAll(request);
    if (request.headers['x-amz-target'] === PUT_RECORDS) {
      putRecordsCalls += 1;
      const failure = nextCallFailure;
      if (failure) {
        nextCallFailure = undefined;
        sendJson(response, failure.status, { __type: failure.code, message: failure.message ?? `${failure.code} (injected by the fault proxy)` }, { 'x-amzn-ErrorType': failure.code });
        return;
      }
      if (recordRule) {
        await putRecordsWithFailures(request, response, JSON.parse(body.toString('utf8')) as PutRecordsBody, recordRule);
        return;
      }
    }
    const answer = await forward(request, body);
    response.writeHead(answer.status, withoutHopHeaders(answer.headers));
    response.end(answer.body);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((err: unknown) => {
      if (response.headersSent) response.destroy();
      else sendJson(response, 500, { __type: 'InternalFailure', message: `fault proxy: ${String(err)}` });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    failNextCall(failure) {
      nextCallFailure = failure;
    },
    failRecords(rule) {
      recordRule = rule;
    },
    putRecordsCalls: () => putRecordsCalls,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      agent.destroy();
    },
  };
}
