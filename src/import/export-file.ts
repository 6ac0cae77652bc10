import { createReadStream } from 'node:fs';
import { describeError, errorCode } from '../storage-error';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { JsonObjectSplitter, type SplitPiece } from './json-object-splitter';

/** Leading bytes of compressed files, by format. */
const MAGIC: ReadonlyArray<{ format: 'gzip' | 'zip' | 'snappy'; bytes: Buffer }> = [
  { format: 'gzip', bytes: Buffer.from([0x1f, 0x8b]) },
  { format: 'zip', bytes: Buffer.from('PK\x03\x04', 'latin1') },
  { format: 'snappy', bytes: Buffer.from('\xff\x06\x00\x00sNaPpY', 'latin1') },
];
const MAGIC_BYTES = Math.max(...MAGIC.map((m) => m.bytes.length));

/** A file that cannot be read as an export; the message says why, for the summary. */
export class ExportFileError extends Error {}

/** How the file is compressed, by its first bytes (names lie: Firehose writes `.gz`-less objects). */
async function compressionOf(file: string): Promise<'gzip' | 'zip' | 'snappy' | 'none'> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(MAGIC_BYTES);
    const { bytesRead } = await handle.read(head, 0, MAGIC_BYTES, 0);
    const found = MAGIC.find((m) => bytesRead >= m.bytes.length && head.subarray(0, m.bytes.length).equals(m.bytes));
    return found?.format ?? 'none';
  } finally {
    await handle.close();
  }
}

/**
 * Reads an export file as a stream, gunzipping it when its first bytes say gzip (several gzip
 * members in a row, as concatenated uploads make, are read as one), and yields the top-level
 * JSON pieces of each chunk (see `JsonObjectSplitter`). `onBytesRead` is told how many bytes of
 * the file (compressed, as on disk) have been read so far, for progress. ZIP and Snappy (Firehose's other compressions) are
 * refused with `ExportFileError`; so is a file that breaks off, after the pieces read before.
 */
export async function* readExportFile(file: string, options: { maxObjectBytes: number; onBytesRead: (bytes: number) => void }): AsyncGenerator<SplitPiece[]> {
  const compression = await compressionOf(file);
  if (compression === 'zip' || compression === 'snappy') {
    throw new ExportFileError(`${compression === 'zip' ? 'a ZIP' : 'a Snappy'} file; decompress it first (gzip and plain files are read)`);
  }
  const raw = createReadStream(file);
  // pipeline, not pipe: an error of either stream ends the loop below with that error.
  const source: Readable = compression === 'gzip' ? pipeline(raw, createGunzip(), () => undefined) : raw;
  const splitter = new JsonObjectSplitter(options.maxObjectBytes);
  try {
    for await (const chunk of source) {
      options.onBytesRead(raw.bytesRead);
      yield splitter.push(chunk as Buffer);
    }
  } catch (err: unknown) {
    throw new ExportFileError(describeReadError(err, compression === 'gzip'), { cause: err });
  } finally {
    raw.destroy();
  }
  yield splitter.end();
}

function describeReadError(err: unknown, gzip: boolean): string {
  return gzip && errorCode(err)?.startsWith('Z_') === true ? `not a complete gzip file: ${describeError(err)}` : describeError(err);
}
