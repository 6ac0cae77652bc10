import { BadRequestError } from '../errors';
import { parseBoundedJson, type ParsedJson } from './json-shape';

/**
 * Decodes the `x-amz-Client-Context` header and parses it (see `parseBoundedJson`). It is raw JSON unless
 * `x-amz-Client-Context-Encoding` says `base64` (any case): Android 2.1.7+ encodes it,
 * iOS and the JS clients never do.
 */
export function decodeClientContext(header: string | undefined, encoding: string | undefined): ParsedJson {
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
  return parseBoundedJson(text, 'The client context', 'Client context is malformed or missing: it is not valid JSON.');
}
