import winston from 'winston';

/** Structured fields attached to a log line. Never payloads or device ids at info. */
export type LogFields = Record<string, unknown>;

/** The small logging surface the code depends on; winston sits behind it. */
export interface Logger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  isDebugEnabled(): boolean;
  child(fields: LogFields): Logger;
}

/** Log levels accepted by `LOG_LEVEL`. */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'silent';

function wrap(w: winston.Logger): Logger {
  return {
    error: (message, fields) => w.error(message, fields),
    warn: (message, fields) => w.warn(message, fields),
    // Checked first: winston builds and streams an info object even for a level it then drops.
    info: (message, fields) => {
      if (w.isInfoEnabled()) w.info(message, fields);
    },
    debug: (message, fields) => {
      if (w.isDebugEnabled()) w.debug(message, fields);
    },
    isDebugEnabled: () => w.isDebugEnabled(),
    child: (fields) => wrap(w.child(fields)),
  };
}

/** A winston logger writing one JSON object per line to stdout (`silent` writes nothing). */
export function createLogger(level: LogLevel): Logger {
  const w = winston.createLogger({
    level: level === 'silent' ? 'error' : level,
    silent: level === 'silent',
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Console()],
  });
  return wrap(w);
}

/** A logger that drops everything, for tests and tools. */
export const silentLogger: Logger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  isDebugEnabled: () => false,
  child: () => silentLogger,
};
