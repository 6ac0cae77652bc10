import type { Server } from 'node:http';
import express, { type Express } from 'express';
import type { AccessControl } from './access/access-control';
import type { Logger } from './logger';
import type { RequestMetrics } from './metrics/request-metrics';
import type { Ingest } from './pipeline/ingest';
import type { PinpointIngest } from './pipeline/pinpoint-ingest';
import type { Recorder } from './recording/recorder';
import type { Cors } from './http/cors';
import { createEventsHandler } from './http/events-route';
import { createReadyHandler, healthHandler, type Readiness } from './http/health-routes';
import { createPinpointHandler } from './http/pinpoint-route';
import { createHttpServer, EVENTS_PATH, type IngestHandlers, type ServerLimits } from './http/server';
import { createUploadSlots } from './http/upload-slots';

export { EVENTS_PATH };

/** Everything the HTTP app needs, built by the composition root (`deps.ts`). */
export interface AppDeps extends ServerLimits {
  ingest: Ingest;
  /** The Pinpoint-native API (PutEvents, UpdateEndpoint, GetEndpoint) over the same acceptor. */
  pinpoint: PinpointIngest;
  /** `BODY_LIMIT`: the largest legacy body as sent; an `Expect: 100-continue` declaring more is answered 413 at once. */
  bodyLimit: number;
  /** `PINPOINT_BODY_LIMIT`: the largest Pinpoint-native body as sent. */
  pinpointBodyLimit: number;
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

/** The two ingest routes' handlers, sharing one bound on uploads in work (`MAX_CONCURRENT_UPLOADS`). */
function createIngestHandlers(deps: AppDeps): IngestHandlers {
  const uploads = createUploadSlots(deps.maxConcurrentUploads);
  return { events: createEventsHandler({ ...deps, uploads }), pinpoint: createPinpointHandler({ ...deps, uploads, bodyLimit: deps.pinpointBodyLimit }) };
}

/** Every path under `/v1/apps/` (`PINPOINT_PATH_PREFIX`): the Pinpoint route answers unknown operations itself, in Pinpoint's shape. */
const PINPOINT_PATHS = /^\/v1\/apps\//;

/** Builds the Express app. It never listens and never reads the environment. */
export function createApp(deps: AppDeps, handlers: IngestHandlers = createIngestHandlers(deps)): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.post(EVENTS_PATH, handlers.events);
  const preflight = (methods: string) => (request: express.Request, response: express.Response) => {
    const headers = deps.cors.preflightHeaders(request.headers.origin, methods);
    response.writeHead(headers ? 204 : 403, headers ?? {});
    response.end();
  };
  app.options(EVENTS_PATH, preflight('POST, OPTIONS'));
  // Browsers (Amplify JS) call PutEvents, UpdateEndpoint and GetEndpoint cross-origin.
  app.options(PINPOINT_PATHS, preflight('GET, POST, PUT, OPTIONS'));
  app.all(PINPOINT_PATHS, handlers.pinpoint);
  app.get('/healthz', healthHandler);
  app.get('/readyz', createReadyHandler(deps.readiness));
  return app;
}

/** The service's HTTP server: the ingest routes on a lean path, the rest through Express. */
export function createServiceServer(deps: AppDeps): Server {
  const handlers = createIngestHandlers(deps);
  return createHttpServer(createApp(deps, handlers), handlers, deps);
}
