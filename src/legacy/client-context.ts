import { BadRequestError } from '../errors';
import { nestsWithin } from './json-shape';
import { MAX_JSON_DEPTH } from './limits';

/** The client context as JSON text, and parsed. */
export interface DecodedClientContext {
  json: string;
  value: unknown;
}

/**
 * Decodes the `x-amz-Client-Context` header into JSON. It is raw JSON unless
 * `x-amz-Client-Context-Encoding` says `base64` (any case): Android 2.1.7+ encodes it,
 * iOS and the JS clients never do.
 */
export function decodeClientContext(header: string | undefined, encoding: string | undefined): DecodedClientContext {
  if (header === undefined || header.trim() === '') {
    throw new BadRequestError('Client context is malformed or missing.');
  }
  let text = header;
  if (encoding !== undefined && encoding.trim() !== '') {
    if (encoding.trim().toLowerCase() !== 'base64') {
      throw new BadRequestError(`Unsupported x-amz-Client-Context-Encoding '${encoding.slice(0, 40)}'.`);
    }
    text = Buffer.from(header.trim(), 'base64').toString('utf8');
  }
  if (!nestsWithin(text, MAX_JSON_DEPTH)) {
    throw new BadRequestError(`The client context is invalid: it nests objects or arrays more than ${MAX_JSON_DEPTH} levels deep.`);
  }
  try {
    return { json: text, value: JSON.parse(text) as unknown };
  } catch (err: unknown) {
    throw new BadRequestError('Client context is malformed or missing: it is not valid JSON.', { cause: err });
  }
}
