import type { RecordingConfig } from '../config';
import type { Logger } from '../logger';
import { createFileRecorder } from '../recording/file-recorder';
import { createNoRecorder, type Recorder } from '../recording/recorder';

/** The recorder of incoming requests, and how to stop it. */
export interface RecordingParts {
  recorder: Recorder;
  /** Writes what is queued for at most `graceMs`, then drops the rest (counted) and closes the file. */
  close(graceMs: number): Promise<void>;
}

/**
 * `RECORD_DIR`: a file recorder, announced with its settings in one line at start; without it,
 * a recorder that does nothing. Files are opened on the first recorded request, so a directory
 * that cannot be written costs dropped lines and warnings, never the start.
 */
export function composeRecording(config: RecordingConfig | undefined, logger: Logger): RecordingParts {
  if (config === undefined) {
    const recorder = createNoRecorder();
    return { recorder, close: () => recorder.close() };
  }
  const recorder = createFileRecorder(config, { logger });
  logger.info('recording', { dir: config.dir, sample: config.sample, maxFileBytes: config.maxFileBytes, maxBytes: config.maxBytes });
  return {
    recorder,
    async close(graceMs) {
      let deadline: NodeJS.Timeout | undefined;
      await Promise.race([recorder.flush(), new Promise((resolve) => (deadline = setTimeout(resolve, graceMs)))]);
      clearTimeout(deadline);
      await recorder.close();
      const { linesWritten, bytesWritten, sampledOut, dropped } = recorder.stats();
      logger.info('recording stopped', { dir: config.dir, linesWritten, bytesWritten, sampledOut, dropped });
    },
  };
}
