import { Presets, SingleBar } from 'cli-progress';
import type { ImportProgress } from '../import/import-history';

/** Shows an import's progress while it runs. */
export interface ProgressDisplay {
  /** A function property, not a method: the importer is handed it unbound. */
  update: (progress: ImportProgress) => void;
  /** Ends the display (before the summary is printed). */
  stop: () => void;
}

/** Where progress goes: standard error, a terminal or not. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** How often the plain display prints a line when standard error is not a terminal. */
export const PLAIN_PROGRESS_INTERVAL_MS = 5000;

/** `12.3 MB` style sizes, in decimal units as disk tools show them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit] ?? ''}`;
}

function percent(progress: ImportProgress): number {
  return progress.totalBytes === 0 ? 100 : Math.floor((progress.bytesRead / progress.totalBytes) * 100);
}

/**
 * A progress display for an import: on a terminal a bar of the bytes read (`cli-progress`), else
 * (a log, a pipe, CI) a plain line every `PLAIN_PROGRESS_INTERVAL_MS`, since a redrawn bar would
 * only fill a log with control characters.
 */
export function createProgressDisplay(stream: ProgressStream, now: () => number): ProgressDisplay {
  if (stream.isTTY === true) return terminalBar(stream);
  let lastLine = now();
  return {
    update(progress) {
      if (now() - lastLine < PLAIN_PROGRESS_INTERVAL_MS) return;
      lastLine = now();
      stream.write(
        `importing: ${formatBytes(progress.bytesRead)} of ${formatBytes(progress.totalBytes)} (${percent(progress)}%), ` +
          `${progress.records} records read, ${progress.imported} imported\n`,
      );
    },
    stop() {
      // Nothing drawn to take back: the plain lines stay in the log.
    },
  };
}

function terminalBar(stream: ProgressStream): ProgressDisplay {
  const bar = new SingleBar(
    {
      stream: stream as NodeJS.WritableStream,
      format: 'importing [{bar}] {percentage}% | {read} of {size} | {records} records read, {imported} imported',
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(progress) {
      const payload = { read: formatBytes(progress.bytesRead), size: formatBytes(progress.totalBytes), records: progress.records, imported: progress.imported };
      // cli-progress divides by the total: an import of empty files counts as one byte long.
      const total = Math.max(progress.totalBytes, 1);
      if (!started) {
        bar.start(total, progress.bytesRead, payload);
        started = true;
      } else bar.update(Math.min(progress.bytesRead, total), payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
