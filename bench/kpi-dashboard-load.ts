import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdminApp } from '../src/http/admin-app';
import { formatDay, type DayRange } from '../src/kpis/days';
import { KPI_PATHS } from '../src/kpis/kpi-catalogue';
import type { KpiQueries } from '../src/kpis/kpi-queries';
import { silentLogger } from '../src/logger';

/** Browsers open at most six connections per origin over HTTP/1.1. */
const BROWSER_CONNECTIONS = 6;

/** GETs `path` and parses the JSON answer; anything but 200 is a failed load. */
function getJson(agent: Agent, base: string, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { agent, headers: { Accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 200) resolve(JSON.parse(text));
        else reject(new Error(`GET ${path}: ${res.statusCode ?? '?'} ${text.slice(0, 200)}`));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The admin app over a KPI store, listening on a free loopback port. */
export interface AdminServer {
  url: string;
  close(): Promise<void>;
}

/** Serves `createAdminApp` (no token, silent log) over `kpis` on 127.0.0.1. */
export async function startAdminServer(kpis: KpiQueries, today: number): Promise<AdminServer> {
  const server: Server = createServer(createAdminApp({ kpis, today: () => today, token: undefined, logger: silentLogger }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

/**
 * One first load of the dashboard, as `web/dashboard.js` makes it: `GET /apps`; then every KPI
 * path at once (the page asks for all 18 together); then `/events/{name}/count` for each of the
 * top custom events it got. Six connections, like a browser; a new agent per load, so each load
 * connects anew. Returns the number of requests made.
 */
export async function loadDashboard(base: string, app: string, range: DayRange): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: BROWSER_CONNECTIONS });
  const query = `?${new URLSearchParams({ app, from: formatDay(range.from), to: formatDay(range.to) }).toString()}`;
  try {
    await getJson(agent, base, '/apps');
    const answers = await Promise.all(Object.keys(KPI_PATHS).map((path) => getJson(agent, base, `${path}${query}`)));
    const top = answers.find((a): a is { kpi: 'top-custom-events'; events: Array<{ name: string }> } => (a as { kpi?: unknown }).kpi === 'top-custom-events');
    const names = top?.events.map((e) => e.name) ?? [];
    await Promise.all(names.map((name) => getJson(agent, base, `/events/${encodeURIComponent(name)}/count${query}`)));
    return 1 + answers.length + names.length;
  } finally {
    agent.destroy();
  }
}
