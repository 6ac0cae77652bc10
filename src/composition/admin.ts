import { existsSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { systemClock, type Clock } from '../clock';
import type { Config } from '../config';
import { createAdminApp } from '../http/admin-app';
import { dayOf } from '../kpis/days';
import { eventStorePath } from '../local-store/event-store';
import { openSqliteKpiQueries } from '../local-store/sqlite-kpi-queries';
import type { Logger } from '../logger';
import type { Observability } from '../metrics/service-metrics';

/** The admin port's request handler, and the store connection behind it. */
export interface AdminParts {
  handler: RequestListener;
  /** Closes the KPI queries' connection to `events.db`. */
  close(): void;
}

/**
 * The admin port's parts: the KPI queries over `events.db` when the file exists (call this after
 * `createDeps`, whose delivery side creates and migrates it when the local sink is configured),
 * else none, and the data routes answer 503; the service's metrics and status (`deps.observability`).
 * A damaged file throws here, named, like at start-up.
 */
export function composeAdmin(config: Pick<Config, 'admin' | 'spool'>, logger: Logger, observability: Observability, clock: Clock = systemClock): AdminParts {
  const file = eventStorePath(config.spool.dataDir);
  const kpis = existsSync(file) ? openSqliteKpiQueries(file) : undefined;
  const handler = createAdminApp({ kpis, today: () => dayOf(clock.now()), token: config.admin.token, logger, observability });
  return {
    handler,
    close: () => {
      kpis?.close();
    },
  };
}
