/**
 * A recording file's name: `recording-<UTC time it was started>-<sequence>.jsonl`, e.g.
 * `recording-20261122T100000.123Z-000001.jsonl`. Fixed-width parts, so names sort in the order the
 * files were started (the time first; the sequence orders files started in the same millisecond).
 */
export const RECORDING_FILE_NAME = /^recording-\d{8}T\d{6}\.\d{3}Z-\d{6,}\.jsonl$/;

/** The name of the recording file started at `time` (Unix ms) as this process's `sequence`-th. */
export function recordingFileName(time: number, sequence: number): string {
  const stamp = new Date(time).toISOString().replace(/[-:]/g, '');
  return `recording-${stamp}-${String(sequence).padStart(6, '0')}.jsonl`;
}

/** Whether a file name is a recording file's (other files in the directory are left alone). */
export function isRecordingFileName(name: string): boolean {
  return RECORDING_FILE_NAME.test(name);
}

/** The recording file names among `names`, oldest first (a sequence past six digits still sorts by number). */
export function sortRecordingFileNames(names: readonly string[]): string[] {
  return names.filter(isRecordingFileName).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}
