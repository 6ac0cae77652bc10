import { readdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ensureDatabaseFile } from '../../src/sqlite-file';
import { makeTempDir } from '../support/temp-dir';

describe('ensureDatabaseFile', () => {
  const temp = makeTempDir();
  afterAll(() => temp.remove());
  const schema = 'CREATE TABLE IF NOT EXISTS t (v TEXT);';

  it('creates the file with its schema in WAL mode, leaving no temporary file', () => {
    const file = path.join(temp.dir, 'nested', 'a.db');
    ensureDatabaseFile(file, schema);
    expect(readdirSync(path.dirname(file))).toEqual(['a.db']);
    const db = new Database(file, { readonly: true, fileMustExist: true });
    expect(db.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(0);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('leaves an existing file and its rows as they are', () => {
    const file = path.join(temp.dir, 'b.db');
    ensureDatabaseFile(file, schema);
    const db = new Database(file);
    db.prepare('INSERT INTO t VALUES (?)').run('kept');
    ensureDatabaseFile(file, 'CREATE TABLE other (x);');
    expect(db.prepare('SELECT v FROM t').pluck().all()).toEqual(['kept']);
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'other'").pluck().get()).toBe(0);
    db.close();
  });
});
