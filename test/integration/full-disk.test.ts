import path from 'node:path';
import Database from 'better-sqlite3';
import { startInProcessProxy, type InProcessProxy } from '../support/in-process-proxy';
import { createCaptureLogger } from '../support/capture-logger';
import { sendLegacy, taggedEvent, waitFor } from '../support/legacy-sender';
import { mountTmpfs, type TmpfsVolume } from '../support/tmpfs-volume';

/**
 * A real full disk: DATA_DIR on a 6 MB tmpfs mounted for this test (the tests run as root, in CI
 * too), filled with a file until the kernel says ENOSPC.
 */
describe('a full disk under DATA_DIR', () => {
  let disk: TmpfsVolume;
  let volume = '';
  let proxy: InProcessProxy | undefined;

  beforeAll(() => {
    disk = mountTmpfs('6m');
    volume = disk.dir;
  });
  afterAll(async () => {
    await proxy?.close();
    disk.remove();
  });

  it('turns /readyz 503 while the spool cannot be written, back to 200 when it can, and loses nothing acknowledged', async () => {
    const logger = createCaptureLogger();
    proxy = await startInProcessProxy({ DATA_DIR: volume, SINK: 'local', FORWARD_LINGER_MS: '0' }, logger);
    const { url } = proxy;
    const acknowledged: string[] = [];
    const send = async (tag: string): Promise<number> => {
      const events = Array.from({ length: 20 }, (_, i) => ({ ...taggedEvent(`${tag}-${i}`, 'd1'), attributes: { tag: `${tag}-${i}`, pad: 'x'.repeat(900) } }));
      const answer = await sendLegacy(url, { kind: 'android', clientId: 'd1', events });
      if (answer.status === 202) acknowledged.push(...events.map((e) => e.attributes.tag));
      return answer.status;
    };

    expect(await send('before')).toBe(202);
    disk.fill();
    const statuses: number[] = [];
    for (let i = 0; i < 40 && !statuses.includes(503); i += 1) statuses.push(await send(`full${i}`));
    // Android is told to retry later (503): it keeps its events.
    expect(statuses).toContain(503);
    const notReady = await fetch(`${url}/readyz`);
    expect([notReady.status, await notReady.json()]).toEqual([503, { status: 'not-ready', reason: 'spool-unwritable' }]);
    expect(logger.withMessage('not ready')[0]?.fields).toEqual(
      expect.objectContaining({ reason: 'spool-unwritable', lastWriteError: expect.objectContaining({ code: expect.stringMatching(/SQLITE_FULL|SQLITE_IOERR/) }) }),
    );

    disk.free();
    await waitFor(async () => (await fetch(`${url}/readyz`)).status === 200, 5000, '/readyz to recover');
    expect(await send('after')).toBe(202);

    await waitFor(() => proxy?.deps.spool?.storedEvents() === 0, 20_000, 'the spool to drain into events.db');
    const db = new Database(path.join(volume, 'events.db'), { readonly: true });
    const stored = db.prepare<[], string>("SELECT json_extract(record, '$.attributes.tag') FROM events").pluck().all();
    db.close();
    expect(new Set(stored)).toEqual(new Set(acknowledged));
    expect(stored).toHaveLength(acknowledged.length);
  });
});
