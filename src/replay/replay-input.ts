import { open } from 'node:fs/promises';
import { listExportFiles } from '../import/export-files';
import { readHar } from './har-reader';
import { readRecording, type RecordingNotes } from './recording-reader';
import { ReplayInputError } from './replay-input-error';
import type { ReplayRequest } from './replay-request';

/** The two kinds of file replay reads. */
export type ReplayFormat = 'recording' | 'har';

/** One input file, its kind and how many requests it holds. */
export interface ReplayFile {
  readonly path: string;
  readonly format: ReplayFormat;
  readonly requests: number;
}

/** Every input file, checked and counted before anything is sent. */
export interface ReplayInput {
  readonly files: readonly ReplayFile[];
  /** Requests in all files. */
  readonly requests: number;
  /** HAR entries that are not calls replay sends (pages, preflights, GETs, other APIs), left out. */
  readonly otherHarEntries: number;
  /** Recording lines cut off at the end of their file (being written, or the recorder stopped), left out. */
  readonly cutOffLines: readonly string[];
}

/** Bytes read to tell a file's kind: enough for a byte order mark, whitespace and the first key. */
const HEAD_BYTES = 4096;

/**
 * Tells a file's kind by its content, not its name: a HAR file is one JSON object whose first
 * key is `log` (every exporter writes it first, as it is the only one); anything else starting
 * with `{`, or empty, is read as a recording (JSON Lines), whose lines are checked as they are
 * read. Other content is refused, naming gzip when it is gzip.
 */
export async function detectFormat(file: string): Promise<ReplayFormat> {
  const handle = await open(file, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (head[0] === 0x1f && head[1] === 0x8b) throw new ReplayInputError(`${file}: gzip-compressed; decompress it first (gunzip) and replay the result`);
  const text = head.toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (/^\{\s*"log"\s*:/.test(text)) return 'har';
  if (text === '' || text.startsWith('{')) return 'recording';
  throw new ReplayInputError(`${file}: neither a recording (JSON Lines) nor a HAR file`);
}

/** A path problem of the listing as one line. */
function unreadable(problems: ReadonlyArray<{ path: string; reason: string }>): ReplayInputError | undefined {
  const [first] = problems;
  return first ? new ReplayInputError(`cannot read ${first.path}: ${first.reason}`) : undefined;
}

/**
 * Lists the input files (a file as given; a directory walked recursively, each directory's
 * entries in name order, which for rotated recording files is time order; hidden entries
 * skipped), tells each one's kind and reads it through once: every recording line is checked,
 * every HAR file parsed, and the requests counted. Throws the first `ReplayInputError`.
 */
export async function scanReplayInput(paths: readonly string[]): Promise<ReplayInput> {
  const listing = await listExportFiles(paths);
  const problem = unreadable(listing.problems);
  if (problem) throw problem;
  const files: ReplayFile[] = [];
  const cutOffLines: string[] = [];
  let otherHarEntries = 0;
  for (const { path } of listing.files) {
    const format = await readable(path, () => detectFormat(path));
    let requests = 0;
    if (format === 'har') {
      const har = await readable(path, () => readHar(path));
      requests = har.requests.length;
      otherHarEntries += har.otherEntries;
    } else {
      const notes: RecordingNotes = {};
      await readable(path, async () => {
        for await (const _request of readRecording(path, notes)) requests += 1;
      });
      if (notes.cutOffLine !== undefined) cutOffLines.push(notes.cutOffLine);
    }
    files.push({ path, format, requests });
  }
  return { files, requests: files.reduce((sum, f) => sum + f.requests, 0), otherHarEntries, cutOffLines };
}

/** An IO error of reading `file` (gone, unreadable, a directory) as a `ReplayInputError` naming it; other errors as they are. */
function inputError(file: string, err: unknown): unknown {
  const { code, message } = (err ?? {}) as Partial<NodeJS.ErrnoException>;
  if (err instanceof ReplayInputError || typeof code !== 'string' || typeof message !== 'string') return err;
  return new ReplayInputError(`cannot read ${file}: ${message.includes(code) ? message : `${message} (${code})`}`, { cause: err });
}

/** Runs a read of `file`, its IO errors turned into a `ReplayInputError` naming it. */
async function readable<T>(file: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err: unknown) {
    throw inputError(file, err);
  }
}

/**
 * The requests of scanned input, file by file in listing order: recordings streamed a line at a
 * time, HAR files parsed whole, one at a time. A file that can no longer be read rejects with a
 * `ReplayInputError`.
 */
export async function* replayRequests(input: ReplayInput): AsyncGenerator<ReplayRequest> {
  for (const file of input.files) {
    try {
      if (file.format === 'har') yield* (await readHar(file.path)).requests;
      else yield* readRecording(file.path);
    } catch (err: unknown) {
      // The file changed since it was scanned (removed, rewritten, truncated).
      throw inputError(file.path, err);
    }
  }
}
