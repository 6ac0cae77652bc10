import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { SpoolStats } from '../../src/spool/spool-admin';
import { pseudoRandomBytes, scrambleMiddlePages, spoolFile, spoolWithRows } from '../support/damaged-spool';
import { runToExit, STAND_IN_CREDENTIALS_ENV } from '../support/proxy-process';
import { makeTempDir } from '../support/temp-dir';

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/**
 * `ma2pinpoint spool stats` on a spool damaged on disk (the reported case printed
 * "121 453 659 454 242" stored events): the CLI checks the file first and, when it is damaged,
 * prints one line naming the file and what to do, exits 1, prints no numbers, and leaves the
 * file as it is.
 */
describe('spool CLI on a damaged spool', () => {
  let temp: ReturnType<typeof makeTempDir>;
  const env = (): Record<string, string> => ({ DATA_DIR: temp.dir, SINK: 'pinpoint', ...STAND_IN_CREDENTIALS_ENV });
  const expectOneDamageLine = (stderr: string, cause: RegExp): void => {
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    const [line] = lines as [string];
    expect(line).toContain(spoolFile(temp.dir));
    expect(line).toMatch(cause);
    expect(line).toMatch(/move spool\.db and its spool\.db-wal and spool\.db-shm files out of /);
    expect(line).toMatch(/recover what the moved file holds with sqlite3 \(\.recover or \.dump; README "Durability: the spool"\)/);
    expect(line).toMatch(/never moves or deletes it/);
  };

  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(() => {
    temp.remove();
  });

  // One scrambled page in the middle: before the check, `spool stats` printed numbers and exit code 0 (the
  // damaged page was an overflow page its query did not read); four: it died with a SqliteError stack.
  it.each([1, 4])('says a spool with %i scrambled page(s) is damaged instead of printing numbers read from it, and leaves it as it is', async (pages) => {
    const stored = await spoolWithRows(temp.dir, 150);
    const sound = await runToExit('cli', ['spool', 'stats', '--json'], env());
    expect(sound).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    expect((JSON.parse(sound.stdout) as SpoolStats).storedEvents).toBe(stored);

    scrambleMiddlePages(spoolFile(temp.dir), pages);
    const damaged = sha256(spoolFile(temp.dir));
    for (const args of [
      ['spool', 'stats'],
      ['spool', 'stats', '--json'],
    ]) {
      const result = await runToExit('cli', args, env());
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 1, stdout: '' });
      expectOneDamageLine(result.stderr, /is damaged: .+/);
    }
    expect(sha256(spoolFile(temp.dir))).toBe(damaged);
  });

  it('says a spool.db that is not a database at all cannot be opened, in one line, with exit code 1', async () => {
    writeFileSync(spoolFile(temp.dir), pseudoRandomBytes(16 * 4096, 7));
    const result = await runToExit('cli', ['spool', 'stats'], env());
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expectOneDamageLine(result.stderr, /cannot open the spool .*: file is not a database \(SQLITE_NOTADB\)/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
