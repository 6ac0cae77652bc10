import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessControl } from '../access/access-control';
import { detectClientSdk } from '../legacy/client-sdk';
import type { ClientSdk } from '../legacy/types';
import type { Logger } from '../logger';
import type { RequestMetrics } from '../metrics/request-metrics';
import type { Ingest } from '../pipeline/ingest';
import { PayloadTooLargeError } from '../errors';
import type { Recorder } from '../recording/recorder';
import type { Cors } from './cors';
import { toLegacyResponse } from './legacy-response';
import { header } from './headers';
import { readBody } from './read-body';
import { createRequestLog } from './request-log';
import type { UploadSlots } from './upload-slots';

/** What the events route needs. */
export interface EventsRouteDeps {
  ingest: Ingest;
  cors: Cors;
  bodyLimit: number;
  /** Requests being received or worked on at once, shared with the Pinpoint route; none free: "retry later" without reading the body. */
  uploads: UploadSlots;
  logger: Logger;
  /** Unix ms clock, injectable for tests. */
  now: () => number;
  /** Gets each request once it is answered; never awaited. */
  recorder: Recorder;
  /** Allowlist and rate limits before the body is read, the device's signature after. */
  access: AccessControl;
  /** Told of each answered request: status, client kind, time, bytes, events or refusal. */
  metrics: RequestMetrics;
}


/** A handler on Node's own request and response, so it runs with or without Express. */
export type EventsHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/**
 * `POST /2014-06-05/events`: the legacy PutEvents. Reads the raw body itself (no body-parser:
 * Content-Type is never trusted, and the hot path stays lean), runs the pipeline and writes the
 * answer chosen by `toLegacyResponse` for this client kind. At most `maxConcurrentUploads`
 * requests are read and worked on at once: past that, stalled or slow uploads cannot pile up
 * memory, and the next client is told to retry later before its body is read. The access checks
 * (`src/access/`) refuse a request from its headers before its body is read (the app id
 * allowlist, what its signature says, the rate limits), and check its signature over the body
 * before ingest, so a refused request stores nothing. Once the answer is written, the request
 * (its body as read, by reference) goes to the recorder, which queues it.
 */
export function createEventsHandler(deps: EventsRouteDeps): EventsHandler {
  const { ingest, cors, bodyLimit, uploads, logger, now, recorder, access, metrics } = deps;
  const log = createRequestLog(logger);
  return async (request, response) => {
    const started = performance.now();
    const requestId = randomUUID();
    const sdk: ClientSdk = detectClientSdk(header(request, 'user-agent'), header(request, 'x-amz-user-agent'));
    let outcome: unknown = 'accepted';
    let events = 0;
    // When the request was received: once its body is read, the arrival time its events get; a
    // recording keeps the same time, so what a replay's dry run maps from it is what ingest mapped.
    let receivedAt = now();
    let body: Buffer | null = null;
    let admitted = false;
    try {
      uploads.take();
      admitted = true;
      const checkBody = access.admit({ method: request.method ?? 'POST', url: request.url ?? '', headers: request.headers });
      // A client waiting for `100 Continue` (see server.ts) is asked for its body only now, and
      // not when it declared more than the limit: `readBody` refuses that without reading.
      if (header(request, 'expect')?.toLowerCase() === '100-continue' && !(Number(header(request, 'content-length')) > bodyLimit)) {
        response.writeContinue();
      }
      body = await readBody(request, bodyLimit);
      receivedAt = now();
      checkBody(body);
      events = await ingest({
        clientContext: header(request, 'x-amz-client-context'),
        clientContextEncoding: header(request, 'x-amz-client-context-encoding'),
        contentEncoding: header(request, 'content-encoding'),
        sdk,
        body,
        receivedAt,
      });
    } catch (err: unknown) {
      outcome = err;
    } finally {
      if (admitted) uploads.release();
    }
    const answer = toLegacyResponse(outcome, sdk.kind);
    const headers: Record<string, string> = {
      ...answer.headers,
      ...cors.responseHeaders(header(request, 'origin')),
      'x-amzn-RequestId': requestId,
      'Content-Length': String(Buffer.byteLength(answer.body)),
    };
    // A body that was not (or not all) read (too many uploads, refused by the access checks, too
    // large) must not be taken for the next request on the connection.
    if (outcome instanceof PayloadTooLargeError || body === null) headers['Connection'] = 'close';
    response.writeHead(answer.status, headers);
    response.end(answer.body);
    recorder.record({
      receivedAt,
      method: request.method ?? 'POST',
      url: request.url ?? '',
      rawHeaders: request.rawHeaders,
      body,
      status: answer.status,
      requestId,
      clientKind: sdk.kind,
    });
    log({ requestId, status: answer.status, clientKind: sdk.kind, events, started, outcome });
    metrics.answered({
      status: answer.status,
      clientKind: sdk.kind,
      durationSeconds: (performance.now() - started) / 1000,
      bodyBytes: body?.length ?? 0,
      events,
      outcome,
    });
  };
}
