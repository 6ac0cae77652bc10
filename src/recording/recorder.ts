import type { ClientKind } from '../legacy/types';
import type { PinpointSenderKind } from '../pinpoint-api/pinpoint-sender';

/**
 * One request as a route saw it (a legacy PutEvents, or a Pinpoint-native write), handed to the
 * recorder after the answer was written. It holds references, not copies: the body is the Buffer the route read (never written
 * to afterwards), the headers Node's `rawHeaders` array; everything costly (redaction, base64,
 * JSON) happens later, off the request's path.
 */
export interface RecordedRequest {
  /** When the request was received, Unix ms: the arrival time ingest used for its events. */
  receivedAt: number;
  method: string;
  /** The request target as received (path and query), credentials still in it. */
  url: string;
  /** Node's `rawHeaders`: names as sent and values, alternating; credentials still in them. */
  rawHeaders: readonly string[];
  /** The body bytes as received; null when the body was not read (too large, not admitted, broken off). */
  body: Buffer | null;
  status: number;
  requestId: string;
  /** The legacy client kind, or the Pinpoint-native sender's kind. */
  clientKind: ClientKind | PinpointSenderKind;
}

/** Why recording lines were dropped; each is counted apart. */
export interface RecorderDrops {
  /** The in-memory queue was full: the disk is slower than the traffic, or a write hangs. */
  queueFull: number;
  /** A write failed (full disk, no permission, read-only, removed directory), or came during the back-off after one. */
  unwritable: number;
  /** The line alone was larger than `RECORD_MAX_FILE_BYTES`. */
  tooLarge: number;
  /** Still queued when the service stopped (past the grace time), or recorded after. */
  shutdown: number;
}

/** The recorder's counters since start, for logs and metrics. */
export interface RecorderStats {
  linesWritten: number;
  bytesWritten: number;
  /** Requests left out by `RECORD_SAMPLE`, not counted as dropped. */
  sampledOut: number;
  dropped: RecorderDrops;
  /** Lines waiting in memory, and their estimated size. */
  queuedLines: number;
  queuedBytes: number;
  /** Recording files created, and removed to keep the directory under `RECORD_MAX_BYTES`. */
  filesCreated: number;
  filesRemoved: number;
}

/**
 * Records incoming requests for replay. Recording never slows down or fails ingest: `record`
 * returns at once and never throws; whatever cannot be written is dropped and counted.
 */
export interface Recorder {
  /** Queues a request for recording (or leaves it out by sampling); never blocks, awaits or throws. */
  record(request: RecordedRequest): void;
  /** Resolves once everything recorded before the call is written or dropped. */
  flush(): Promise<void>;
  /**
   * Stops recording: what is still queued is dropped (counted as `shutdown`) and the file closed.
   * Call `flush` first, within a deadline, to keep the queue.
   */
  close(): Promise<void>;
  stats(): RecorderStats;
}

/** Counters that are all zero: a recorder that has recorded nothing yet. */
export function emptyRecorderStats(): RecorderStats {
  return {
    linesWritten: 0,
    bytesWritten: 0,
    sampledOut: 0,
    dropped: { queueFull: 0, unwritable: 0, tooLarge: 0, shutdown: 0 },
    queuedLines: 0,
    queuedBytes: 0,
    filesCreated: 0,
    filesRemoved: 0,
  };
}

/** The recorder when `RECORD_DIR` is unset: records nothing, costs nothing. */
export function createNoRecorder(): Recorder {
  return {
    record: () => undefined,
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
    stats: emptyRecorderStats,
  };
}
