import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import type { EventsHandler } from './events-route';

/** The legacy PutEvents path; the only route legacy clients call. */
export const EVENTS_PATH = '/2014-06-05/events';

/**
 * The HTTP server: `POST /2014-06-05/events` goes straight to its handler on Node's own
 * request/response, everything else (health, readiness, CORS preflight, 404s) to Express.
 * Express's per-request work (router walk, request/response prototype swap) costs about as much
 * as the whole ingest, and the hot path needs none of it (see README, Performance).
 */
export function createHttpServer(app: Express, events: EventsHandler): Server {
  return createServer((request, response) => {
    if (request.method === 'POST' && (request.url === EVENTS_PATH || request.url?.startsWith(`${EVENTS_PATH}?`))) {
      void events(request, response);
      return;
    }
    app(request, response);
  });
}
