import { rmSync } from 'node:fs';

/** Removes an SQLite file and its WAL companions (the bench's stores are gigabytes: none is left behind). */
export function removeStoreFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
}
