import express, { type Express } from 'express';
import type { Logger } from './logger';
import type { Ingest } from './pipeline/ingest';
import type { Cors } from './http/cors';
import { createEventsHandler } from './http/events-route';
import { createReadyHandler, healthHandler, type Readiness } from './http/health-routes';

/** Everything the HTTP app needs, built by the composition root (`deps.ts`). */
export interface AppDeps {
  ingest: Ingest;
  cors: Cors;
  bodyLimit: number;
  logger: Logger;
  now: () => number;
  readiness: () => Readiness;
}

/** The legacy PutEvents path; the only route legacy clients call. */
export const EVENTS_PATH = '/2014-06-05/events';

/** Builds the Express app. It never listens and never reads the environment. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.post(EVENTS_PATH, createEventsHandler(deps));
  app.options(EVENTS_PATH, (request, response) => {
    const headers = deps.cors.preflightHeaders(request.headers.origin);
    response.writeHead(headers ? 204 : 403, headers ?? {});
    response.end();
  });
  app.get('/healthz', healthHandler);
  app.get('/readyz', createReadyHandler(deps.readiness));
  return app;
}
