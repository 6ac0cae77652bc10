import type { LogFields, Logger } from './logger';

/** Logs one kind of expected, repeating condition at a bounded rate, with counts. */
export interface LogThrottle {
  /** Counts one occurrence; logs it at once when the interval is free, else folds it into the next summary. */
  note(fields?: LogFields): void;
  /** Writes the summary of what was folded since the last line, if anything. */
  flush(): void;
  /** Occurrences since start. */
  total(): number;
}

/**
 * A throttle for warnings that can come once per request (retry later, fitted data): the first
 * occurrence in each `intervalMs` is logged with its fields; the ones after it are counted, and
 * the next line (or a summary one interval later) says how many were folded (`suppressed`), so
 * a flood of one condition costs a few log lines and no stacks, and nothing goes unmentioned.
 */
export function createLogThrottle(logger: Logger, level: 'warn' | 'info', message: string, intervalMs: number, now: () => number = Date.now): LogThrottle {
  let lastLogged = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  let total = 0;
  let summary: NodeJS.Timeout | undefined;
  const write = (fields: LogFields): void => {
    if (level === 'warn') logger.warn(message, fields);
    else logger.info(message, fields);
  };
  const throttle: LogThrottle = {
    note(fields = {}) {
      total += 1;
      const at = now();
      if (at - lastLogged < intervalMs) {
        suppressed += 1;
        // A flood that stops still gets its summary line, one interval later.
        summary ??= setTimeout(() => {
          summary = undefined;
          throttle.flush();
        }, intervalMs).unref();
        return;
      }
      write(suppressed > 0 ? { ...fields, suppressed, total } : { ...fields, total });
      lastLogged = at;
      suppressed = 0;
    },
    flush() {
      if (suppressed === 0) return;
      write({ suppressed, total });
      suppressed = 0;
      lastLogged = now();
    },
    total: () => total,
  };
  return throttle;
}
