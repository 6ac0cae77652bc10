import { Presets, SingleBar } from 'cli-progress';

/** Where progress goes: standard error, a terminal or not. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** How often the plain display prints a line when standard error is not a terminal. */
export const PLAIN_PROGRESS_INTERVAL_MS = 5000;

/** Shows a command's progress while it runs. */
export interface Progress<P> {
  /** A function property, not a method: it is handed around unbound. */
  update: (progress: P) => void;
  /** Ends the display (before the summary is printed). */
  stop: () => void;
}

/** How one command's progress is shown: as a bar on a terminal, as a line otherwise. */
export interface ProgressView<P> {
  /** cli-progress's format of the bar, its `{…}` fields from `bar`'s payload. */
  readonly barFormat: string;
  bar(progress: P): { value: number; total: number; payload: Record<string, unknown> };
  /** The plain line, newline included. */
  line(progress: P): string;
  /** Where the bar starts before the first update, when it is drawn at once (else at the first update). */
  readonly initial?: P;
}

/**
 * A progress display: on a terminal a bar (`cli-progress`), else (a log, a pipe, CI) a plain line
 * every `PLAIN_PROGRESS_INTERVAL_MS`, since a redrawn bar would only fill a log with control
 * characters.
 */
export function showProgress<P>(stream: ProgressStream, now: () => number, view: ProgressView<P>): Progress<P> {
  if (stream.isTTY === true) return terminalBar(stream, view);
  let lastLine = now();
  return {
    update(progress) {
      if (now() - lastLine < PLAIN_PROGRESS_INTERVAL_MS) return;
      lastLine = now();
      stream.write(view.line(progress));
    },
    stop() {
      // Nothing drawn to take back: the plain lines stay in the log.
    },
  };
}

function terminalBar<P>(stream: ProgressStream, view: ProgressView<P>): Progress<P> {
  const bar = new SingleBar({ stream: stream as NodeJS.WritableStream, format: view.barFormat, hideCursor: true }, Presets.shades_classic);
  let total: number | undefined;
  const show = (progress: P): void => {
    const drawn = view.bar(progress);
    // cli-progress divides by the total: an empty run counts as one unit long.
    if (total === undefined) {
      total = Math.max(drawn.total, 1);
      bar.start(total, drawn.value, drawn.payload);
    } else bar.update(Math.min(drawn.value, total), drawn.payload);
  };
  if (view.initial !== undefined) show(view.initial);
  return {
    update: show,
    stop() {
      if (total !== undefined) bar.stop();
    },
  };
}
