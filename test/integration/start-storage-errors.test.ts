import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { breakRootPages, pseudoRandomBytes, spoolFile, spoolWithRows } from '../support/damaged-spool';
import { runToExit, STAND_IN_CREDENTIALS_ENV } from '../support/proxy-process';
import { makeTempDir } from '../support/temp-dir';

/** What a damaged file's line says to do, for `file` (spool.db or events.db). */
const advice = (file: string): RegExp => {
  const name = path.basename(file).replace('.', '\\.');
  return new RegExp(`move ${name} and its ${name}-wal and ${name}-shm files out of .*recover what the moved file holds with sqlite3 \\(\\.recover or \\.dump; README "Durability: the spool"\\)\\. The service never moves or deletes it`);
};

/**
 * A DATA_DIR the service cannot use, or a damaged database in it, ends start-up with exit code 1
 * and one `cannot start` log line whose reason names the file and the cause (and, for a damaged
 * file, what to do), not a stack trace. The built service runs as an operator runs it.
 */
describe('start-up with an unusable DATA_DIR or a damaged database', () => {
  let temp: ReturnType<typeof makeTempDir>;
  const mounts: string[] = [];

  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(() => {
    for (const dir of mounts.splice(0)) execFileSync('umount', [dir]);
    temp.remove();
  });

  /** Runs the service to its end and returns the one `cannot start` line, after checking the rest of the output. */
  const expectCannotStart = async (env: Record<string, string>): Promise<Record<string, unknown>> => {
    const result = await runToExit('service', [], { PORT: '0', HOST: '127.0.0.1', ...env }, 10_000);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 1, stderr: '' });
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((l) => l['level'] === 'error')).toEqual([expect.objectContaining({ message: 'cannot start' })]);
    expect(lines.map((l) => l['message'])).not.toContain('listening');
    expect(result.stdout).not.toMatch(/\bat .*\.js:\d+/);
    expect(JSON.stringify(lines)).not.toContain('"stack"');
    return lines.find((l) => l['message'] === 'cannot start') as Record<string, unknown>;
  };

  it('DATA_DIR below a regular file: cannot create it', async () => {
    writeFileSync(path.join(temp.dir, 'a-file'), 'not a directory');
    const dataDir = path.join(temp.dir, 'a-file', 'sub');
    const line = await expectCannotStart({ DATA_DIR: dataDir });
    expect(line).toEqual(expect.objectContaining({ code: 'ENOTDIR', path: path.join(dataDir, 'spool.db') }));
    expect(line['reason']).toBe(
      `cannot open the spool ${dataDir}/spool.db: cannot create the directory ${dataDir}: a component of the path is not a directory (ENOTDIR)`,
    );
  });

  it('DATA_DIR is a regular file', async () => {
    const dataDir = path.join(temp.dir, 'data');
    writeFileSync(dataDir, 'not a directory');
    const line = await expectCannotStart({ DATA_DIR: dataDir });
    expect(line['reason']).toBe(`cannot open the spool ${dataDir}/spool.db: cannot create the directory ${dataDir}: it exists and is not a directory (EEXIST)`);
  });

  it('DATA_DIR on a read-only volume', async () => {
    const dataDir = path.join(temp.dir, 'ro');
    mkdirSync(dataDir);
    if (process.getuid?.() === 0) {
      // chmod does not stop root from writing: a read-only mount does.
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', dataDir], { stdio: 'ignore' });
      } catch {
        console.warn('skipped: running as root without the right to mount a read-only tmpfs');
        return;
      }
      mounts.push(dataDir);
    } else {
      chmodSync(dataDir, 0o555);
    }
    const line = await expectCannotStart({ DATA_DIR: dataDir });
    expect(line['reason']).toMatch(
      new RegExp(
        `^cannot open the spool ${dataDir}/spool\\.db: unable to open database file \\(SQLITE_CANTOPEN\\): the directory ${dataDir} is not writable: (read-only file system \\(EROFS\\)|permission denied \\(EACCES\\))$`,
      ),
    );
  });

  it('spool.db is not a database', async () => {
    writeFileSync(spoolFile(temp.dir), pseudoRandomBytes(8 * 4096, 1));
    const line = await expectCannotStart({ DATA_DIR: temp.dir });
    expect(line).toEqual(expect.objectContaining({ code: 'SQLITE_NOTADB', path: spoolFile(temp.dir) }));
    expect(line['reason']).toMatch(new RegExp(`^cannot open the spool ${spoolFile(temp.dir)}: file is not a database \\(SQLITE_NOTADB\\)\\. To go on with an empty spool: stop the service, `));
    expect(line['reason']).toMatch(advice(spoolFile(temp.dir)));
  });

  it('spool.db with a damaged table: names the file and says it is damaged', async () => {
    const env = { DATA_DIR: temp.dir, SINK: 'pinpoint', PINPOINT_ENDPOINT: 'http://127.0.0.1:9', ...STAND_IN_CREDENTIALS_ENV };
    await spoolWithRows(temp.dir, 20);
    breakRootPages(spoolFile(temp.dir), ['batches']);
    const line = await expectCannotStart(env);
    expect(line).toEqual(expect.objectContaining({ path: spoolFile(temp.dir) }));
    expect(line['reason']).toMatch(new RegExp(`^the spool ${spoolFile(temp.dir)} is damaged: .+\\. To go on with an empty spool: `));
    expect(line['reason']).toMatch(advice(spoolFile(temp.dir)));
  });

  // The local store is opened by the delivery side: on its worker thread (the default), or inline.
  it.each(['worker', 'inline'])('events.db is not a database (DELIVERY_THREAD=%s)', async (thread) => {
    const store = path.join(temp.dir, 'events.db');
    writeFileSync(store, pseudoRandomBytes(8 * 4096, 2));
    const line = await expectCannotStart({ DATA_DIR: temp.dir, DELIVERY_THREAD: thread });
    expect(line).toEqual(expect.objectContaining({ code: 'SQLITE_NOTADB', path: store }));
    expect(line['reason']).toMatch(new RegExp(`^cannot open the local store ${store}: file is not a database \\(SQLITE_NOTADB\\)\\. To go on with an empty local store: `));
    expect(line['reason']).toMatch(advice(store));
  });

  it('events.db is a directory', async () => {
    const store = path.join(temp.dir, 'events.db');
    mkdirSync(store);
    const line = await expectCannotStart({ DATA_DIR: temp.dir });
    expect(line['reason']).toBe(`cannot open the local store ${store}: unable to open database file (SQLITE_CANTOPEN): it is a directory`);
  });
});
