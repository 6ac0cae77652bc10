import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Express } from 'express';
import type { EventsHandler } from './events-route';
import type { IngestHandler } from './ingest-exchange';
import { PINPOINT_PATH_PREFIX } from '../pinpoint-api/pinpoint-operation';
import type { PinpointHandler } from './pinpoint-route';

/** The legacy PutEvents path; the only route legacy clients call. */
export const EVENTS_PATH = '/2014-06-05/events';

/** The server's limits on slow requests (the body limits are the ingest routes'). */
export interface ServerLimits {
  /** Time to receive a whole request; a stalled upload is answered 408 and closed. */
  requestTimeoutMs: number;
  /** Time to receive a request's headers. */
  headersTimeoutMs: number;
}

/** Longer than a load balancer's idle timeout (ALB: 60 s), so the proxy never closes a kept-alive connection first. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** The handlers that read request bodies themselves, on Node's own request and response. */
export interface IngestHandlers {
  /** `POST /2014-06-05/events`. */
  events: EventsHandler;
  /** Everything under `/v1/apps/` but CORS preflights. */
  pinpoint: PinpointHandler;
}

function isEventsRequest(request: IncomingMessage): boolean {
  return request.method === 'POST' && (request.url === EVENTS_PATH || request.url?.startsWith(`${EVENTS_PATH}?`) === true);
}

function isPinpointRequest(request: IncomingMessage): boolean {
  return request.method !== 'OPTIONS' && request.url?.startsWith(PINPOINT_PATH_PREFIX) === true;
}

/** The lean handler for a request, or undefined when Express serves it. */
function ingestHandlerOf(request: IncomingMessage, handlers: IngestHandlers): IngestHandler | undefined {
  if (isEventsRequest(request)) return handlers.events;
  if (isPinpointRequest(request)) return handlers.pinpoint;
  return undefined;
}

/**
 * The HTTP server: `POST /2014-06-05/events` and the Pinpoint API under `/v1/apps/` go straight to
 * their handlers on Node's own request/response, everything else (health, readiness, CORS
 * preflights, 404s) to Express.
 * Express's per-request work (router walk, request/response prototype swap) costs about as much
 * as the whole ingest, and the hot path needs none of it (see README, Performance).
 *
 * Slow clients are bounded: Node answers 408 to a request not received within
 * `requestTimeoutMs` (checked every second, not every 30 s as by default), and a client that
 * asks `Expect: 100-continue` gets `100 Continue` from the events handler only once the request's
 * head passed its checks: one refused (a body over the limit, too many uploads, the access checks)
 * never sends the body.
 */
export function createHttpServer(app: Express, handlers: IngestHandlers, limits: ServerLimits): Server {
  const route = (request: IncomingMessage, response: ServerResponse): void => {
    const handler = ingestHandlerOf(request, handlers);
    if (handler) {
      void handler(request, response);
      return;
    }
    app(request, response);
  };
  const server = createServer(
    {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      connectionsCheckingInterval: Math.min(1000, limits.requestTimeoutMs),
    },
    route,
  );
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    // The ingest handlers ask for the body themselves, once the request's head has passed its
    // checks (size, uploads in flight, access): a refused client then never sends the body.
    const handler = ingestHandlerOf(request, handlers);
    if (handler) {
      void handler(request, response);
      return;
    }
    response.writeContinue();
    app(request, response);
  });
  return server;
}
