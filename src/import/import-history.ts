import type { StoredEvent } from '../local-store/event-store';
import { ExportFileError, readExportFile } from './export-file';
import type { ExportFile, PathProblem } from './export-files';
import { checkRecord, type CheckedRecord, type SkipReason } from './import-record';
import type { SplitPiece } from './json-object-splitter';

/**
 * The longest record text read: Kinesis's record limit (1 MiB), above Firehose's (1000 KiB).
 * Longer texts are not event-stream records, and skipping them keeps memory bounded.
 */
export const MAX_RECORD_BYTES = 1024 * 1024;

/** How many skipped records the summary names (file and line), so the reasons can be checked. */
const SKIPPED_EXAMPLES = 10;

/** Where imported events go: the local store's insert, which ignores ids it already holds. */
export interface ImportTarget {
  /** Stores the events not yet stored (in one transaction); returns how many were new. */
  insert(events: readonly StoredEvent[]): number;
}

/** A skipped record, located. */
export interface SkippedRecord {
  readonly file: string;
  readonly line: number;
  readonly reason: SkipReason;
}

/** What an import did. */
export interface ImportSummary {
  /** Files read to their end. */
  files: number;
  /** Paths that could not be listed, and files that could not be read to their end. */
  failed: PathProblem[];
  /** Top-level texts read: records, and texts that are not records. */
  records: number;
  /** Events new to the store. */
  imported: number;
  /** Valid records whose id the store already held (an earlier import, or a copy in the export). */
  alreadyPresent: number;
  /** Records not imported, by reason. */
  skipped: Partial<Record<SkipReason, number>>;
  /** The first skipped records. */
  skippedExamples: SkippedRecord[];
  /** Attribute and metric values left out of imported events (see `checkRecord`). */
  droppedValues: number;
}

/** Progress of an import, reported as it reads. */
export interface ImportProgress {
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly records: number;
  readonly imported: number;
}

/** How `importHistory` runs. */
export interface ImportOptions {
  /** Events per `insert` call (one transaction each). */
  readonly batchSize: number;
  readonly onProgress?: (progress: ImportProgress) => void;
}

/** A summary with nothing done yet, and the paths that could not be listed. */
export function emptySummary(failed: readonly PathProblem[] = []): ImportSummary {
  return { files: 0, failed: [...failed], records: 0, imported: 0, alreadyPresent: 0, skipped: {}, skippedExamples: [], droppedValues: 0 };
}

/**
 * Imports event-stream records from export files into the target, file after file, `batchSize`
 * events per insert. Records are checked by `checkRecord`; the target ignores ids it holds, so
 * importing the same files again adds nothing. A file that cannot be read to its end is named in
 * `failed` (what was read of it before is imported) and the import goes on with the next file.
 * Errors of the target (the store cannot be written) end the import.
 */
export async function importHistory(files: readonly ExportFile[], target: ImportTarget, options: ImportOptions, summary = emptySummary()): Promise<ImportSummary> {
  const totalBytes = files.reduce((sum, f) => sum + f.bytes, 0);
  let bytesBefore = 0;
  let batch: StoredEvent[] = [];
  const flush = (): void => {
    if (batch.length === 0) return;
    const added = target.insert(batch);
    summary.imported += added;
    summary.alreadyPresent += batch.length - added;
    batch = [];
  };
  const skip = (file: string, line: number, reason: SkipReason): void => {
    summary.skipped[reason] = (summary.skipped[reason] ?? 0) + 1;
    if (summary.skippedExamples.length < SKIPPED_EXAMPLES) summary.skippedExamples.push({ file, line, reason });
  };
  const take = (file: string, piece: SplitPiece): void => {
    summary.records++;
    const checked = checkPiece(piece);
    if (checked.ok) {
      summary.droppedValues += checked.droppedValues;
      batch.push(checked.event);
      if (batch.length >= options.batchSize) flush();
    } else skip(file, piece.line, checked.reason);
  };

  for (const file of files) {
    const report = (bytesRead: number): void =>
      options.onProgress?.({ bytesRead: bytesBefore + bytesRead, totalBytes, records: summary.records, imported: summary.imported });
    try {
      for await (const pieces of readExportFile(file.path, { maxObjectBytes: MAX_RECORD_BYTES, onBytesRead: report })) {
        for (const piece of pieces) take(file.path, piece);
      }
      summary.files++;
    } catch (err: unknown) {
      if (!(err instanceof ExportFileError) && !isFileSystemError(err)) throw err;
      summary.failed.push({ path: file.path, reason: (err as Error).message });
    }
    bytesBefore += file.bytes;
    report(0);
  }
  flush();
  options.onProgress?.({ bytesRead: totalBytes, totalBytes, records: summary.records, imported: summary.imported });
  return summary;
}

/** The event of a piece read from a file, or why it is skipped. */
function checkPiece(piece: SplitPiece): CheckedRecord {
  if (piece.kind === 'junk') return { ok: false, reason: 'not a JSON object' };
  if (piece.kind === 'too-large') return { ok: false, reason: 'larger than the record limit' };
  let value: unknown;
  try {
    value = JSON.parse(piece.text);
  } catch {
    return { ok: false, reason: 'not a JSON object' };
  }
  return checkRecord(value);
}

/** An error from opening or reading a file (it has an errno `syscall`), not from the store. */
function isFileSystemError(err: unknown): boolean {
  return typeof (err as NodeJS.ErrnoException | null)?.syscall === 'string';
}
