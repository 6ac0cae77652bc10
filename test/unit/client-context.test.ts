import { BadRequestError } from '../../src/errors';
import { decodeClientContext } from '../../src/legacy/client-context';

const context = { client: { client_id: 'abc', app_title: 'Ünïcödé app' }, env: { platform: 'Android' }, services: { mobile_analytics: { app_id: 'app1' } } };
const json = JSON.stringify(context);
const b64 = Buffer.from(json, 'utf8').toString('base64');

describe('decodeClientContext', () => {
  it.each<[string, string, string | undefined]>([
    ['raw JSON, no encoding', json, undefined],
    ['raw JSON, empty encoding', json, ''],
    ['raw JSON, blank encoding', json, '   '],
    ['raw JSON with surrounding spaces', `  ${json}  `, undefined],
    ['base64', b64, 'base64'],
    ['BASE64', b64, 'BASE64'],
    [' Base64 ', b64, ' Base64 '],
    ['base64 header with surrounding spaces', ` ${b64} `, 'base64'],
  ])('decodes %s', (_label, header, encoding) => {
    expect(decodeClientContext(header, encoding).value).toEqual(context);
  });

  it.each<[string, string | undefined, string | undefined, string]>([
    ['missing header', undefined, undefined, 'Client context is malformed or missing.'],
    ['empty header', '', undefined, 'Client context is malformed or missing.'],
    ['blank header', '   ', 'base64', 'Client context is malformed or missing.'],
    ['unsupported encoding', json, 'gzip', "Unsupported x-amz-Client-Context-Encoding 'gzip'."],
    ['raw JSON sent as base64-encoded', json, 'base64', 'Client context is malformed or missing: it is not valid JSON.'],
    ['invalid JSON', '{"client":', undefined, 'Client context is malformed or missing: it is not valid JSON.'],
    ['base64 of invalid JSON', Buffer.from('{nope').toString('base64'), 'base64', 'Client context is malformed or missing: it is not valid JSON.'],
    ['invalid base64 content', '!!!not base64***', 'base64', 'Client context is malformed or missing: it is not valid JSON.'],
  ])('rejects %s', (_label, header, encoding, message) => {
    let thrown: unknown;
    try {
      decodeClientContext(header, encoding);
    } catch (err: unknown) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(BadRequestError);
    expect((thrown as BadRequestError).message).toBe(message);
    expect((thrown as BadRequestError).status).toBe(400);
  });
});
