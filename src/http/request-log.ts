import { errorFields } from '../error-fields';
import { createLogThrottle, type LogThrottle } from '../log-throttle';
import type { Logger } from '../logger';
import { ProxyError, RetryLaterError } from '../errors';

/** How often a repeating warning (retry later, an unexpected error) is written in full, ms. */
const WARNING_INTERVAL_MS = 10_000;

/** One answered request, as its route logs it. */
export interface RequestLogEntry {
  requestId: string;
  status: number;
  /** The sender's kind (legacy client kind or Pinpoint sender kind): a fixed set, never a value from the request. */
  clientKind: string;
  /** The Pinpoint API operation (`PutEvents`, `UpdateEndpoint`, `GetEndpoint`); absent on the legacy route. */
  operation?: string;
  events: number;
  /** PutEvents: events its per-event checks refused (each answered 400 in its entry), when any. */
  refusedEvents?: number | undefined;
  /** `performance.now()` when the request's handling began. */
  started: number;
  outcome: unknown;
}

/** Writes one answered request's log lines. */
export type RequestLog = (entry: RequestLogEntry) => void;

/**
 * One line per request at info (never payloads, app, device or endpoint ids). Conditions that
 * can repeat for every request are also warned about, without stacks and at a bounded rate with
 * counts: "retry later" (a full or unwritable spool, a refusing destination in upstream mode); an
 * unexpected error, our own bug, is logged at error with its stack, also at a bounded rate.
 */
export function createRequestLog(logger: Logger): RequestLog {
  const retryLater: LogThrottle = createLogThrottle(logger, 'warn', 'answering retry later', WARNING_INTERVAL_MS);
  const unexpected: LogThrottle = createLogThrottle(logger, 'warn', 'unexpected error answered as retry later', WARNING_INTERVAL_MS);
  return (entry) => {
    const fields = {
      requestId: entry.requestId,
      ...(entry.operation === undefined ? {} : { operation: entry.operation }),
      status: entry.status,
      clientKind: entry.clientKind,
      events: entry.events,
      ...(entry.refusedEvents ? { refusedEvents: entry.refusedEvents } : {}),
      latencyMs: Math.round((performance.now() - entry.started) * 10) / 10,
    };
    const { outcome } = entry;
    if (outcome === 'accepted') {
      logger.info('request', fields);
      return;
    }
    if (outcome instanceof ProxyError) {
      logger.info('request', { ...fields, error: outcome.code, reason: outcome.message });
      if (outcome instanceof RetryLaterError) retryLater.note({ reason: outcome.message, cause: outcome.cause === undefined ? undefined : errorFields(outcome.cause).code });
      return;
    }
    const err = outcome instanceof Error ? outcome : new Error(String(outcome));
    logger.info('request', { ...fields, error: 'InternalError' });
    if (unexpected.total() === 0 || logger.isDebugEnabled()) logger.error('unexpected error', { error: err.name, reason: err.message, stack: err.stack });
    unexpected.note({ error: err.name, reason: err.message });
  };
}
