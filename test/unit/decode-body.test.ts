import zlib from 'node:zlib';
import { BadRequestError, PayloadTooLargeError } from '../../src/errors';
import { inflateBody, parseJsonBody } from '../../src/legacy/decode-body';

const text = JSON.stringify({ events: Array.from({ length: 20 }, (_, i) => ({ eventType: `e${i}`, timestamp: '2024-01-01T00:00:00Z' })) });
const plain = Buffer.from(text, 'utf8');
const gz = zlib.gzipSync(plain);
const df = zlib.deflateSync(plain);
const CAP = 1024 * 1024;

/** Resolves to what was thrown (undefined when nothing was). */
const thrownBy = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (err: unknown) => err,
  );

describe('inflateBody', () => {
  it.each<[string, string | undefined]>([
    ['no header', undefined],
    ['empty', ''],
    ['blank', '  '],
    ['identity', 'identity'],
    ['IDENTITY', ' IDENTITY '],
  ])('passes the body through for %s', async (_label, encoding) => {
    // Even a body that is not valid gzip passes through untouched.
    await expect(inflateBody(gz, encoding, CAP)).resolves.toBe(gz);
  });

  it.each<[string, Buffer]>([
    ['gzip', gz],
    ['x-gzip', gz],
    ['GZIP', gz],
    [' gzip ', gz],
    ['X-Gzip', gz],
    ['deflate', df],
    ['Deflate ', df],
  ])('inflates %j', async (encoding, body) => {
    const out = await inflateBody(body, encoding, CAP);
    expect(out.toString('utf8')).toBe(text);
  });

  it.each<[string, string]>([
    ['br', "Unsupported Content-Encoding 'br'."],
    ['compress', "Unsupported Content-Encoding 'compress'."],
    ['gzip, deflate', "Unsupported Content-Encoding 'gzip, deflate'."],
    [' ZSTD ', "Unsupported Content-Encoding 'zstd'."],
    ['x'.repeat(100), `Unsupported Content-Encoding '${'x'.repeat(40)}'.`],
  ])('rejects unsupported encoding %j', async (encoding, message) => {
    const err = await thrownBy(inflateBody(gz, encoding, CAP));
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as Error).message).toBe(message);
  });

  it.each<[string, Buffer, string]>([
    ['gzip', Buffer.from('definitely not gzip'), 'The gzip body could not be decoded.'],
    ['gzip', gz.subarray(0, gz.length - 10), 'The gzip body could not be decoded.'],
    ['deflate', Buffer.from('not deflate either'), 'The deflate body could not be decoded.'],
    ['gzip', df, 'The gzip body could not be decoded.'],
  ])('rejects a corrupt %s body', async (encoding, body, message) => {
    const err = await thrownBy(inflateBody(body, encoding, CAP));
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as Error).message).toBe(message);
  });

  it.each<[string, Buffer]>([
    ['gzip', gz],
    ['deflate', df],
  ])('%s: inflated output over the cap is PayloadTooLargeError', async (encoding, body) => {
    const err = await thrownBy(inflateBody(body, encoding, plain.length - 1));
    expect(err).toBeInstanceOf(PayloadTooLargeError);
    expect((err as PayloadTooLargeError).status).toBe(413);
    expect((err as Error).message).toBe(`The inflated payload cannot exceed ${plain.length - 1} bytes.`);
  });

  it('a gzip bomb is stopped at the cap', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(8 * 1024 * 1024));
    await expect(thrownBy(inflateBody(bomb, 'gzip', CAP))).resolves.toBeInstanceOf(PayloadTooLargeError);
  });

  it.each<[string, Buffer]>([
    ['gzip', gz],
    ['deflate', df],
  ])('%s: inflated output exactly at the cap passes', async (encoding, body) => {
    const out = await inflateBody(body, encoding, plain.length);
    expect(out.equals(plain)).toBe(true);
  });
});

describe('parseJsonBody', () => {
  it.each<[string, unknown]>([
    ['{"a":1}', { a: 1 }],
    ['[]', []],
    ['  {"events":[]}  ', { events: [] }],
    ['null', null],
  ])('parses %j', (input, expected) => {
    expect(parseJsonBody(input).value).toEqual(expected);
  });

  it.each<[string, string]>([
    ['', 'The event payload is missing or invalid: the body is empty.'],
    ['{', 'The event payload is missing or invalid: it is not valid JSON.'],
    ['not json', 'The event payload is missing or invalid: it is not valid JSON.'],
    ['   ', 'The event payload is missing or invalid: it is not valid JSON.'],
    ['{"a":1}garbage', 'The event payload is missing or invalid: it is not valid JSON.'],
  ])('rejects %j', (input, message) => {
    let thrown: unknown;
    try {
      parseJsonBody(input);
    } catch (err: unknown) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(BadRequestError);
    expect((thrown as Error).message).toBe(message);
  });
});
