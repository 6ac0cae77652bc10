import { createReadStream } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import { RECORDING_VERSION, type RecordingLine } from '../recording/recording-line';
import { createStrictAjv, loadSchema } from '../schemas';
import { ReplayInputError } from './replay-input-error';
import type { ReplayClientKind, ReplayRequest } from './replay-request';

/**
 * The longest recording line read. A line holds one request, its body base64 (4/3 of its bytes):
 * 64 MiB of text is far above any body limit a service runs with, and a file without newlines
 * (not a recording) is refused at that point rather than read whole into memory.
 */
export const MAX_RECORDING_LINE_BYTES = 64 * 1024 * 1024;

const NEWLINE = 0x0a;

/** RFC 3339 date-time, as the recorder writes `time` (`toISOString()`), naming a real instant. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Base64 as `Buffer.toString('base64')` writes it, less the length (a multiple of 4, checked
 * apart): `Buffer.from` would skip other characters silently. One character class, no group
 * repeated per quantum: V8 backtracks a repeated group on its stack, which overflows on a body
 * of about 3 MB (a Pinpoint PutEvents may be 4 MB).
 */
const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;

function isBase64(text: string): boolean {
  return text.length % 4 === 0 && BASE64_TEXT.test(text);
}

let compiled: ValidateFunction<RecordingLine> | undefined;

/** `schemas/recording.schema.json`, compiled once. */
function lineValidator(): ValidateFunction<RecordingLine> {
  if (compiled) return compiled;
  const ajv = createStrictAjv();
  ajv.addFormat('date-time', { type: 'string', validate: (value) => DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)) });
  compiled = ajv.compile<RecordingLine>(loadSchema('recording.schema.json'));
  return compiled;
}

/** One line of a file: its text (without the line break) and number, and whether a newline ended it. */
interface FileLine {
  text: string;
  number: number;
  ended: boolean;
}

/** The lines of a file, streamed: only the current line is held, and none longer than `MAX_RECORDING_LINE_BYTES`. */
async function* fileLines(file: string): AsyncGenerator<FileLine> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let number = 0;
  const take = (ended: boolean): FileLine => {
    const text = Buffer.concat(pending, pendingBytes).toString('utf8');
    pending = [];
    pendingBytes = 0;
    number += 1;
    return { text: text.endsWith('\r') ? text.slice(0, -1) : text, number, ended };
  };
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      pending.push(chunk.subarray(start, end));
      pendingBytes += end - start;
      start = end + 1;
      yield take(true);
    }
    pending.push(chunk.subarray(start));
    pendingBytes += chunk.length - start;
    if (pendingBytes > MAX_RECORDING_LINE_BYTES) {
      throw new ReplayInputError(`${file}:${number + 1}: a line longer than ${MAX_RECORDING_LINE_BYTES} bytes is not a recording line`);
    }
  }
  if (pendingBytes > 0) yield take(false);
}

/** What reading a recording file met besides requests. */
export interface RecordingNotes {
  /** The last line, when a newline did not end it and it is not JSON: a line the recorder was writing, or cut off by a crash. */
  cutOffLine?: string;
}

/** A recording line's problem, as `file:line: …`. */
function problem(source: string, what: string): ReplayInputError {
  return new ReplayInputError(`${source}: ${what}`);
}

/** Parses and checks one line against the line format; throws naming the line. */
function parseLine(source: string, text: string): RecordingLine {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw problem(source, 'not a recording line: it is not JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw problem(source, 'not a recording line: it is not a JSON object');
  const version = (value as { v?: unknown }).v;
  if (version !== RECORDING_VERSION) {
    throw problem(
      source,
      version === undefined
        ? 'not a recording line: it has no line format version ("v")'
        : `recording line format version ${JSON.stringify(version)} is not one this ma2pinpoint reads (it reads version ${RECORDING_VERSION}); replay it with the ma2pinpoint that recorded it`,
    );
  }
  const validate = lineValidator();
  if (!validate(value)) {
    const first = validate.errors?.[0];
    throw problem(source, `not a valid recording line: ${first ? `${first.instancePath || '/'} ${first.message ?? 'is invalid'}` : 'invalid'}`);
  }
  if (value.body !== null && !isBase64(value.body)) throw problem(source, 'not a valid recording line: /body is not base64');
  return value;
}

/**
 * The requests of a recording file (JSON Lines, line format version 1), streamed line by line.
 * Blank lines are skipped. A line that is not a valid version-1 line throws a `ReplayInputError`
 * naming `file:line`, except a last line that no newline ends and that is not JSON: the recorder
 * was writing it (or stopped while it did), so it is left out and named in `notes.cutOffLine`.
 */
export async function* readRecording(file: string, notes: RecordingNotes = {}): AsyncGenerator<ReplayRequest> {
  for await (const line of fileLines(file)) {
    if (line.text.trim() === '') continue;
    const source = `${file}:${line.number}`;
    if (!line.ended && !isJson(line.text)) {
      notes.cutOffLine = source;
      return;
    }
    const recorded = parseLine(source, line.text);
    yield {
      source,
      time: Date.parse(recorded.time),
      method: recorded.method,
      url: recorded.url,
      headers: recorded.headers,
      body: recorded.body === null ? null : Buffer.from(recorded.body, 'base64'),
      recordedStatus: recorded.status,
      clientKind: recorded.clientKind as ReplayClientKind,
    };
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
