import path from 'node:path';
import type { RecordingConfig } from '../config';
import { errorFields } from '../error-fields';
import { createLogThrottle } from '../log-throttle';
import type { Logger } from '../logger';
import { emptyRecorderStats, type RecordedRequest, type Recorder, type RecorderStats } from './recorder';
import { recordingFileName, sortRecordingFileNames } from './recording-files';
import { toRecordingLine } from './recording-line';
import { nodeRecordingStorage, type RecordingFile, type RecordingStorage } from './recording-storage';

/** What the file recorder needs besides its settings; all but the logger have defaults. */
export interface FileRecorderDeps {
  logger: Logger;
  storage?: RecordingStorage;
  /** Unix ms clock (file names, back-off). */
  now?: () => number;
  /** Uniform in [0, 1): decides sampling per request. */
  random?: () => number;
  /** Bound of the in-memory queue, estimated line bytes; `QUEUE_MAX_BYTES` by default. */
  queueMaxBytes?: number;
}

/**
 * Lines waiting for the disk, at most (estimated): a few seconds of heavy traffic, so a slow disk
 * costs dropped lines, not memory. An empty queue takes one line of any size.
 */
export const QUEUE_MAX_BYTES = 8 * 1024 * 1024;

/** How many (estimated) bytes of lines one append carries: the drain yields to requests between appends. */
const BATCH_BYTES = 1024 * 1024;

/** The first wait after a failed write before writing is tried again; it doubles while writes keep failing. */
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 30_000;

/** How often each kind of dropped line is warned about in full. */
const WARNING_INTERVAL_MS = 10_000;

/** A line's fields besides url, headers and body, with the JSON around them, generously. */
const LINE_OVERHEAD_BYTES = 256;

/**
 * About the size of a request's line, counted on the request's path, so cheaply: base64 body,
 * url and raw headers, not escaping.
 */
function estimatedLineBytes(request: RecordedRequest): number {
  let bytes = LINE_OVERHEAD_BYTES + request.url.length + (request.body === null ? 0 : Math.ceil(request.body.length / 3) * 4);
  for (const part of request.rawHeaders) bytes += part.length + 4;
  return bytes;
}

interface Queued {
  request: RecordedRequest;
  bytes: number;
}

interface OpenFile {
  file: RecordingFile;
  path: string;
  /** Bytes known to be in the file: what it is cut back to after a failed append. */
  bytes: number;
}

/** Runs a clean-up step whose failure changes nothing: the file is given up either way. */
async function quietly(step: () => Promise<unknown>): Promise<void> {
  try {
    await step();
  } catch {
    // Already failing: the write error that led here is the one reported.
  }
}

/**
 * Records requests to JSON Lines files in `config.dir`, off the request's path: `record` only
 * queues a reference (or drops it when the queue is full), and a drain started on the next turn
 * of the event loop redacts, serializes and appends in batches.
 *
 * - Rotation: a file is closed before a line would take it past `maxFileBytes`; a line larger on
 *   its own is dropped (`tooLarge`). Before each new file, the oldest recording files are removed
 *   until they and a full new file fit in `maxBytes`, so the directory never holds more.
 * - A failed write (ENOSPC, EACCES, EROFS, EIO…) drops the lines in work and in the queue, cuts the
 *   file back to its last whole line and gives it up; lines are dropped for a back-off (1 s
 *   doubling to 30 s), then the next line tries a new file (recreating a removed directory).
 *   A file removed from under the recorder is noticed at the next batch, and replaced.
 * - Nothing is synced: a crash may lose the last lines the kernel had not written.
 */
export function createFileRecorder(config: RecordingConfig, deps: FileRecorderDeps): Recorder {
  const { dir, maxFileBytes, maxBytes, sample } = config;
  const { logger, storage = nodeRecordingStorage, now = Date.now, random = Math.random, queueMaxBytes = QUEUE_MAX_BYTES } = deps;
  const queueFullWarning = createLogThrottle(logger, 'warn', 'recording queue full, lines dropped', WARNING_INTERVAL_MS, now);
  const unwritableWarning = createLogThrottle(logger, 'warn', 'recording cannot be written, lines dropped', WARNING_INTERVAL_MS, now);
  const tooLargeWarning = createLogThrottle(logger, 'warn', 'recording line larger than RECORD_MAX_FILE_BYTES dropped', WARNING_INTERVAL_MS, now);
  const stats = emptyRecorderStats();
  const queue: Queued[] = [];
  let queuedBytes = 0;
  /** A drain is scheduled or running; `record` starts one only when not. */
  let draining = false;
  let closed = false;
  let current: OpenFile | undefined;
  let sequence = 0;
  let retryAt = Number.NEGATIVE_INFINITY;
  let retryDelayMs = RETRY_FIRST_MS;
  /** Lines dropped since writes began failing, for the line that says recording works again. */
  let droppedWhileFailing: number | undefined;
  let idle: (() => void)[] = [];

  const notifyIdle = (): void => {
    const waiting = idle;
    idle = [];
    for (const resolve of waiting) resolve();
  };

  const dropQueue = (): number => {
    const count = queue.length;
    queue.length = 0;
    queuedBytes = 0;
    return count;
  };

  /** Removes the oldest recording files until they and a full new file fit in `maxBytes`. */
  const prune = async (): Promise<void> => {
    const names = sortRecordingFileNames(await storage.list(dir));
    const sizes = await Promise.all(names.map((name) => storage.size(path.join(dir, name))));
    let total = sizes.reduce<number>((sum, size) => sum + (size ?? 0), 0);
    for (let i = 0; i < names.length && total + maxFileBytes > maxBytes; i += 1) {
      await storage.remove(path.join(dir, names[i] as string));
      total -= sizes[i] ?? 0;
      stats.filesRemoved += 1;
    }
  };

  /** Closes the current file and starts the next one, making room for it first. */
  const startFile = async (): Promise<OpenFile> => {
    const previous = current;
    current = undefined;
    if (previous) await previous.file.close();
    await storage.makeDirectory(dir);
    await prune();
    for (;;) {
      sequence += 1;
      const file = path.join(dir, recordingFileName(now(), sequence));
      try {
        current = { file: await storage.create(file), path: file, bytes: 0 };
        stats.filesCreated += 1;
        return current;
      } catch (err: unknown) {
        // Another recorder (or a restart within the same millisecond) took the name: the next sequence.
        if (errorFields(err).code !== 'EEXIST') throw err;
      }
    }
  };

  const closeFile = async (): Promise<void> => {
    const open = current;
    current = undefined;
    if (open) await open.file.close();
  };

  /** Gives the current file up after a failed write: back to its last whole line, and gone if empty. */
  const abandonFile = async (): Promise<void> => {
    const broken = current;
    current = undefined;
    if (!broken) return;
    await quietly(() => broken.file.truncate(broken.bytes));
    await quietly(() => broken.file.close());
    if (broken.bytes === 0) await quietly(() => storage.remove(broken.path));
  };

  const failed = (err: unknown, lost: number): void => {
    const dropped = lost + dropQueue();
    stats.dropped.unwritable += dropped;
    droppedWhileFailing = (droppedWhileFailing ?? 0) + dropped;
    retryAt = now() + retryDelayMs;
    const { code, message } = errorFields(err);
    unwritableWarning.note({ dir, ...(code === undefined ? {} : { code }), reason: message, dropped, retryInMs: retryDelayMs });
    retryDelayMs = Math.min(retryDelayMs * 2, RETRY_MAX_MS);
  };

  const succeeded = (): void => {
    if (droppedWhileFailing === undefined) return;
    logger.info('recording again', { dir, droppedWhileUnwritable: droppedWhileFailing });
    droppedWhileFailing = undefined;
    retryDelayMs = RETRY_FIRST_MS;
  };

  /** Serializes a batch and appends it, rotating where a file would pass `maxFileBytes`. */
  const writeBatch = async (batch: readonly Queued[]): Promise<void> => {
    /** Lines neither written nor dropped yet: the ones a failure loses. */
    let unsettled = batch.length;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const appendPending = async (target: OpenFile): Promise<void> => {
      if (pending.length === 0) return;
      await target.file.append(pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingBytes));
      target.bytes += pendingBytes;
      stats.linesWritten += pending.length;
      stats.bytesWritten += pendingBytes;
      unsettled -= pending.length;
      pending = [];
      pendingBytes = 0;
      succeeded();
    };
    try {
      const lines = batch.map(({ request }) => Buffer.from(`${JSON.stringify(toRecordingLine(request))}\n`, 'utf8'));
      let target = current;
      if (target && (await target.file.removed())) {
        // Appends to a file deleted from under us (or with its directory) would succeed and go nowhere.
        await quietly(closeFile);
        target = undefined;
      }
      for (const line of lines) {
        if (line.length > maxFileBytes) {
          stats.dropped.tooLarge += 1;
          unsettled -= 1;
          tooLargeWarning.note({ bytes: line.length, maxFileBytes });
          continue;
        }
        if (!target || target.bytes + pendingBytes + line.length > maxFileBytes) {
          if (target) await appendPending(target);
          target = await startFile();
        }
        pending.push(line);
        pendingBytes += line.length;
      }
      if (target) await appendPending(target);
    } catch (err: unknown) {
      await abandonFile();
      failed(err, unsettled);
    }
  };

  const drain = async (): Promise<void> => {
    try {
      while (queue.length > 0 && !closed) {
        let bytes = 0;
        let count = 0;
        while (count < queue.length && (count === 0 || bytes + (queue[count] as Queued).bytes <= BATCH_BYTES)) {
          bytes += (queue[count] as Queued).bytes;
          count += 1;
        }
        const batch = queue.splice(0, count);
        queuedBytes -= bytes;
        await writeBatch(batch);
      }
    } finally {
      draining = false;
      if (closed) await quietly(closeFile);
      notifyIdle();
    }
  };

  return {
    record(request) {
      if (closed) {
        stats.dropped.shutdown += 1;
        return;
      }
      if (sample < 1 && !(random() < sample)) {
        stats.sampledOut += 1;
        return;
      }
      if (now() < retryAt) {
        stats.dropped.unwritable += 1;
        droppedWhileFailing = (droppedWhileFailing ?? 0) + 1;
        return;
      }
      const bytes = estimatedLineBytes(request);
      // An empty queue takes any line, so a body near a large BODY_LIMIT can still be recorded.
      if (queue.length > 0 && queuedBytes + bytes > queueMaxBytes) {
        stats.dropped.queueFull += 1;
        queueFullWarning.note({ dir, queuedBytes, queueMaxBytes });
        return;
      }
      queue.push({ request, bytes });
      queuedBytes += bytes;
      if (!draining) {
        draining = true;
        // The next turn of the event loop: serialization and IO never run on the request's stack.
        setImmediate(() => void drain());
      }
    },
    flush() {
      if (!draining && queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },
    async close() {
      if (closed) return;
      closed = true;
      stats.dropped.shutdown += dropQueue();
      // A drain in progress closes the file itself once its append returns (it may hang: not awaited here).
      if (draining) return;
      await quietly(closeFile);
      notifyIdle();
    },
    stats(): RecorderStats {
      return { ...stats, dropped: { ...stats.dropped }, queuedLines: queue.length, queuedBytes };
    },
  };
}
