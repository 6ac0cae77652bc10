import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runToExit } from '../support/proxy-process';
import { makeTempDir } from '../support/temp-dir';

const SECRET = 'fleet-secret-that-must-never-be-logged';

/**
 * A credentials file the service cannot use ends start-up before anything is opened: exit code
 * 1, one `cannot start` line naming the file and the problem, never a secret from it. The built
 * service runs as an operator runs it.
 */
describe('start-up with AUTH_MODE=sigv4 and an unusable AUTH_CREDENTIALS_FILE', () => {
  const temp = makeTempDir();
  afterAll(() => temp.remove());

  const cannotStart = async (file: string): Promise<{ reason: string; output: string }> => {
    const dataDir = path.join(temp.dir, 'data');
    const result = await runToExit('service', [], { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, AUTH_MODE: 'sigv4', AUTH_CREDENTIALS_FILE: file }, 10_000);
    expect(result.code).toBe(1);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => l['message'])).toEqual(['cannot start']);
    return { reason: String(lines[0]?.['reason']), output: result.stdout + result.stderr };
  };

  it.each<[string, string, RegExp]>([
    ['not JSON', `{"AKIDFLEETDEVICES0001": {"secret": ${SECRET}}}`, /is not valid JSON/],
    ['a key without app ids', JSON.stringify({ AKIDFLEETDEVICES0001: { secret: SECRET } }), /key AKIDFLEETDEVICES0001 must have required property 'appIds'/],
    ['a secret where the key id belongs', JSON.stringify({ [`${SECRET}/+x`]: { secret: 'AKIDFLEETDEVICES0001', appIds: ['a'] } }), /key #1: an access key id must be/],
  ])('%s', async (_name, text, problem) => {
    const file = path.join(temp.dir, 'credentials.json');
    writeFileSync(file, text);
    const { reason, output } = await cannotStart(file);
    expect(reason).toContain(`AUTH_CREDENTIALS_FILE=${file}`);
    expect(reason).toMatch(problem);
    expect(output).not.toContain(SECRET);
  });

  it('a file that does not exist', async () => {
    const { reason } = await cannotStart(path.join(temp.dir, 'missing.json'));
    expect(reason).toMatch(/missing\.json: cannot be read \(ENOENT\)/);
  });
});
