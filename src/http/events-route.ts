import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessControl } from '../access/access-control';
import { detectClientSdk } from '../legacy/client-sdk';
import type { ClientSdk } from '../legacy/types';
import type { Logger } from '../logger';
import type { RequestMetrics } from '../metrics/request-metrics';
import { errorFields } from '../error-fields';
import { createLogThrottle, type LogThrottle } from '../log-throttle';
import type { Ingest } from '../pipeline/ingest';
import { PayloadTooLargeError, ProxyError, RetryLaterError } from '../errors';
import type { Recorder } from '../recording/recorder';
import type { Cors } from './cors';
import { toLegacyResponse } from './legacy-response';
import { readBody } from './read-body';

/** What the events route needs. */
export interface EventsRouteDeps {
  ingest: Ingest;
  cors: Cors;
  bodyLimit: number;
  /** Requests being received or worked on at once; beyond it, "retry later" without reading the body. */
  maxConcurrentUploads: number;
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

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A handler on Node's own request and response, so it runs with or without Express. */
export type EventsHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** How often a repeating warning (retry later, an unexpected error) is written in full, ms. */
const WARNING_INTERVAL_MS = 10_000;

/** More uploads than `MAX_CONCURRENT_UPLOADS` are in work: retry later, counted apart from a full spool. */
class TooManyUploadsError extends RetryLaterError {
  constructor(limit: number) {
    super(`More than ${limit} requests are being received; retry later.`);
  }

  override get reason(): string {
    return 'too_many_uploads';
  }
}

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
  const { ingest, cors, bodyLimit, maxConcurrentUploads, logger, now, recorder, access, metrics } = deps;
  const log = createRequestLog(logger);
  let uploads = 0;
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
    const admitted = uploads < maxConcurrentUploads;
    if (admitted) uploads += 1;
    try {
      if (!admitted) throw new TooManyUploadsError(maxConcurrentUploads);
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
      if (admitted) uploads -= 1;
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
    log({ requestId, status: answer.status, sdk, events, started, outcome });
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

interface RequestLogEntry {
  requestId: string;
  status: number;
  sdk: ClientSdk;
  events: number;
  started: number;
  outcome: unknown;
}

/**
 * One line per request at info (never payloads or device ids). Conditions that can repeat for
 * every request are also warned about, without stacks and at a bounded rate with counts: "retry
 * later" (a full or unwritable spool, a refusing destination in upstream mode); an unexpected
 * error, our own bug, is logged at error with its stack, also at a bounded rate.
 */
function createRequestLog(logger: Logger): (entry: RequestLogEntry) => void {
  const retryLater: LogThrottle = createLogThrottle(logger, 'warn', 'answering retry later', WARNING_INTERVAL_MS);
  const unexpected: LogThrottle = createLogThrottle(logger, 'warn', 'unexpected error answered as retry later', WARNING_INTERVAL_MS);
  return (entry) => {
    const fields = {
      requestId: entry.requestId,
      status: entry.status,
      clientKind: entry.sdk.kind,
      events: entry.events,
      latencyMs: Math.round((performance.now() - entry.started) * 10) / 10,
    };
    const { outcome } = entry;
    if (outcome === 'accepted') {
      logger.info('request', fields);
      return;
    }
    if (outcome instanceof ProxyError) {
      logger.info('request', { ...fields, error: outcome.code, reason: outcome.message });
      if (outcome instanceof RetryLaterError) retryLater.note({ reason: outcome.message, cause: outcome.cause === undefined ? undefined : errorFields(outcome.cause).code });
      return;
    }
    const err = outcome instanceof Error ? outcome : new Error(String(outcome));
    logger.info('request', { ...fields, error: 'InternalError' });
    if (unexpected.total() === 0 || logger.isDebugEnabled()) logger.error('unexpected error', { error: err.name, reason: err.message, stack: err.stack });
    unexpected.note({ error: err.name, reason: err.message });
  };
}
