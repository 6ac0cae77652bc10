import type { Server } from 'node:http';
import express, { type Express } from 'express';
import type { AccessControl } from './access/access-control';
import type { Logger } from './logger';
import type { RequestMetrics } from './metrics/request-metrics';
import type { Ingest } from './pipeline/ingest';
import type { Recorder } from './recording/recorder';
import type { Cors } from './http/cors';
import { createEventsHandler, type EventsHandler } from './http/events-route';
import { createReadyHandler, healthHandler, type Readiness } from './http/health-routes';
import { createHttpServer, EVENTS_PATH, type ServerLimits } from './http/server';

export { EVENTS_PATH };

/** Everything the HTTP app needs, built by the composition root (`deps.ts`). */
export interface AppDeps extends ServerLimits {
  ingest: Ingest;
  cors: Cors;
  maxConcurrentUploads: number;
  logger: Logger;
  now: () => number;
  readiness: () => Readiness;
  /** Gets every answered events request (the no-op recorder without `RECORD_DIR`). */
  recorder: Recorder;
  /** Who may write: allowlist, rate limits, device signatures (checks nothing when all are off). */
  access: AccessControl;
  /** The service's request metrics. */
  metrics: RequestMetrics;
}

/** Builds the Express app. It never listens and never reads the environment. */
export function createApp(deps: AppDeps, events: EventsHandler = createEventsHandler(deps)): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.post(EVENTS_PATH, events);
  app.options(EVENTS_PATH, (request, response) => {
    const headers = deps.cors.preflightHeaders(request.headers.origin);
    response.writeHead(headers ? 204 : 403, headers ?? {});
    response.end();
  });
  app.get('/healthz', healthHandler);
  app.get('/readyz', createReadyHandler(deps.readiness));
  return app;
}

/** The service's HTTP server: the events route on a lean path, the rest through Express. */
export function createServiceServer(deps: AppDeps): Server {
  const events = createEventsHandler(deps);
  return createHttpServer(createApp(deps, events), events, deps);
}
