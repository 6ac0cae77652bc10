import { spawn } from 'node:child_process';
import path from 'node:path';
import { makeTempDir } from '../support/temp-dir';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js');
const HAR = path.join(__dirname, '..', 'fixtures', 'har', 'chrome-browser.har');

describe('the CLI writing into a pipe its reader closed (`ma2pinpoint … | head`)', () => {
  const temp = makeTempDir();
  afterAll(() => temp.remove());

  it('ends quietly with its exit code, without an EPIPE stack', async () => {
    const child = spawn(process.execPath, [CLI, 'replay', HAR, '--dry-run'], { env: { ...process.env, DATA_DIR: temp.dir, LOG_LEVEL: 'silent' } });
    // The reader goes away before the command writes its first line.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  });
});
