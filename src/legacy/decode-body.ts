import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { BadRequestError, PayloadTooLargeError } from '../errors';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);

/**
 * Inflates a body sent with `Content-Encoding: gzip` or `deflate` (Android 2.2.3+, early iOS),
 * never producing more than `maxInflated` bytes: a gzip bomb gets 413, not a memory spike.
 */
export async function inflateBody(body: Buffer, contentEncoding: string | undefined, maxInflated: number): Promise<Buffer> {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return body;
  const inflater = encoding === 'gzip' || encoding === 'x-gzip' ? gunzip : encoding === 'deflate' ? inflate : undefined;
  if (!inflater) throw new BadRequestError(`Unsupported Content-Encoding '${encoding.slice(0, 40)}'.`);
  try {
    return await inflater(body, { maxOutputLength: maxInflated });
  } catch (err: unknown) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new PayloadTooLargeError(`The inflated payload cannot exceed ${maxInflated} bytes.`);
    }
    throw new BadRequestError(`The ${encoding} body could not be decoded.`, { cause: err });
  }
}

/** Parses the (inflated, UTF-8 decoded) body as JSON whatever the Content-Type said. */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) throw new BadRequestError('The event payload is missing or invalid: the body is empty.');
  try {
    return JSON.parse(text) as unknown;
  } catch (err: unknown) {
    throw new BadRequestError('The event payload is missing or invalid: it is not valid JSON.', { cause: err });
  }
}
