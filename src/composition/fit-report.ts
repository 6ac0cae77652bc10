import type { Logger } from '../logger';
import type { FitReport } from '../mapping/request-mapper';

/** Logs every request whose data was fitted to Pinpoint's limits (never silently). */
export function logFitted(logger: Logger): FitReport {
  return (adjustments, events) => {
    logger.warn('legacy data fitted to Pinpoint limits', { ...adjustments, events });
  };
}
