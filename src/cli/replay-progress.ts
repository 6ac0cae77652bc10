import { Presets, SingleBar } from 'cli-progress';
import { PLAIN_PROGRESS_INTERVAL_MS, type ProgressStream } from './import-progress';

/** Where a replay stands. */
export interface ReplayProgress {
  /** Requests answered (or run, in a dry run), and those whose answer was not the expected one. */
  readonly done: number;
  readonly unexpected: number;
}

/** Shows a replay's progress while it runs. */
export interface ReplayProgressDisplay {
  /** A function property, not a method: it is handed around unbound. */
  update: (progress: ReplayProgress) => void;
  /** Ends the display (before the summary is printed). */
  stop: () => void;
}

/**
 * A progress display for a replay of `total` requests (counted before the first is sent), expected
 * to be answered `expected`: on a terminal a bar of the requests done (`cli-progress`), else a
 * plain line every `PLAIN_PROGRESS_INTERVAL_MS` (a redrawn bar would fill a log with control
 * characters), as the import's display does.
 */
export function createReplayProgress(stream: ProgressStream, now: () => number, total: number, expected: number): ReplayProgressDisplay {
  if (stream.isTTY === true) return terminalBar(stream, total, expected);
  let lastLine = now();
  return {
    update(progress) {
      if (now() - lastLine < PLAIN_PROGRESS_INTERVAL_MS) return;
      lastLine = now();
      const percent = total === 0 ? 100 : Math.floor((progress.done / total) * 100);
      stream.write(`replaying: ${progress.done} of ${total} requests (${percent}%), ${progress.unexpected} not answered ${expected}\n`);
    },
    stop() {
      // Nothing drawn to take back: the plain lines stay in the log.
    },
  };
}

function terminalBar(stream: ProgressStream, total: number, expected: number): ReplayProgressDisplay {
  const bar = new SingleBar(
    { stream: stream as NodeJS.WritableStream, format: `replaying [{bar}] {percentage}% | {value} of {total} requests | {unexpected} not answered ${expected}`, hideCursor: true },
    Presets.shades_classic,
  );
  // cli-progress divides by the total: an empty replay counts as one request long.
  bar.start(Math.max(total, 1), 0, { unexpected: 0 });
  return {
    update(progress) {
      bar.update(Math.min(progress.done, Math.max(total, 1)), { unexpected: progress.unexpected });
    },
    stop() {
      bar.stop();
    },
  };
}
