import { sinkNames, type Config } from '../config';
import { checkSpool, listDeadLetters, listUndecodableRows, requeueDeadLetters, spoolStats } from '../spool/spool-admin';
import { openSpoolDatabase, spoolPath } from '../spool/spool-database';
import { storageFailureMessage } from '../storage-error';
import type { Output } from './output';
import { formatTable } from './text-table';

/** One `ma2pinpoint spool …` command, its arguments already parsed. */
export type SpoolRequest =
  | { readonly command: 'stats'; readonly json: boolean }
  | { readonly command: 'dead-letters' | 'undecodable'; readonly json: boolean; readonly sink?: string; readonly limit: number }
  | { readonly command: 'requeue'; readonly ids: 'all' | readonly number[] };

function formatAge(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 1000) return `${ms}ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)}s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)}m`;
  return `${Math.round(ms / 3_600_000)}h`;
}

/**
 * `ma2pinpoint spool stats|dead-letters|undecodable|requeue`: inspect and repair the spool of
 * `DATA_DIR`, also while the service runs. Returns the exit code. A spool that cannot be opened,
 * or is damaged, is one line on stderr naming the file, the cause and what to do, and exit code 1.
 */
export function runSpoolCommand(request: SpoolRequest, config: Config, io: Output): number {
  const file = spoolPath(config.spool.dataDir);
  try {
    return runOnSpool(file, request, config, io);
  } catch (err: unknown) {
    // Also a damaged page that quick_check did not reach (or a command other than stats) met on the way.
    const message = storageFailureMessage(err, file, 'spool');
    if (message === undefined) throw err;
    io.err(message);
    return 1;
  }
}

function runOnSpool(file: string, request: SpoolRequest, config: Config, io: Output): number {
  const db = openSpoolDatabase(file, config.spool.sync);
  try {
    switch (request.command) {
      case 'stats': {
        // Numbers read from a damaged file mean nothing: say it is damaged instead.
        const damage = checkSpool(db, file);
        if (damage) {
          io.err(damage.message);
          return 1;
        }
        const stats = spoolStats(db, sinkNames(config), Date.now());
        if (request.json) io.out(JSON.stringify(stats, null, 2));
        else {
          io.out(`stored events: ${stats.storedEvents}`);
          io.out(
            formatTable([
              ['SINK', 'DEPTH', 'RETRIES', 'OLDEST', 'DEAD LETTERS'],
              ...stats.sinks.map((s) => [s.sink, String(s.depth), String(s.retries), formatAge(s.oldestAgeMs), String(s.deadLetters)]),
            ]),
          );
          const undecodable = stats.sinks.reduce((n, s) => n + s.undecodableRows, 0);
          if (undecodable > 0) io.out(`undecodable rows: ${undecodable} (kept aside, never sent; see 'ma2pinpoint spool undecodable')`);
        }
        return 0;
      }
      case 'dead-letters': {
        const letters = listDeadLetters(db, { ...(request.sink !== undefined ? { sink: request.sink } : {}), limit: request.limit });
        if (request.json) io.out(JSON.stringify(letters, null, 2));
        else if (letters.length === 0) io.out('no dead letters');
        else
          io.out(
            formatTable([
              ['ID', 'SINK', 'FAILED AT', 'APP', 'EVENT TYPE', 'EVENT ID', 'MESSAGE'],
              ...letters.map((l) => [String(l.id), l.sink, l.failedAt, l.applicationId, l.eventType, l.eventId, l.message]),
            ]),
          );
        return 0;
      }
      case 'undecodable': {
        const rows = listUndecodableRows(db, { ...(request.sink !== undefined ? { sink: request.sink } : {}), limit: request.limit });
        if (request.json) io.out(JSON.stringify(rows, null, 2));
        else if (rows.length === 0) io.out('no undecodable rows');
        else io.out(formatTable([['SINK', 'SEQ', 'FOUND AT', 'REASON'], ...rows.map((r) => [r.sink, String(r.seq), r.foundAt, r.reason])]));
        return 0;
      }
      case 'requeue': {
        const count = requeueDeadLetters(db, request.ids);
        io.out(`requeued ${count} dead letter(s)`);
        return 0;
      }
    }
  } finally {
    db.close();
  }
}
