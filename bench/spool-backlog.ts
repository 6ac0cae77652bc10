import Database from 'better-sqlite3';

/**
 * Events a durable target has accepted but not yet delivered: what its spool holds. Read from
 * the file, like `ma2pinpoint spool stats`, so the bench needs nothing from the process itself.
 */
export function spoolBacklog(file: string): number | null {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT COALESCE(SUM(event_count), 0) FROM batches').pluck().get() as number;
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}
