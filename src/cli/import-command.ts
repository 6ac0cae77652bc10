import { listExportFiles } from '../import/export-files';
import { emptySummary, importHistory, type ImportSummary } from '../import/import-history';
import { eventStorePath, openEventStore, type EventStore } from '../local-store/event-store';
import { describeError, storageFailureMessage } from '../storage-error';
import { createProgressDisplay } from './import-progress';
import type { ProgressStream } from './progress-display';
import type { Output } from './output';
import { formatTable } from './text-table';

/** What `ma2pinpoint import` was asked for. */
export interface ImportCommandOptions {
  /** Files and directories of event-stream records. */
  readonly paths: readonly string[];
  /** Events per insert transaction. */
  readonly batchSize: number;
}

/** Where `ma2pinpoint import` reads, writes and reports. */
export interface ImportCommandContext {
  /** `DATA_DIR`: the local store is its `events.db`. */
  readonly dataDir: string;
  readonly io: Output;
  /** Standard error, for the progress display. */
  readonly progress: ProgressStream;
  readonly now: () => number;
}

/** The summary lines: counts, then the skipped records by reason and the first of them. */
function formatSummary(summary: ImportSummary): string[] {
  const skipped = Object.entries(summary.skipped);
  const lines = [
    formatTable(
      [
        ['files read', String(summary.files)],
        ['records read', String(summary.records)],
        ['imported', String(summary.imported)],
        ['already present', String(summary.alreadyPresent)],
        ['skipped', String(skipped.reduce((sum, [, count]) => sum + count, 0))],
        ['values left out', String(summary.droppedValues)],
      ],
      ['left', 'right'],
    ),
  ];
  if (summary.droppedValues > 0) lines.push('(values left out: attribute values that are not strings, metric values that are not finite numbers; their events are imported)');
  if (skipped.length > 0) {
    lines.push('', formatTable([['SKIPPED BECAUSE', 'RECORDS'], ...skipped.sort(([, a], [, b]) => b - a).map(([reason, count]) => [reason, String(count)])], ['left', 'right']));
    lines.push('', 'first skipped records:', ...summary.skippedExamples.map((s) => `  ${s.file}:${s.line}  ${s.reason}`));
  }
  return lines;
}

/** The one line for a store that could not be written. */
function storeProblem(err: unknown, file: string): string {
  return storageFailureMessage(err, file, 'local store') ?? `cannot write the local store ${file}: ${describeError(err)}`;
}

/**
 * `ma2pinpoint import FILE|DIR…`: loads event-stream records (Pinpoint's exports, ma2pinpoint's
 * own Kinesis/Firehose records) into the local store through its insert, so the KPI roll-ups
 * count them; safe while the service runs (the store waits for the other writer). Prints
 * progress on stderr and a summary on stdout. Exit code 0 when records were read and every file
 * could be; 1 when a path could not be read (named on stderr), nothing was found, or the store
 * could not be written (what was imported before stays, and a new run skips it).
 */
export async function runImportCommand(options: ImportCommandOptions, context: ImportCommandContext): Promise<number> {
  const { io } = context;
  const listing = await listExportFiles(options.paths);
  const summary = emptySummary(listing.problems);
  const file = eventStorePath(context.dataDir);
  let storeFailure: string | undefined;
  if (listing.files.length > 0) {
    let store: EventStore | undefined;
    const display = createProgressDisplay(context.progress, context.now);
    try {
      store = openEventStore(file);
      await importHistory(listing.files, store, { batchSize: options.batchSize, onProgress: display.update }, summary);
    } catch (err: unknown) {
      if (err instanceof Error && 'code' in err && typeof err.code === 'string') storeFailure = storeProblem(err, file);
      else throw err;
    } finally {
      display.stop();
      store?.close();
    }
    for (const line of formatSummary(summary)) io.out(line);
  }
  for (const problem of summary.failed) io.err(`cannot read ${problem.path}: ${problem.reason}`);
  if (storeFailure !== undefined) {
    io.err(`import stopped: ${storeFailure}`);
    return 1;
  }
  if (summary.failed.length > 0) return 1;
  if (summary.records === 0) {
    io.err(`no records found in ${options.paths.join(', ')}`);
    return 1;
  }
  return 0;
}
