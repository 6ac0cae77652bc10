import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeTempDir } from './temp-dir';

/** A small tmpfs mounted for one test file: a real disk that really fills up. */
export interface TmpfsVolume {
  /** The mount point. */
  readonly dir: string;
  /** Writes 64 KiB blocks into a filler file until the kernel says ENOSPC. */
  fill(): void;
  /** Removes the filler file, giving the room back. */
  free(): void;
  /** Unmounts the volume and removes its temp dir. */
  remove(): void;
}

/**
 * Mounts a tmpfs of `size` (e.g. `6m`) under a new temp dir. Needs root, which the tests have
 * (in CI too). Call in `beforeAll`, and `remove()` in `afterAll`.
 */
export function mountTmpfs(size: string): TmpfsVolume {
  const temp = makeTempDir();
  const dir = path.join(temp.dir, 'volume');
  const filler = path.join(dir, 'filler');
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  return {
    dir,
    fill() {
      const block = Buffer.alloc(64 * 1024, 1);
      for (let i = 0; i < 1000; i += 1) {
        try {
          writeFileSync(filler, block, { flag: 'a' });
        } catch (err: unknown) {
          if ((err as NodeJS.ErrnoException).code === 'ENOSPC') return;
          throw err;
        }
      }
      throw new Error('the volume never filled');
    },
    free() {
      execFileSync('rm', ['-f', filler]);
    },
    remove() {
      execFileSync('umount', [dir]);
      temp.remove();
    },
  };
}
