import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { detectClientSdk } from '../legacy/client-sdk';
import type { ClientSdk } from '../legacy/types';
import type { Logger } from '../logger';
import type { Ingest } from '../pipeline/ingest';
import { PayloadTooLargeError, ProxyError } from '../errors';
import type { Cors } from './cors';
import { toLegacyResponse } from './legacy-response';
import { readBody } from './read-body';

/** What the events route needs. */
export interface EventsRouteDeps {
  ingest: Ingest;
  cors: Cors;
  bodyLimit: number;
  logger: Logger;
  /** Unix ms clock, injectable for tests. */
  now: () => number;
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A handler on Node's own request and response, so it runs with or without Express. */
export type EventsHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/**
 * `POST /2014-06-05/events`: the legacy PutEvents. Reads the raw body itself (no body-parser:
 * Content-Type is never trusted, and the hot path stays lean), runs the pipeline and writes the
 * answer chosen by `toLegacyResponse` for this client kind.
 */
export function createEventsHandler(deps: EventsRouteDeps): EventsHandler {
  const { ingest, cors, bodyLimit, logger, now } = deps;
  return async (request, response) => {
    const started = performance.now();
    const requestId = randomUUID();
    const sdk: ClientSdk = detectClientSdk(header(request, 'user-agent'), header(request, 'x-amz-user-agent'));
    let outcome: unknown = 'accepted';
    let events = 0;
    try {
      const body = await readBody(request, bodyLimit);
      events = await ingest({
        clientContext: header(request, 'x-amz-client-context'),
        clientContextEncoding: header(request, 'x-amz-client-context-encoding'),
        contentEncoding: header(request, 'content-encoding'),
        sdk,
        body,
        receivedAt: now(),
      });
    } catch (err: unknown) {
      outcome = err;
    }
    const answer = toLegacyResponse(outcome, sdk.kind);
    const headers: Record<string, string> = {
      ...answer.headers,
      ...cors.responseHeaders(header(request, 'origin')),
      'x-amzn-RequestId': requestId,
      'Content-Length': String(Buffer.byteLength(answer.body)),
    };
    if (outcome instanceof PayloadTooLargeError) headers['Connection'] = 'close';
    response.writeHead(answer.status, headers);
    response.end(answer.body);
    logRequest(logger, { requestId, status: answer.status, sdk, events, started, outcome });
  };
}

function logRequest(
  logger: Logger,
  entry: { requestId: string; status: number; sdk: ClientSdk; events: number; started: number; outcome: unknown },
): void {
  const fields = {
    requestId: entry.requestId,
    status: entry.status,
    clientKind: entry.sdk.kind,
    events: entry.events,
    latencyMs: Math.round((performance.now() - entry.started) * 10) / 10,
  };
  const { outcome } = entry;
  if (outcome === 'accepted') logger.info('request', fields);
  else if (outcome instanceof ProxyError && outcome.status < 500) {
    logger.info('request', { ...fields, error: outcome.code, reason: outcome.message });
  } else {
    // Whatever was thrown: log its Error fields if it is an object (a thrown primitive has none).
    const err: Partial<Error> = typeof outcome === 'object' && outcome !== null ? outcome : {};
    logger.error('request', { ...fields, error: err.name, reason: err.message, stack: err.stack });
  }
}
