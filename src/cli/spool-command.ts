import { parseArgs } from 'node:util';
import { sinkNames, type Config } from '../config';
import { checkSpool, listDeadLetters, listUndecodableRows, requeueDeadLetters, spoolStats } from '../spool/spool-admin';
import { openSpoolDatabase, spoolPath } from '../spool/spool-database';
import { describeError, errorCode, isDamagedDatabaseError, StorageDamagedError, StorageError } from '../storage-error';

/** Where a command writes; injectable for tests. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

function formatAge(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 1000) return `${ms}ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)}s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)}m`;
  return `${Math.round(ms / 3_600_000)}h`;
}

function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

/**
 * `ma2pinpoint spool stats|dead-letters|requeue`: inspect and repair the spool of `DATA_DIR`,
 * also while the service runs. Returns the exit code. A spool that cannot be opened, or is
 * damaged, is one line on stderr naming the file, the cause and what to do, and exit code 1.
 */
export function runSpoolCommand(args: string[], config: Config, io: Output): number {
  const file = spoolPath(config.spool.dataDir);
  try {
    return runOnSpool(file, args, config, io);
  } catch (err: unknown) {
    if (err instanceof StorageError) {
      io.err(err.message);
      return 1;
    }
    // A damaged page that quick_check did not reach (or a command other than stats) met on the way.
    if (isDamagedDatabaseError(err)) {
      io.err(new StorageDamagedError(file, 'spool', describeError(err), errorCode(err), { cause: err }).message);
      return 1;
    }
    throw err;
  }
}

function runOnSpool(file: string, args: string[], config: Config, io: Output): number {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
      sink: { type: 'string' },
      limit: { type: 'string', default: '100' },
    },
  });
  const db = openSpoolDatabase(file, config.spool.sync);
  try {
    switch (sub) {
      case 'stats': {
        // Numbers read from a damaged file mean nothing: say it is damaged instead.
        const damage = checkSpool(db, file);
        if (damage) {
          io.err(damage.message);
          return 1;
        }
        const stats = spoolStats(db, sinkNames(config), Date.now());
        if (values.json) io.out(JSON.stringify(stats, null, 2));
        else {
          io.out(`stored events: ${stats.storedEvents}`);
          io.out(
            table([
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
        const letters = listDeadLetters(db, { ...(values.sink ? { sink: values.sink } : {}), limit: Number(values.limit) || 100 });
        if (values.json) io.out(JSON.stringify(letters, null, 2));
        else if (letters.length === 0) io.out('no dead letters');
        else
          io.out(
            table([
              ['ID', 'SINK', 'FAILED AT', 'APP', 'EVENT TYPE', 'EVENT ID', 'MESSAGE'],
              ...letters.map((l) => [String(l.id), l.sink, l.failedAt, l.applicationId, l.eventType, l.eventId, l.message]),
            ]),
          );
        return 0;
      }
      case 'undecodable': {
        const rows = listUndecodableRows(db, { ...(values.sink ? { sink: values.sink } : {}), limit: Number(values.limit) || 100 });
        if (values.json) io.out(JSON.stringify(rows, null, 2));
        else if (rows.length === 0) io.out('no undecodable rows');
        else io.out(table([['SINK', 'SEQ', 'FOUND AT', 'REASON'], ...rows.map((r) => [r.sink, String(r.seq), r.foundAt, r.reason])]));
        return 0;
      }
      case 'requeue': {
        const ids = positionals.map(Number);
        if (!values.all && (ids.length === 0 || ids.some((id) => !Number.isInteger(id)))) {
          io.err('Usage: ma2pinpoint spool requeue --all | ID...');
          return 2;
        }
        const count = requeueDeadLetters(db, values.all ? 'all' : ids);
        io.out(`requeued ${count} dead letter(s)`);
        return 0;
      }
      case undefined:
      default:
        io.err(
          'Usage: ma2pinpoint spool stats [--json] | dead-letters [--json] [--sink S] [--limit N] | undecodable [--json] [--sink S] | requeue --all | ID...',
        );
        return 2;
    }
  } finally {
    db.close();
  }
}
