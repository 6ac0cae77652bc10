import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { listExportFiles } from '../../src/import/export-files';
import { emptySummary, importHistory, MAX_RECORD_BYTES, type ImportProgress } from '../../src/import/import-history';
import { eventStorePath, openEventStore, type EventStore } from '../../src/local-store/event-store';
import { makeTempDir } from '../support/temp-dir';

const record = (n: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  event_type: n % 2 === 0 ? '_session.start' : 'level_complete',
  event_timestamp: Date.UTC(2025, 0, 1 + (n % 5)),
  arrival_timestamp: Date.UTC(2025, 0, 1 + (n % 5)) + 1000,
  event_version: '3.0',
  application: { app_id: 'app-1' },
  client: { client_id: `device-${n % 3}` },
  attributes: {},
  metrics: { n },
  ...extra,
});
const lines = (records: ReadonlyArray<Record<string, unknown>>): string => records.map((r) => `${JSON.stringify(r)}\n`).join('');

describe('importHistory', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let store: EventStore;
  const write = (name: string, data: string | Buffer): string => {
    const file = path.join(temp.dir, 'export', name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, data);
    return file;
  };
  const run = async (paths: string[], batchSize = 3, onProgress?: (p: ImportProgress) => void) => {
    const listing = await listExportFiles(paths);
    return importHistory(listing.files, store, { batchSize, ...(onProgress ? { onProgress } : {}) }, emptySummary(listing.problems));
  };

  beforeEach(() => {
    temp = makeTempDir();
    store = openEventStore(eventStorePath(path.join(temp.dir, 'data')));
  });
  afterEach(() => {
    store.close();
    temp.remove();
  });

  it('reads gzip by its magic bytes whatever the name, walks directories in name order without hidden entries, and imports once', async () => {
    const records = Array.from({ length: 10 }, (_, n) => record(n));
    write('2025/01/02/b-no-extension', gzipSync(records.slice(4, 7).map((r) => JSON.stringify(r)).join('')));
    write('2025/01/01/a.jsonl', lines(records.slice(0, 4)));
    write('2025/01/02/c.json.gz', lines(records.slice(7)));
    write('.hidden/x.jsonl', 'junk\n');
    write('2025/.DS_Store', 'junk\n');

    expect((await listExportFiles([path.join(temp.dir, 'export')])).files.map((f) => path.relative(temp.dir, f.path))).toEqual([
      'export/2025/01/01/a.jsonl',
      'export/2025/01/02/b-no-extension',
      'export/2025/01/02/c.json.gz',
    ]);
    const first = await run([path.join(temp.dir, 'export')]);
    expect(first).toEqual(expect.objectContaining({ files: 3, failed: [], records: 10, imported: 10, alreadyPresent: 0, skipped: {} }));
    expect(store.count()).toBe(10);
    const again = await run([path.join(temp.dir, 'export'), path.join(temp.dir, 'export/2025/01/01/a.jsonl')]);
    expect(again).toEqual(expect.objectContaining({ files: 3, records: 10, imported: 0, alreadyPresent: 10 }));
    expect(store.count()).toBe(10);
  });

  it('counts copies within one import as already present, and every skipped record by reason with the first located', async () => {
    const copy = record(1);
    const file = write('mixed.jsonl', `${lines([record(0), copy])}not json\n${JSON.stringify(copy)}{"event_type":"x"}\n${lines([record(2, { client: {} })])}`);
    const summary = await run([file], 100);
    expect(summary).toEqual(
      expect.objectContaining({
        records: 6,
        imported: 2,
        alreadyPresent: 1,
        skipped: { 'not a JSON object': 1, 'no valid event_timestamp': 1, 'no client.client_id': 1 },
        skippedExamples: [
          { file, line: 3, reason: 'not a JSON object' },
          { file, line: 4, reason: 'no valid event_timestamp' },
          { file, line: 5, reason: 'no client.client_id' },
        ],
      }),
    );
  });

  it('names a file that breaks off or cannot be read, keeps what was read before, and goes on with the next file', async () => {
    const whole = gzipSync(lines(Array.from({ length: 200 }, (_, n) => record(n))));
    const truncated = write('1-truncated.gz', whole.subarray(0, whole.length - 20));
    const zip = write('2-archive.zip', Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(40)]));
    const good = write('3-good.jsonl', lines([record(500)]));
    const missing = path.join(temp.dir, 'nowhere.jsonl');
    const summary = await run([truncated, zip, missing, good]);
    expect(summary.failed).toEqual([
      { path: missing, reason: 'no such file or directory (ENOENT)' },
      { path: truncated, reason: expect.stringMatching(/^not a complete gzip file: .+ \(Z_BUF_ERROR\)$/) },
      { path: zip, reason: 'a ZIP file; decompress it first (gzip and plain files are read)' },
    ]);
    expect(summary.files).toBe(1);
    expect(summary.imported).toBeGreaterThan(100);
    expect(store.count()).toBe(summary.imported);
  });

  it('skips a record over the size limit, keeping memory bounded, and imports the records around it', async () => {
    const file = write('big.jsonl', `${JSON.stringify(record(0))}${JSON.stringify(record(1, { attributes: { pad: 'x'.repeat(MAX_RECORD_BYTES) } }))}\n${lines([record(2)])}`);
    const summary = await run([file]);
    expect(summary).toEqual(expect.objectContaining({ records: 3, imported: 2, skipped: { 'larger than the record limit': 1 } }));
  });

  it('reports progress in file bytes, ending at the total', async () => {
    const big = write('a.jsonl', lines(Array.from({ length: 3000 }, (_, n) => record(n))));
    const small = write('b.gz', gzipSync(lines([record(9999)])));
    const seen: ImportProgress[] = [];
    await run([big, small], 500, (p) => seen.push(p));
    const total = (await listExportFiles([big, small])).files.reduce((sum, f) => sum + f.bytes, 0);
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.every((p) => p.totalBytes === total)).toBe(true);
    expect(seen.map((p) => p.bytesRead)).toEqual([...seen.map((p) => p.bytesRead)].sort((a, b) => a - b));
    expect(seen[seen.length - 1]).toEqual({ bytesRead: total, totalBytes: total, records: 3001, imported: 3001 });
  });
});
