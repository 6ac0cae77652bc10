import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const FOLDERS = ['src', 'test', 'bench', 'schemas', 'web', 'ops', 'docs', '.ci'];
const FILES = ['README.md', 'ARCHITECTURE.md', 'Dockerfile', 'package.json'];
const TEXT = /\.(ts|js|mjs|cjs|json|md|yml|yaml|html|css|sh)$|^run$/;

/**
 * The notes the team gathered beside the repo (the clients' behaviour, Pinpoint's facts) are not
 * shipped with it: a reader of the repo must find what they need in the repo's own docs.
 */
const OUTSIDE = /\.\.\/shared\/|legacy-clients\.md|pinpoint-clients\.md|pinpoint-facts\.md|pitfalls\.md/;

function* textFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) yield* textFiles(file);
    else if (TEXT.test(name)) yield file;
  }
}

describe('the repo stands alone', () => {
  it('points to no notes outside it', () => {
    const files = [...FILES.map((name) => path.join(ROOT, name)), ...FOLDERS.flatMap((folder) => [...textFiles(path.join(ROOT, folder))])];
    const offending = files.filter((file) => file !== __filename && OUTSIDE.test(readFileSync(file, 'utf8')));
    expect(offending.map((file) => path.relative(ROOT, file))).toEqual([]);
  });
});
