import { breakRootPages, spoolFile, spoolWithRows } from '../support/damaged-spool';
import { waitFor } from '../support/legacy-sender';
import { killProxyProcess, type ProxyProcess, STAND_IN_CREDENTIALS_ENV, startProxyProcess } from '../support/proxy-process';
import { makeTempDir } from '../support/temp-dir';

/**
 * A delivery worker that fails for real: the spool's `retries` table and indexes are damaged on
 * disk, which the HTTP thread never reads (it starts, and accepts) but the forwarder reads at
 * once, so every worker dies of SQLITE_CORRUPT right after it started. Each failure is logged
 * once with the error's name, message and code (the code used to be lost crossing the thread
 * boundary), and the restarts back off: 1 s, 2 s, 4 s (it used to be 1 s forever, with no reason).
 */
describe('delivery thread failing', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let service: ProxyProcess | undefined;

  beforeAll(() => {
    temp = makeTempDir();
  });
  afterAll(async () => {
    await killProxyProcess(service);
    temp.remove();
  });

  it('is logged with its reason and code, restarted with growing delays, and SIGTERM during a delay stops at once', async () => {
    const env = { DATA_DIR: temp.dir, SINK: 'pinpoint', PINPOINT_ENDPOINT: 'http://127.0.0.1:9', ...STAND_IN_CREDENTIALS_ENV };
    await spoolWithRows(temp.dir, 10);
    breakRootPages(spoolFile(temp.dir), ['retries', 'retries_due', 'retries_seq']);

    const running = await startProxyProcess(env);
    service = running;
    const lines = (message: string): Array<Record<string, unknown>> => running.logs.filter((l) => l['message'] === message);
    await waitFor(() => lines('delivery thread restarting').length >= 3 && lines('delivery thread failed').length >= 4, 45_000, 'three restarts');

    const failed = lines('delivery thread failed');
    for (const line of failed) {
      expect(line).toEqual(
        expect.objectContaining({ level: 'error', error: 'StorageDamagedError', code: 'SQLITE_CORRUPT', path: spoolFile(temp.dir) }),
      );
      expect(line['reason']).toMatch(new RegExp(`^the spool ${spoolFile(temp.dir)} is damaged: .+ To go on with an empty spool: `));
      expect(line).not.toHaveProperty('stack');
    }
    const restarts = lines('delivery thread restarting').slice(0, 3);
    expect(restarts.map((l) => [l['level'], l['attempt'], l['delayMs']])).toEqual([
      ['warn', 1, 1000],
      ['warn', 2, 2000],
      ['warn', 3, 4000],
    ]);
    for (const line of restarts) expect(line['reason']).toMatch(new RegExp(`^StorageDamagedError SQLITE_CORRUPT: the spool ${spoolFile(temp.dir)} is damaged: `));
    // Each failure comes at least the announced delay after the one before it.
    const at = failed.map((l) => Date.parse(l['timestamp'] as string));
    for (const [i, line] of restarts.entries()) expect((at[i + 1] as number) - (at[i] as number)).toBeGreaterThanOrEqual((line['delayMs'] as number) - 50);
    // The HTTP thread serves all along.
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    // Three restarts in a row: the instance accepts events it cannot deliver, so a load balancer should drain it.
    const ready = await fetch(`${running.url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([503, { status: 'not-ready', reason: 'delivery-failing' }]);

    const stopAt = Date.now();
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(3000);
    expect(lines('stopped')).toHaveLength(1);
  }, 90_000);
});
