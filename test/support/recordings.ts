import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { recordableHeaders, recordableUrl, RECORDING_VERSION, type RecordingLine } from '../../src/recording/recording-line';
import type { ClientFixture } from '../fixtures/clients/device-request';

/**
 * A recording line for a client fixture, as the recorder writes one: headers in lower case with
 * the device's credentials left out (the recorder's own `recordableHeaders`), the body bytes as
 * sent, base64.
 */
export function recordingLineOf(fixture: ClientFixture, time: number, overrides: Partial<RecordingLine> = {}): RecordingLine {
  return {
    v: RECORDING_VERSION,
    time: new Date(time).toISOString(),
    method: fixture.method,
    url: recordableUrl(fixture.path),
    headers: recordableHeaders(fixture.headers),
    body: fixture.body.toString('base64'),
    status: 202,
    requestId: `request-${time}`,
    clientKind: fixture.kind,
    ...overrides,
  };
}

/** Writes recording lines (objects, or raw text for broken lines) as a JSON Lines file in `dir`; returns its path. */
export function writeRecording(dir: string, name: string, lines: ReadonlyArray<RecordingLine | string>): string {
  const file = path.join(dir, name);
  writeFileSync(file, lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n');
  return file;
}
