import type { ImportProgress } from '../import/import-history';
import { showProgress, type Progress, type ProgressStream } from './progress-display';

/** Shows an import's progress while it runs. */
export type ProgressDisplay = Progress<ImportProgress>;

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

/** A progress display for an import: the bar counts the bytes read (`showProgress`). */
export function createProgressDisplay(stream: ProgressStream, now: () => number): ProgressDisplay {
  return showProgress(stream, now, {
    barFormat: 'importing [{bar}] {percentage}% | {read} of {size} | {records} records read, {imported} imported',
    bar: (progress) => ({
      value: progress.bytesRead,
      total: progress.totalBytes,
      payload: { read: formatBytes(progress.bytesRead), size: formatBytes(progress.totalBytes), records: progress.records, imported: progress.imported },
    }),
    line: (progress) =>
      `importing: ${formatBytes(progress.bytesRead)} of ${formatBytes(progress.totalBytes)} (${percent(progress)}%), ` +
      `${progress.records} records read, ${progress.imported} imported\n`,
  });
}
