import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EndpointRequest } from '@aws-sdk/client-pinpoint';
import { openEndpointProfileStore } from '../../src/composition/endpoint-profiles';
import { loadConfig } from '../../src/config';
import type { EndpointProfileStore } from '../../src/endpoint-profiles/endpoint-profile-store';
import { EndpointStoreFullError } from '../../src/endpoint-profiles/endpoint-store-full-error';
import { recordBytes } from '../../src/endpoint-profiles/endpoint-update';
import { createMemoryEndpointProfileStore } from '../../src/endpoint-profiles/memory-endpoint-profile-store';
import { endpointStorePath, openSqliteEndpointProfileStore } from '../../src/endpoint-profiles/sqlite-endpoint-profile-store';
import { StorageOpenError } from '../../src/storage-error';
import { createCaptureLogger } from '../support/capture-logger';
import { AMPLIFY_PROFILE, describeEndpointProfileStoreContract } from '../support/endpoint-profile-store-contract';
import { makeTempDir } from '../support/temp-dir';

const temp = makeTempDir();
afterAll(() => temp.remove());

let files = 0;
/** A file of its own in a directory of its own, as `DATA_DIR/endpoints.db`. */
const newFile = (): string => endpointStorePath(path.join(temp.dir, `data-${files++}`));

describeEndpointProfileStoreContract('memory', (maxBytes) => createMemoryEndpointProfileStore({ maxBytes }));
describeEndpointProfileStoreContract('SQLite', (maxBytes) => openSqliteEndpointProfileStore(newFile(), { maxBytes }));

describe('recordBytes', () => {
  it('counts the ids and the JSON in UTF-8 bytes', () => {
    expect(recordBytes('app', 'é', '{"a":"€"}')).toBe(3 + 2 + 11);
  });
});

describe('the SQLite endpoint profile store', () => {
  const T0 = Date.parse('2026-05-01T10:00:00.000Z');
  const dated = (at: number, value: string): EndpointRequest => ({ EffectiveDate: new Date(at).toISOString(), Attributes: { a: [value] } });
  const opened: EndpointProfileStore[] = [];
  const open = (file: string, maxBytes = 1024 ** 3): EndpointProfileStore => {
    const store = openSqliteEndpointProfileStore(file, { maxBytes });
    opened.push(store);
    return store;
  };
  afterEach(() => {
    for (const store of opened.splice(0)) store.close();
  });

  it('keeps the profiles and their dates across a close and a reopen', () => {
    const file = newFile();
    const first = open(file);
    first.put('app', 'device-1', AMPLIFY_PROFILE, T0);
    first.put('app', 'device-1', dated(T0 + 1000, 'later'), T0 + 1000);
    const before = first.get('app', 'device-1');
    first.close();
    const again = open(file);
    expect(again.get('app', 'device-1')).toEqual(before);
    expect(again.get('app', 'device-1')).toMatchObject({ createdAt: T0, updatedAt: T0 + 1000 });
    // The EffectiveDate it compares with came back too.
    expect(again.put('app', 'device-1', dated(T0 + 999, 'late retry'), T0 + 2000)).toBe('older-kept');
  });

  it('has the exact byte total after a reopen: the bound lets in what fits and nothing more', () => {
    const file = newFile();
    const [a, b] = [dated(T0, 'a'.repeat(300)), dated(T0, 'b'.repeat(200))];
    const first = open(file);
    first.put('app', 'device-a', dated(T0 - 1, 'replaced by a'), T0);
    first.put('app', 'device-a', a, T0);
    first.close();
    const again = open(file, recordBytes('app', 'device-a', JSON.stringify(a)) + recordBytes('app', 'device-b', JSON.stringify(b)));
    expect(again.put('app', 'device-b', b, T0)).toBe('stored');
    expect(() => again.put('app', 'device-c', dated(T0, 'c'), T0)).toThrow(EndpointStoreFullError);
  });

  it('over a bound lowered since, still stores updates that keep or shrink a profile, and refuses growth', () => {
    const file = newFile();
    open(file).put('app', 'device-a', dated(T0, 'a'.repeat(300)), T0);
    const lowered = open(file, 100);
    expect(lowered.put('app', 'device-a', dated(T0 + 1, 'b'.repeat(300)), T0 + 1)).toBe('stored');
    expect(lowered.put('app', 'device-a', dated(T0 + 2, 'c'.repeat(200)), T0 + 2)).toBe('stored');
    expect(() => lowered.put('app', 'device-a', dated(T0 + 3, 'd'.repeat(201)), T0 + 3)).toThrow(EndpointStoreFullError);
    expect(lowered.get('app', 'device-a')?.profile).toEqual(dated(T0 + 2, 'c'.repeat(200)));
  });

  it('keeps one exact total for two connections to one file', () => {
    const file = newFile();
    const [a, b] = [dated(T0, 'a'.repeat(30)), dated(T0, 'b'.repeat(20))];
    const maxBytes = recordBytes('app', 'device-a', JSON.stringify(a)) + recordBytes('app', 'device-b', JSON.stringify(b));
    const [one, other] = [open(file, maxBytes), open(file, maxBytes)];
    one.put('app', 'device-a', a, T0);
    other.put('app', 'device-b', b, T0);
    expect(() => one.put('app', 'device-c', dated(T0, 'c'), T0)).toThrow(EndpointStoreFullError);
    expect(other.get('app', 'device-a')?.profile).toEqual(a);
  });

  it('refuses to open a file that is not a database, in one line that names it and says what to do', () => {
    const file = newFile();
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'this is not a database, only some text long enough to hold a header');
    let error: unknown;
    try {
      open(file);
    } catch (err: unknown) {
      error = err;
    }
    expect(error).toBeInstanceOf(StorageOpenError);
    expect(error).toMatchObject({ path: file, code: 'SQLITE_NOTADB', damaged: true });
    const { message } = error as StorageOpenError;
    expect(message).not.toContain('\n');
    expect(message).toMatch(new RegExp(`^cannot open the .+ ${file}: file is not a database \\(SQLITE_NOTADB\\)\\. To go on with an empty .+ move endpoints\\.db`));
  });

  it('refuses a DATA_DIR below a regular file, in one line that names the directory', () => {
    const blocker = path.join(temp.dir, `blocker-${files++}`);
    writeFileSync(blocker, 'a file, not a directory');
    const file = endpointStorePath(path.join(blocker, 'data'));
    expect(() => open(file)).toThrow(StorageOpenError);
    expect(() => open(file)).toThrow(new RegExp(`^cannot open the .+ ${file}: cannot create the directory ${path.join(blocker, 'data')}: [^\\n]+$`));
  });
});

describe('openEndpointProfileStore', () => {
  it('opens endpoints.db in DATA_DIR, bounded by ENDPOINT_STORE_MAX_BYTES, and says so without any id', () => {
    const dataDir = path.join(temp.dir, 'composed');
    const config = loadConfig({ DATA_DIR: dataDir, ENDPOINT_STORE_MAX_BYTES: '1mb' });
    const logger = createCaptureLogger();
    const store = openEndpointProfileStore(config, logger);
    try {
      expect(existsSync(path.join(dataDir, 'endpoints.db'))).toBe(true);
      expect(logger.withMessage('endpoint profiles')).toEqual([
        { level: 'info', message: 'endpoint profiles', fields: { file: path.join(dataDir, 'endpoints.db'), maxBytes: 1024 ** 2 } },
      ]);
      store.put('app', 'device-1', { Attributes: { a: ['x'.repeat(100)] } }, 0);
      // About 50 KB each (ten attributes of 50 values of 100 characters): 1 MiB holds 20 beside the first.
      const large = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`a${i}`, Array.from({ length: 50 }, () => 'x'.repeat(100))]));
      let stored = 0;
      expect(() => {
        for (let i = 0; i < 100; i += 1, stored += 1) store.put('app', `large-${i}`, { Attributes: large }, 0);
      }).toThrow(EndpointStoreFullError);
      expect(stored).toBe(20);
    } finally {
      store.close();
    }
  });
});
