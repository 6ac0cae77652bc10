import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runToExit } from '../support/proxy-process';
import { makeTempDir } from '../support/temp-dir';

describe('events tail on a damaged local store', () => {
  it('says in one line which file is damaged and what to do, exit code 1, no stack', async () => {
    const temp = makeTempDir();
    try {
      writeFileSync(path.join(temp.dir, 'events.db'), 'this is not a database, only some text long enough');
      const result = await runToExit('cli', ['events', 'tail'], { DATA_DIR: temp.dir });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^cannot open the local store ${path.join(temp.dir, 'events.db')}: file is not a database \\(SQLITE_NOTADB\\)\\. To go on with an empty local store`));
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      temp.remove();
    }
  });
});
