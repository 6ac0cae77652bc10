import { showProgress, type Progress, type ProgressStream } from './progress-display';

/** Where a replay stands. */
export interface ReplayProgress {
  /** Requests answered (or run, in a dry run), and those whose answer was not the expected one. */
  readonly done: number;
  readonly unexpected: number;
}

/** Shows a replay's progress while it runs. */
export type ReplayProgressDisplay = Progress<ReplayProgress>;

/**
 * A progress display for a replay of `total` requests (counted before the first is sent), expected
 * to be answered `expected`: the bar counts the requests done, and is drawn at once (`showProgress`).
 */
export function createReplayProgress(stream: ProgressStream, now: () => number, total: number, expected: number): ReplayProgressDisplay {
  return showProgress(stream, now, {
    barFormat: `replaying [{bar}] {percentage}% | {value} of {total} requests | {unexpected} not answered ${expected}`,
    bar: (progress) => ({ value: progress.done, total, payload: { unexpected: progress.unexpected } }),
    line: (progress) => {
      const percent = total === 0 ? 100 : Math.floor((progress.done / total) * 100);
      return `replaying: ${progress.done} of ${total} requests (${percent}%), ${progress.unexpected} not answered ${expected}\n`;
    },
    initial: { done: 0, unexpected: 0 },
  });
}
