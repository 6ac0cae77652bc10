import Database from 'better-sqlite3';

/**
 * Events a durable target has accepted but not yet delivered: what its spool holds. Read from
 * the file's `spool_totals` view (the one definition of stored events, which `/readyz` and
 * `ma2pinpoint spool stats` use too), so the bench needs nothing from the process itself.
 */
export function spoolBacklog(file: string): number | null {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT stored_events FROM spool_totals').pluck().get() as number;
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}
