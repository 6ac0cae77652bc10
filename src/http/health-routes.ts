import type { Request, Response } from 'express';

/**
 * A readiness verdict. `reason` is one word for the public `/readyz` (`spool-full`,
 * `spool-unwritable`); whatever explains it to an operator goes to the logs, never to the public
 * port, since it can hold upstream error text (account ids, role names).
 */
export interface Readiness {
  ready: boolean;
  reason?: string;
}

/** `GET /healthz`: the process is up and serving. */
export function healthHandler(_request: Request, response: Response): void {
  response.status(200).json({ status: 'ok' });
}

/** `GET /readyz`: 503 while the instance should not get traffic, so a load balancer drains it. */
export function createReadyHandler(check: () => Readiness): (request: Request, response: Response) => void {
  return (_request, response) => {
    const { ready, reason } = check();
    response.status(ready ? 200 : 503).json(ready ? { status: 'ready' } : { status: 'not-ready', reason });
  };
}
