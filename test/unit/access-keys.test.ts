import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadAccessKeys, parseAccessKeys } from '../../src/access/access-keys';
import { ConfigError } from '../../src/config';
import { credentialsJson, FLEET_KEY, OTHER_APP_KEY, writeCredentialsFile } from '../support/device-keys';
import { makeTempDir } from '../support/temp-dir';

const FILE = '/etc/ma2pinpoint/credentials.json';
const SECRET = 'a-secret-that-must-never-be-printed';

function refusal(text: string): ConfigError {
  try {
    parseAccessKeys(text, FILE);
  } catch (err: unknown) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('parseAccessKeys did not throw');
}

describe('AUTH_CREDENTIALS_FILE', () => {
  it('reads access key id → secret and app ids', () => {
    const keys = parseAccessKeys(credentialsJson([FLEET_KEY, OTHER_APP_KEY]), FILE);
    expect([...keys.keys()]).toEqual([FLEET_KEY.accessKeyId, OTHER_APP_KEY.accessKeyId]);
    expect(keys.get(FLEET_KEY.accessKeyId)).toEqual({ secret: FLEET_KEY.secretAccessKey, appIds: new Set(FLEET_KEY.appIds) });
  });

  it('accepts a description per key', () => {
    const keys = parseAccessKeys(JSON.stringify({ AKIDQATEAMDEVICES001: { secret: SECRET, appIds: ['app-1'], description: 'QA team phones' } }), FILE);
    expect(keys.get('AKIDQATEAMDEVICES001')?.appIds).toEqual(new Set(['app-1']));
  });

  it('reads the file from disk', () => {
    const temp = makeTempDir();
    try {
      const file = writeCredentialsFile(temp.dir);
      expect(loadAccessKeys(file).size).toBe(2);
    } finally {
      temp.remove();
    }
  });

  it.each<[string, unknown, RegExp]>([
    ['an empty object', {}, /the file must NOT have fewer than 1 properties/],
    ['an array', [], /the file must be object/],
    ['a key without a secret', { AKIDQATEAMDEVICES001: { appIds: ['a'] } }, /key AKIDQATEAMDEVICES001 must have required property 'secret'/],
    ['a key without app ids', { AKIDQATEAMDEVICES001: { secret: SECRET } }, /key AKIDQATEAMDEVICES001 must have required property 'appIds'/],
    ['an empty app id list', { AKIDQATEAMDEVICES001: { secret: SECRET, appIds: [] } }, /key AKIDQATEAMDEVICES001 → appIds must NOT have fewer than 1 items/],
    ['a short secret', { AKIDQATEAMDEVICES001: { secret: 'short', appIds: ['a'] } }, /key AKIDQATEAMDEVICES001 → secret must NOT have fewer than 16 characters/],
    ['an unknown field', { AKIDQATEAMDEVICES001: { secret: SECRET, appIds: ['a'], secretKey: 'x' } }, /must NOT have additional properties/],
    ['an app id that is not a string', { AKIDQATEAMDEVICES001: { secret: SECRET, appIds: [7] } }, /appIds → 0 must be string/],
    ['an access key id with a slash', { 'AKID/QATEAM/DEVICES': { secret: SECRET, appIds: ['a'] } }, /key #1: an access key id must be 16 to 128 letters, digits or underscores/],
  ])('refuses %s, saying where', (_name, content, message) => {
    const err = refusal(JSON.stringify(content));
    expect(err.message).toMatch(/^Invalid configuration:\n {2}AUTH_CREDENTIALS_FILE=\/etc\/ma2pinpoint\/credentials\.json: /);
    expect(err.message).toMatch(message);
  });

  it('lists every problem at once', () => {
    const err = refusal(JSON.stringify({ AKIDQATEAMDEVICES001: { secret: 'short', appIds: [] }, AKIDQATEAMDEVICES002: {} }));
    expect(err.message.split('\n')).toHaveLength(1 + 4);
  });

  it('never prints a secret: not from a JSON syntax error (V8 quotes the text around it), not from a secret put where an id belongs', () => {
    const broken = refusal(`{"AKIDQATEAMDEVICES001": {"secret": ${SECRET}}}`);
    expect(broken.message).toMatch(/is not valid JSON/);
    const cut = refusal(`{"AKIDQATEAMDEVICES001": {"secret": "${SECRET}`);
    expect(cut.message).toMatch(/is not valid JSON \(at character \d+\)/);
    const swapped = refusal(JSON.stringify({ [`${SECRET}/+`]: { secret: 'AKIDQATEAMDEVICES001', appIds: ['a'] } }));
    for (const err of [broken, cut, swapped]) expect(err.message).not.toContain(SECRET);
  });

  it('says when the file cannot be read, with the error code', () => {
    expect(() => loadAccessKeys('/nonexistent/credentials.json')).toThrow(/AUTH_CREDENTIALS_FILE=\/nonexistent\/credentials\.json: cannot be read \(ENOENT\)/);
    const temp = makeTempDir();
    try {
      const file = path.join(temp.dir, 'locked.json');
      writeFileSync(file, '{}');
      chmodSync(file, 0o000);
      if (process.getuid?.() !== 0) expect(() => loadAccessKeys(file)).toThrow(/cannot be read \(EACCES\)/);
      expect(() => loadAccessKeys(temp.dir)).toThrow(/cannot be read \(EISDIR\)/);
    } finally {
      temp.remove();
    }
  });
});
