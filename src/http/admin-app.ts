import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { KpiQueries } from '../kpis/kpi-queries';
import { errorFields } from '../error-fields';
import type { Logger } from '../logger';
import type { Observability } from '../metrics/service-metrics';
import { createAdminAuth } from './admin-auth';
import { createDashboardRouter } from './dashboard-routes';
import { createKpiRouter } from './kpi-routes';
import { createMetricsRouter } from './metrics-routes';
import { sendJsonError } from './revalidated-json';

/** What the admin app serves from. */
export interface AdminAppDeps {
  /** The store's KPI queries; undefined when there is no local store (the data routes answer 503). */
  kpis: KpiQueries | undefined;
  /** Today as a UTC day number (from the service's clock). */
  today: () => number;
  /** `ADMIN_TOKEN`: required by the data routes when set. */
  token: string | undefined;
  logger: Logger;
  /** The service's `/metrics` and `/status`; without it (an admin app over a store alone) they are not served. */
  observability?: Observability;
}

/**
 * One info line per admin request once it is answered: method, path (no query string), status
 * and time, in the ingest route's style; never the token or what was answered.
 */
function requestLog(logger: Logger): RequestHandler {
  return (request, response, next) => {
    const started = performance.now();
    const { method, path } = request;
    response.on('finish', () => {
      logger.info('admin request', { method, path, status: response.statusCode, latencyMs: Math.round((performance.now() - started) * 10) / 10 });
    });
    next();
  };
}

/** What no route matched, as JSON like every other admin answer. */
const notFound: RequestHandler = (request, response) => {
  sendJsonError(response, 404, `no such route: ${request.method} ${request.path}; the API has GET /apps, /kpis/…, /events/{name}/count, /metrics and /status`);
};

/**
 * Errors Express raised before a route answered (a path that is not valid percent-encoding is
 * its 400): JSON with the status it chose; anything else is our bug, logged and answered 500.
 */
function errorAnswer(logger: Logger): ErrorRequestHandler {
  return (err: unknown, request, response, next) => {
    if (response.headersSent) {
      next(err);
      return;
    }
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      sendJsonError(response, status, errorFields(err).message);
      return;
    }
    const { name, code, message } = errorFields(err);
    logger.error('admin request failed', { method: request.method, path: request.path, error: name, code, reason: message });
    sendJsonError(response, 500, 'the admin request failed; the service log says why');
  };
}

/**
 * The admin port's app, apart from the public ingest port: the dashboard first and without the
 * token (static files, no data; the page asks for the token when the API answers 401), then the
 * bearer-token check in front of every data route, then the KPI API, the Prometheus metrics
 * and the status. It never listens.
 */
export function createAdminApp(deps: AdminAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // The KPI answers carry their own strong ETags (`revalidated-json.ts`).
  app.set('etag', false);
  app.use(requestLog(deps.logger));
  app.use(createDashboardRouter());
  app.use(createAdminAuth(deps.token));
  app.use(createKpiRouter(deps));
  if (deps.observability) app.use(createMetricsRouter(deps.observability));
  app.use(notFound);
  app.use(errorAnswer(deps.logger));
  return app;
}
