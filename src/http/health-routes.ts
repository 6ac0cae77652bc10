import type { Request, Response } from 'express';

/** A readiness verdict with details for operators (`/readyz`). */
export interface Readiness {
  ready: boolean;
  details: Record<string, unknown>;
}

/** `GET /healthz`: the process is up and serving. */
export function healthHandler(_request: Request, response: Response): void {
  response.status(200).json({ status: 'ok' });
}

/** `GET /readyz`: 503 while the instance should not get traffic, so a load balancer drains it. */
export function createReadyHandler(check: () => Readiness): (request: Request, response: Response) => void {
  return (_request, response) => {
    const { ready, details } = check();
    response.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not-ready', ...details });
  };
}
