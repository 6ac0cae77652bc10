import { Router, type Request, type Response } from 'express';
import { formatDay } from '../kpis/days';
import { answerEventType, answerKpi, kpiOfPath, KpiRequestError, parseKpiQuery, type KpiAnswer, type KpiName } from '../kpis/kpi-catalogue';
import type { KpiQueries } from '../kpis/kpi-queries';
import { errorFields } from '../error-fields';
import type { Logger } from '../logger';
import { sendJsonError, sendRevalidatedJson } from './revalidated-json';

/** What the KPI routes read: the store's queries (undefined when there is no local store), today's day and a logger. */
export interface KpiRoutesDeps {
  kpis: KpiQueries | undefined;
  /** Today as a UTC day number: where a range without `to` ends. */
  today: () => number;
  logger: Logger;
}

/** A path that names no KPI: 404, not 400, since the resource does not exist. */
class UnknownKpiError extends KpiRequestError {}

/** The KPI a request path names, or an `UnknownKpiError` listing the known paths. */
function knownKpi(path: string): KpiName {
  try {
    return kpiOfPath(path);
  } catch (err: unknown) {
    if (err instanceof KpiRequestError) throw new UnknownKpiError(err.message);
    throw err;
  }
}

/** The 503's message: where the numbers would come from, so the operator knows what to configure. */
const NO_STORE =
  'no local store: the KPIs are computed from the events the local sink stores in DATA_DIR/events.db (SINK=local, or import history with ma2pinpoint import), and there was none at start-up';

/**
 * The KPI JSON API (the Mobile Analytics Querying API's paths, plus ours), over `KpiQueries`:
 *
 * - `GET /apps`: `{"apps":[{"app","firstDay","lastDay","events"}]}`
 * - `GET /kpis/{path}` for every path of `KPI_PATHS`, and `GET /events/{name}/count`, with
 *   `?app=&from=&to=` (inclusive `YYYY-MM-DD` days): the answers of `kpi-catalogue.ts`.
 *
 * A bad query is 400 and an unknown KPI 404, each with a message saying what is accepted; a
 * store that fails is 500, logged with its cause (never the query's app or the store's data).
 */
export function createKpiRouter(deps: KpiRoutesDeps): Router {
  const { kpis, today, logger } = deps;
  const router = Router();

  /** Answers with `answer(queries)`, or the error response its failure calls for. */
  const respond = (request: Request, response: Response, answer: (queries: KpiQueries) => unknown): void => {
    if (kpis === undefined) {
      sendJsonError(response, 503, NO_STORE);
      return;
    }
    let body: unknown;
    try {
      body = answer(kpis);
    } catch (err: unknown) {
      if (err instanceof KpiRequestError) {
        sendJsonError(response, err instanceof UnknownKpiError ? 404 : 400, err.message);
        return;
      }
      const { name, code, message } = errorFields(err);
      logger.error('kpi query failed', { path: request.path, error: name, code, reason: message });
      sendJsonError(response, 500, 'the local store could not answer; the service log says why');
      return;
    }
    sendRevalidatedJson(request, response, body);
  };

  router.get('/apps', (request, response) => {
    respond(request, response, (queries) => ({
      apps: queries.apps().map((a) => ({ app: a.appId, firstDay: formatDay(a.firstDay), lastDay: formatDay(a.lastDay), events: a.events })),
    }));
  });

  router.get(['/kpis', '/kpis/*path'], (request, response) => {
    respond(request, response, (queries): KpiAnswer => answerKpi(queries, knownKpi(request.path), parseKpiQuery(request.query, today())));
  });

  router.get('/events/:name/count', (request, response) => {
    respond(request, response, (queries) => answerEventType(queries, request.params.name, parseKpiQuery(request.query, today())));
  });

  return router;
}
