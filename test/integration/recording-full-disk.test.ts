import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startInProcessProxy, type InProcessProxy } from '../support/in-process-proxy';
import { createCaptureLogger } from '../support/capture-logger';
import { sendLegacy, taggedEvent } from '../support/legacy-sender';
import { readRecordingLines } from '../support/recording-reader';
import { mountTmpfs, type TmpfsVolume } from '../support/tmpfs-volume';
import { makeTempDir } from '../support/temp-dir';

/**
 * A real full disk under RECORD_DIR: a 4 MB tmpfs mounted for this test (the tests run as root,
 * in CI too), filled with a file until the kernel says ENOSPC. The spool is on another disk, so
 * requests must go on being accepted while recording lines are dropped.
 */
describe('a full disk under RECORD_DIR', () => {
  const temp = makeTempDir();
  let disk: TmpfsVolume;
  let volume = '';
  let recordDir = '';
  let proxy: InProcessProxy | undefined;

  beforeAll(() => {
    disk = mountTmpfs('4m');
    volume = disk.dir;
    recordDir = path.join(volume, 'recordings');
  });
  afterAll(async () => {
    await proxy?.close();
    disk.remove();
    temp.remove();
  });

  it('keeps answering 202 while lines are dropped and counted, and records again once there is room', async () => {
    const logger = createCaptureLogger();
    proxy = await startInProcessProxy(
      { DATA_DIR: path.join(temp.dir, 'data'), SINK: 'local', RECORD_DIR: recordDir, RECORD_MAX_FILE_BYTES: '1mb', RECORD_MAX_BYTES: '1gb' },
      logger,
    );
    const { url } = proxy;
    const { recorder } = proxy.deps.app;
    /** One request of about 24 KB (incompressible tags, so gzip keeps it large), answered and recorded (or not). */
    const send = async (tag: string): Promise<number> => {
      const events = Array.from({ length: 8 }, (_, i) => ({ ...taggedEvent(`${tag}-${i}`, 'd1'), attributes: { tag: `${tag}-${i}`, pad: Math.random().toString(36).repeat(60) } }));
      const answer = await sendLegacy(url, { kind: 'android', clientId: 'd1', events });
      await recorder.flush();
      return answer.status;
    };

    expect(await send('before')).toBe(202);
    expect(recorder.stats().linesWritten).toBe(1);

    disk.fill();
    const statuses: number[] = [];
    for (let i = 0; i < 30; i += 1) statuses.push(await send(`full-${i}`));
    expect(new Set(statuses)).toEqual(new Set([202]));
    const whileFull = recorder.stats();
    expect(whileFull.dropped.unwritable).toBeGreaterThan(0);
    expect(whileFull.linesWritten + whileFull.dropped.unwritable).toBe(31);
    const [warning] = logger.withMessage('recording cannot be written, lines dropped');
    expect(warning?.level).toBe('warn');
    expect(warning?.fields).toEqual(expect.objectContaining({ dir: recordDir, code: 'ENOSPC' }));
    expect(warning?.fields).not.toHaveProperty('stack');

    disk.free();
    const deadline = Date.now() + 45_000;
    let resumedAt: string | undefined;
    for (let i = 0; resumedAt === undefined; i += 1) {
      if (Date.now() > deadline) throw new Error('recording did not resume');
      const tag = `after-${i}`;
      expect(await send(tag)).toBe(202);
      if (recorder.stats().linesWritten > whileFull.linesWritten) resumedAt = tag;
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(logger.withMessage('recording again')[0]?.fields).toEqual({ dir: recordDir, droppedWhileUnwritable: expect.any(Number) });

    // Every line on the volume is whole and valid (a failed append was cut back), 'before' and the one after among them.
    const lines = readRecordingLines(recordDir);
    expect(lines).toHaveLength(recorder.stats().linesWritten);
    const tags = lines.map((line) => {
      const events = (JSON.parse(gunzipSync(Buffer.from(line.body ?? '', 'base64')).toString('utf8')) as { events: { attributes: { tag: string } }[] }).events;
      return events[0]?.attributes.tag;
    });
    expect(tags[0]).toBe('before-0');
    expect(tags.at(-1)).toBe(`${resumedAt}-0`);
  });
});
