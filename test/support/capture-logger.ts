import type { LogFields, Logger } from '../../src/logger';

/** One line a `CaptureLogger` received: its level, message, and fields (a child's fields included). */
export interface CapturedLine {
  level: 'error' | 'warn' | 'info' | 'debug';
  message: string;
  fields: LogFields;
}

/** A `Logger` that keeps every line in memory, children included, so tests can read what was logged. */
export interface CaptureLogger extends Logger {
  lines: CapturedLine[];
  /** The lines with this message, in order. */
  withMessage(message: string): CapturedLine[];
}

/** A logger whose lines (its own and its children's, with their fields merged) end up in `lines`. */
export function createCaptureLogger(): CaptureLogger {
  const lines: CapturedLine[] = [];
  const make = (bound: LogFields): Logger => {
    const write =
      (level: CapturedLine['level']) =>
      (message: string, fields: LogFields = {}): void => {
        lines.push({ level, message, fields: { ...bound, ...fields } });
      };
    return {
      error: write('error'),
      warn: write('warn'),
      info: write('info'),
      debug: write('debug'),
      isDebugEnabled: () => true,
      child: (fields) => make({ ...bound, ...fields }),
    };
  };
  return { ...make({}), lines, withMessage: (message) => lines.filter((line) => line.message === message) };
}
