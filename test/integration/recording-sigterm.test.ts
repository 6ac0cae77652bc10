import path from 'node:path';
import { inParallel, sendLegacy, taggedEvent, waitFor, type SenderKind } from '../support/legacy-sender';
import { killProxyProcess, startProxyProcess, type ProxyProcess } from '../support/proxy-process';
import { readRecordingLines } from '../support/recording-reader';
import { makeTempDir } from '../support/temp-dir';

/**
 * The built service with RECORD_DIR: one `recording` line at start with its settings, and on
 * SIGTERM every request answered before it is in the files (the queue written within
 * SHUTDOWN_GRACE_MS), with a `recording stopped` line that sums up.
 */
describe('recording and SIGTERM', () => {
  const temp = makeTempDir();
  let service: ProxyProcess | undefined;
  afterAll(async () => {
    await killProxyProcess(service);
    temp.remove();
  });

  it('announces itself at start, and writes every answered request before it exits', async () => {
    const recordDir = path.join(temp.dir, 'recordings');
    service = await startProxyProcess({ SINK: 'local', DATA_DIR: path.join(temp.dir, 'data'), RECORD_DIR: recordDir, RECORD_SAMPLE: '1' });
    const kinds: SenderKind[] = ['android', 'ios', 'js'];
    const requests = 300;
    await inParallel(Array.from({ length: requests }, (_, i) => i), 16, async (i) => {
      const answer = await sendLegacy(service?.url ?? '', { kind: kinds[i % 3] as SenderKind, clientId: `d${i % 7}`, events: [taggedEvent(`t${i}`, `d${i % 7}`)] });
      expect(answer.status).toBe(202);
    });
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);

    expect(service.logs.find((l) => l['message'] === 'recording')).toEqual(
      expect.objectContaining({ level: 'info', dir: recordDir, sample: 1, maxFileBytes: 64 * 1024 ** 2, maxBytes: 1024 ** 3 }),
    );
    await waitFor(() => service?.logs.some((l) => l['message'] === 'stopped') === true, 1000, 'stopped logged');
    const stopped = service.logs.find((l) => l['message'] === 'recording stopped');
    expect(stopped).toEqual(
      expect.objectContaining({ linesWritten: requests, sampledOut: 0, dropped: { queueFull: 0, unwritable: 0, tooLarge: 0, shutdown: 0 } }),
    );
    const lines = readRecordingLines(recordDir);
    expect(lines).toHaveLength(requests);
    expect(new Set(lines.map((l) => l.clientKind))).toEqual(new Set(kinds));
    // Nothing the service logged holds a body.
    expect(JSON.stringify(service.logs)).not.toContain(lines[0]?.body ?? '-');
  });
});
