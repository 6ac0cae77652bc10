import { Router } from 'express';
import type { Observability } from '../metrics/service-metrics';

/**
 * `GET /metrics`: the Prometheus text of the service's registry (its own content type, never
 * cached); `GET /status`: the service's state as JSON (`ServiceStatus`). Both sit behind the
 * admin token; a scrape that fails reaches the admin app's error answer (500, logged).
 */
export function createMetricsRouter(observability: Observability): Router {
  const router = Router();
  router.get('/metrics', async (_request, response) => {
    const { contentType, text } = await observability.expose();
    response.status(200).setHeader('Cache-Control', 'no-store');
    response.type(contentType).send(text);
  });
  router.get('/status', (_request, response) => {
    response.status(200).setHeader('Cache-Control', 'no-store');
    response.json(observability.status());
  });
  return router;
}
