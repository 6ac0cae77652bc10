import { existsSync, linkSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import Database from 'better-sqlite3';

/**
 * Creates a WAL database file with its schema under a temporary name and links it into place,
 * so a reader (the CLI, a test) that sees the file also sees its tables. A file that exists,
 * or that another thread or process created first, is left as it is.
 */
export function ensureDatabaseFile(file: string, schema: string): void {
  if (existsSync(file)) return;
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}-${threadId}.creating`;
  try {
    const db = new Database(temp);
    db.pragma('journal_mode = WAL');
    db.exec(schema);
    db.close();
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}
