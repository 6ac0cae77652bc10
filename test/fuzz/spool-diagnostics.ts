import path from 'node:path';
import Database from 'better-sqlite3';

/** What the spool says about rows it could not deliver: undecodable rows and dead letters, by reason. */
export function spoolDiagnostics(dataDir: string): string {
  const db = new Database(path.join(dataDir, 'spool.db'), { readonly: true, fileMustExist: true });
  try {
    const undecodable = db.prepare('SELECT reason, count(*) AS n FROM undecodable_rows GROUP BY reason ORDER BY n DESC LIMIT 5').all() as Array<{ reason: string; n: number }>;
    const dead = db.prepare('SELECT message, count(*) AS n FROM dead_letters GROUP BY message ORDER BY n DESC LIMIT 5').all() as Array<{ message: string; n: number }>;
    const lines = [
      ...undecodable.map((r) => `undecodable spool rows (${r.n}): ${r.reason}`),
      ...dead.map((r) => `dead letters (${r.n}): ${r.message}`),
    ];
    return lines.length > 0 ? lines.join('\n') : 'the spool records no undecodable rows and no dead letters';
  } catch (err: unknown) {
    return `spool diagnostics unavailable: ${(err as Error).message}`;
  } finally {
    db.close();
  }
}
