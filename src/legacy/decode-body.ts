import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { BadRequestError, InflatedTooLargeError } from '../errors';
import { parseBoundedJson, type ParsedJson } from './json-shape';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);

/** The body encodings legacy clients use. */
type BodyEncoding = 'identity' | 'gzip' | 'deflate';

/** Reads `Content-Encoding` (any case and spacing); refuses encodings no legacy client sends. */
function bodyEncoding(contentEncoding: string | undefined): BodyEncoding {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return 'identity';
  if (encoding === 'gzip' || encoding === 'x-gzip') return 'gzip';
  if (encoding === 'deflate') return 'deflate';
  throw new BadRequestError(`Unsupported Content-Encoding '${encoding.slice(0, 40)}'.`);
}

/** Smallest gzip member: 10-byte header, empty deflate data, 8-byte trailer. */
const GZIP_MIN_BYTES = 18;

/**
 * How many bytes a body will take once inflated, to reserve before inflating it, at most `limit`.
 * Exact for identity bodies. For gzip, the trailer's ISIZE field (size of the last member's
 * data, mod 2^32) as the sender claims it; for deflate, which states no size, four times the body.
 * A short estimate costs one more attempt within the limit (`InflatedTooLargeError`), never more
 * memory: inflation stops at the reserved size.
 */
export function inflatedSizeEstimate(body: Buffer, contentEncoding: string | undefined, limit: number): number {
  switch (bodyEncoding(contentEncoding)) {
    case 'identity':
      return body.length;
    case 'gzip': {
      const claimed = body.length >= GZIP_MIN_BYTES ? body.readUInt32LE(body.length - 4) : 0;
      return Math.min(limit, Math.max(claimed, body.length));
    }
    case 'deflate':
      return Math.min(limit, body.length * 4);
  }
}

/**
 * Inflates a body sent with `Content-Encoding: gzip` or `deflate` (Android 2.2.3+, early iOS),
 * never producing more than `maxInflated` bytes: past it, `InflatedTooLargeError` (a gzip bomb
 * gets 413, not a memory spike). Concatenated gzip members are inflated as one body.
 */
export async function inflateBody(body: Buffer, contentEncoding: string | undefined, maxInflated: number): Promise<Buffer> {
  const encoding = bodyEncoding(contentEncoding);
  if (encoding === 'identity') return body;
  try {
    return await (encoding === 'gzip' ? gunzip : inflate)(body, { maxOutputLength: maxInflated });
  } catch (err: unknown) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new InflatedTooLargeError(maxInflated);
    throw new BadRequestError(`The ${encoding} body could not be decoded.`, { cause: err });
  }
}

/** Parses the (inflated, UTF-8 decoded) body as JSON whatever the Content-Type said (see `parseBoundedJson`). */
export function parseJsonBody(text: string): ParsedJson {
  if (text.length === 0) throw new BadRequestError('The event payload is missing or invalid: the body is empty.');
  return parseBoundedJson(text, 'The event payload', 'The event payload is missing or invalid: it is not valid JSON.');
}
