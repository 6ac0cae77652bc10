/** What an error says, for a log line or a message across threads. */
export interface ErrorFields {
  name: string;
  /** A string `code` when it has one: errno codes (`ENOSPC`), SQLite result codes (`SQLITE_FULL`). */
  code: string | undefined;
  message: string;
}

/**
 * Reads an error's name, code and message by duck typing, since an error made in another realm
 * (a worker thread's clone, a test VM) is not `instanceof Error`; anything else is stringified.
 */
export function errorFields(err: unknown): ErrorFields {
  const { name, code, message } = (typeof err === 'object' && err !== null ? err : {}) as { name?: unknown; code?: unknown; message?: unknown };
  return {
    name: typeof name === 'string' ? name : 'Error',
    code: typeof code === 'string' ? code : undefined,
    message: typeof message === 'string' ? message : String(err),
  };
}
