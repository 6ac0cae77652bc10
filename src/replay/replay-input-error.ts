/**
 * Replay input that cannot be read as a recording or a HAR file: the message names the file and,
 * for a recording, the line. Replay checks every input before it sends anything, so such an
 * error never leaves a replay half done.
 */
export class ReplayInputError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReplayInputError';
  }
}
