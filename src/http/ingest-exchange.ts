import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessControl } from '../access/access-control';
import type { BodyCheck } from '../access/sigv4-verifier';
import { PayloadTooLargeError } from '../errors';
import type { ClientKind } from '../legacy/types';
import type { Logger } from '../logger';
import type { RequestMetrics } from '../metrics/request-metrics';
import type { PinpointSenderKind } from '../pinpoint-api/pinpoint-sender';
import type { Recorder } from '../recording/recorder';
import type { Cors } from './cors';
import { header } from './headers';
import { declaresMoreThan, readBody } from './read-body';
import { createRequestLog } from './request-log';
import type { UploadSlots } from './upload-slots';
import type { WireAnswer } from '../wire-answer';


/** What both ingest routes need. */
export interface IngestRouteDeps {
  cors: Cors;
  /** The largest body as sent (`BODY_LIMIT` on the legacy route, `PINPOINT_BODY_LIMIT` on Pinpoint's). */
  bodyLimit: number;
  /** Requests being received or worked on at once, shared by both routes; none free: "retry later" without reading the body. */
  uploads: UploadSlots;
  logger: Logger;
  /** Unix ms clock, injectable for tests. */
  now: () => number;
  /** Gets each recorded request once it is answered; never awaited. */
  recorder: Recorder;
  /** Allowlist and rate limits before the body is read, the device's signature after. */
  access: AccessControl;
  /** Told of each answered request: status, client kind, time, bytes, events or refusal. */
  metrics: RequestMetrics;
}

/** What a route's work on a read body gives: its answer, and the events it accepted (and refused one by one). */
export interface IngestResult {
  answer: WireAnswer;
  events: number;
  refusedEvents?: number;
}

/** One request as its route sees it: who sent it, how it is admitted, worked and refused. */
export interface IngestExchange {
  readonly clientKind: ClientKind | PinpointSenderKind;
  /** The API operation, for the log (once `admit` has named it; the legacy route has none). */
  operation(): string | undefined;
  /** The checks of the request's head; throws a ProxyError to refuse it unread, or returns the check of its body. */
  admit(access: AccessControl): BodyCheck;
  /** The work on the read and checked body, `receivedAt` its arrival. */
  work(body: Buffer, receivedAt: number, requestId: string): Promise<IngestResult>;
  /** The answer to whatever the admission or the work threw. */
  refuse(outcome: unknown, requestId: string): WireAnswer;
  /** Whether the request goes to the recorder once answered (writes do, reads do not). */
  readonly recorded: boolean;
}

/** A handler on Node's own request and response, so it runs with or without Express. */
export type IngestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/**
 * The life of an ingest request, the same on both routes: an upload slot (none free: "retry
 * later" unread), the access checks on its head (a refused request is answered without its body
 * being read), `100 Continue` only then (see server.ts) and not when it declared more than the
 * limit (`readBody` refuses that unread), the body read within the limit, its signature checked,
 * the route's work; then the answer, with `Connection: close` when the body was not (all) read so
 * the rest is not taken for the next request; then the recorder (the body by reference), one log
 * line and the metrics. `receivedAt` is the arrival time the events get, and the recording keeps
 * it, so what a replay's dry run maps is what ingest mapped.
 */
export function createIngestHandler(deps: IngestRouteDeps, exchangeOf: (request: IncomingMessage) => IngestExchange): IngestHandler {
  const { cors, bodyLimit, uploads, logger, now, recorder, access, metrics } = deps;
  const log = createRequestLog(logger);
  return async (request, response) => {
    const started = performance.now();
    const requestId = randomUUID();
    const exchange = exchangeOf(request);
    let outcome: unknown = 'accepted';
    let result: IngestResult | undefined;
    let receivedAt = now();
    let body: Buffer | null = null;
    let admitted = false;
    try {
      uploads.take();
      admitted = true;
      const checkBody = exchange.admit(access);
      if (header(request, 'expect')?.toLowerCase() === '100-continue' && !declaresMoreThan(request, bodyLimit)) {
        response.writeContinue();
      }
      body = await readBody(request, bodyLimit);
      receivedAt = now();
      checkBody(body);
      result = await exchange.work(body, receivedAt, requestId);
    } catch (err: unknown) {
      outcome = err;
    } finally {
      if (admitted) uploads.release();
    }
    const answer = result?.answer ?? exchange.refuse(outcome, requestId);
    const headers: Record<string, string> = {
      ...answer.headers,
      ...cors.responseHeaders(header(request, 'origin')),
      'x-amzn-RequestId': requestId,
      'Content-Length': String(Buffer.byteLength(answer.body)),
    };
    if (outcome instanceof PayloadTooLargeError || body === null) headers['Connection'] = 'close';
    response.writeHead(answer.status, headers);
    response.end(answer.body);
    const { clientKind } = exchange;
    const method = request.method ?? 'POST';
    if (exchange.recorded) {
      recorder.record({ receivedAt, method, url: request.url ?? '', rawHeaders: request.rawHeaders, body, status: answer.status, requestId, clientKind });
    }
    const events = result?.events ?? 0;
    const operation = exchange.operation();
    log({ requestId, ...(operation === undefined ? {} : { operation }), status: answer.status, clientKind, events, refusedEvents: result?.refusedEvents, started, outcome });
    metrics.answered({ status: answer.status, clientKind, durationSeconds: (performance.now() - started) / 1000, bodyBytes: body?.length ?? 0, events, outcome });
  };
}
