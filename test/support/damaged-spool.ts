import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { inParallel, sendLegacy, taggedEvent } from './legacy-sender';
import { STAND_IN_CREDENTIALS_ENV, startProxyProcess } from './proxy-process';

/** SQLite's page size for the files the service creates (its default). */
export const PAGE_SIZE = 4096;

/**
 * Makes `DATA_DIR/spool.db` hold `requests` rows of 10 events each the way production does:
 * the built service accepts them while its only sink (Pinpoint at a closed port) cannot take
 * any, then stops on SIGTERM (closing the file, so everything is in `spool.db`, no `-wal`).
 * Returns the number of stored events.
 */
export async function spoolWithRows(dataDir: string, requests: number): Promise<number> {
  const service = await startProxyProcess({
    DATA_DIR: dataDir,
    SINK: 'pinpoint',
    PINPOINT_ENDPOINT: 'http://127.0.0.1:9',
    ...STAND_IN_CREDENTIALS_ENV,
    SHUTDOWN_GRACE_MS: '100',
  });
  try {
    await inParallel(
      Array.from({ length: requests }, (_, i) => i),
      8,
      async (i) => {
        const clientId = `damage-device-${i % 7}`;
        const events = Array.from({ length: 10 }, (_, j) => taggedEvent(`damage-${i}-${j}-${'x'.repeat(200)}`, clientId));
        const answer = await sendLegacy(service.url, { kind: 'js', clientId, events });
        if (answer.status !== 202) throw new Error(`request ${i} answered ${answer.status}`);
      },
    );
  } finally {
    service.child.kill('SIGTERM');
    await service.exited;
  }
  return requests * 10;
}

/** Writes `bytes` over the file at `offset`. */
function overwrite(file: string, offset: number, bytes: Buffer): void {
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

/** Deterministic "random" bytes (xorshift32), so a failure can be reproduced byte for byte. */
export function pseudoRandomBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** Writes pseudo-random bytes over `pages` whole pages in the middle of a closed database file. */
export function scrambleMiddlePages(file: string, pages: number, seed = 0x5eed): void {
  const total = Math.floor(statSync(file).size / PAGE_SIZE);
  if (total < pages + 4) throw new Error(`${file} has only ${total} pages`);
  const first = Math.floor((total - pages) / 2);
  overwrite(file, first * PAGE_SIZE, pseudoRandomBytes(pages * PAGE_SIZE, seed));
}

/**
 * Writes 0xFF over the root pages of the named tables and indexes of a closed database file
 * (an invalid page type: SQLite reports SQLITE_CORRUPT on the first read of each), and returns
 * those page numbers.
 */
export function breakRootPages(file: string, names: readonly string[]): number[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  let roots: number[];
  try {
    roots = names.map((name) => {
      const root = db.prepare<[string], number>('SELECT rootpage FROM sqlite_master WHERE name = ?').pluck().get(name);
      if (!root) throw new Error(`no table or index ${name} in ${file}`);
      return root;
    });
  } finally {
    db.close();
  }
  for (const root of roots) overwrite(file, (root - 1) * PAGE_SIZE, Buffer.alloc(PAGE_SIZE, 0xff));
  return roots;
}

/** The spool file of a data directory, as the service names it. */
export function spoolFile(dataDir: string): string {
  return path.join(dataDir, 'spool.db');
}
