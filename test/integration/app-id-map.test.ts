import { existsSync } from 'node:fs';
import { iosLater } from '../fixtures/clients/ios';
import { eventStorePath, openEventStore } from '../../src/local-store/event-store';
import { replayFixture } from '../support/legacy-clients';
import { waitFor } from '../support/legacy-sender';
import { killProxyProcess, type ProxyProcess, runToExit, startProxyProcess } from '../support/proxy-process';
import { makeTempDir } from '../support/temp-dir';

/**
 * Durable mode maps on the delivery thread, which gets its configuration by message: the app id
 * map must arrive there intact (the built service, with its worker thread).
 */
describe('PINPOINT_APP_ID_MAP in durable mode (built service, delivery thread)', () => {
  const temp = makeTempDir();
  let service: ProxyProcess | undefined;
  afterAll(async () => {
    await killProxyProcess(service);
    temp.remove();
  });

  it('stores the events under the mapped project id', async () => {
    const fixture = iosLater();
    const legacyAppId = fixture.clientContext.services.mobile_analytics.app_id;
    service = await startProxyProcess({ DATA_DIR: temp.dir, PINPOINT_APP_ID_MAP: `${legacyAppId}=mapped-project-1` });
    expect((await replayFixture(service.url, fixture)).status).toBe(202);
    const storeFile = eventStorePath(temp.dir);
    await waitFor(() => existsSync(storeFile), 10_000, 'local store file');
    const store = openEventStore(storeFile, { readonly: true });
    try {
      await waitFor(() => store.count() >= fixture.events.length, 10_000, `${fixture.events.length} stored events`);
    } finally {
      store.close();
    }
    const tail = await runToExit('cli', ['events', 'tail', '--limit', '100', '--app', 'mapped-project-1'], { DATA_DIR: temp.dir });
    expect(tail.code).toBe(0);
    const records = tail.stdout.trim().split('\n').map((line) => JSON.parse(line) as { application: { app_id: string } });
    expect(records).toHaveLength(fixture.events.length);
    expect(records.every((r) => r.application.app_id === 'mapped-project-1')).toBe(true);
  });
});
