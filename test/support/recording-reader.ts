import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { isRecordingFileName, sortRecordingFileNames } from '../../src/recording/recording-files';
import type { RecordingLine } from '../../src/recording/recording-line';

/** An ISO 8601 UTC time with milliseconds, as `Date.toISOString` writes it. */
const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * `schemas/recording.schema.json` compiled by a strict ajv of the test's own, every error
 * reported; `date-time` checked as the writer writes it, naming a real instant (ajv ships no formats).
 */
export function recordingLineValidator(): ValidateFunction<RecordingLine> {
  const ajv = new Ajv({ strict: true, allErrors: true });
  ajv.addFormat('date-time', { type: 'string', validate: (text) => ISO_UTC_MS.test(text) && new Date(text).toISOString() === text });
  const schema = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'schemas', 'recording.schema.json'), 'utf8')) as object;
  return ajv.compile<RecordingLine>(schema);
}

/** The recording files of a directory, oldest first, with their text (other files left out). */
export function recordingFiles(dir: string): { name: string; text: string }[] {
  return sortRecordingFileNames(readdirSync(dir)).map((name) => ({ name, text: readFileSync(path.join(dir, name), 'utf8') }));
}

/** Every file in a directory as text, recording or not: what a grep for secrets must look at. */
export function everyFileText(dir: string): string {
  return readdirSync(dir)
    .map((name) => readFileSync(path.join(dir, name), 'utf8'))
    .join('\n');
}

/**
 * The lines of every recording file of a directory, oldest first, each checked against the schema
 * (an invalid or broken-off line fails the test with its file, line number and ajv's errors).
 */
export function readRecordingLines(dir: string): RecordingLine[] {
  const validate = recordingLineValidator();
  const lines: RecordingLine[] = [];
  for (const { name, text } of recordingFiles(dir)) {
    expect(isRecordingFileName(name)).toBe(true);
    if (text === '') continue;
    if (!text.endsWith('\n')) throw new Error(`${name} ends in a broken-off line`);
    for (const [i, raw] of text.slice(0, -1).split('\n').entries()) {
      const line: unknown = JSON.parse(raw);
      if (!validate(line)) throw new Error(`${name}:${i + 1} is not a valid recording line: ${JSON.stringify(validate.errors)}`);
      lines.push(line);
    }
  }
  return lines;
}
