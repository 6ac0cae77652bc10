import { createServer, type Server } from 'node:http';
import express from 'express';
import { listenFromEnv } from './listen-from-env';

/**
 * What a quick Express 5 proxy costs before it does anything: `express.json()` made to accept
 * every legacy Content-Type and 1 MB bodies (it gunzips by itself), then `sendStatus(202)`.
 */
export function createNaiveExpressServer(): Server {
  const app = express();
  app.use(express.json({ type: () => true, limit: '1mb' }));
  app.post('/2014-06-05/events', (_request, response) => {
    response.sendStatus(202);
  });
  app.get('/healthz', (_request, response) => {
    response.sendStatus(200);
  });
  return createServer(app);
}

if (require.main === module) listenFromEnv(createNaiveExpressServer(), 'reference-express');
