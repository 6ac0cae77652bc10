import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { allClientFixtures } from '../fixtures/clients';
import type { ClientFixture } from '../fixtures/clients/device-request';
import { iosLater } from '../fixtures/clients/ios';
import { eventStorePath, openEventStore } from '../../src/local-store/event-store';
import { replayFixture } from '../support/legacy-clients';
import { waitFor } from '../support/legacy-sender';
import { killProxyProcess, type ProxyProcess, runToExit, startProxyProcess } from '../support/proxy-process';
import { makeTempDir } from '../support/temp-dir';

/** The fields of an event-stream record that carry one legacy event, written from the fixture. */
function expectedRecord(fixture: ClientFixture, index: number): Record<string, unknown> {
  const legacy = fixture.events[index];
  if (!legacy) throw new Error(`no event ${index} in ${fixture.name}`);
  const { client, services } = fixture.clientContext;
  const record: Record<string, unknown> = {
    event_version: '3.0',
    event_type: legacy.eventType,
    event_timestamp: Date.parse(legacy.timestamp),
    client: { client_id: client.client_id ?? client.installation_id },
    application: expect.objectContaining({ app_id: services.mobile_analytics.app_id }),
    attributes: legacy.attributes ?? {},
    metrics: legacy.metrics ?? {},
    event_id: expect.any(String),
  };
  if (legacy.session?.id && legacy.session.startTimestamp) {
    record['session'] = expect.objectContaining({ session_id: legacy.session.id, start_timestamp: Date.parse(legacy.session.startTimestamp) });
  }
  return record;
}

/** `npm ci && npm start`: the built service with nothing configured but where to keep its data. */
describe('the default path: no AWS account, SINK=local, ACK_MODE=durable', () => {
  const fixtures = allClientFixtures({ largeBatches: false });
  let temp: ReturnType<typeof makeTempDir>;
  let service: ProxyProcess | undefined;

  beforeAll(() => {
    temp = makeTempDir();
  });
  afterAll(async () => {
    await killProxyProcess(service);
    temp.remove();
  });

  it('accepts every client generation and `events tail` prints each event as an event-stream record', async () => {
    service = await startProxyProcess({ DATA_DIR: temp.dir });
    expect(service.logs.find((l) => l['message'] === 'listening')).toEqual(expect.objectContaining({ ackMode: 'durable', sinks: ['local'] }));
    for (const fixture of fixtures) {
      const answer = await replayFixture(service.url, fixture);
      expect({ name: fixture.name, status: answer.status, body: answer.body }).toEqual({ name: fixture.name, status: 202, body: '' });
    }
    // Generations that resend the same request produce the same event ids, stored once.
    const expected = new Map<string, { appId: string; record: Record<string, unknown> }>();
    for (const f of fixtures) {
      const appId = f.clientContext.services.mobile_analytics.app_id;
      f.events.forEach((e, i) => expected.set(JSON.stringify([f.clientContext.client, appId, e]), { appId, record: expectedRecord(f, i) }));
    }
    const storeFile = eventStorePath(temp.dir);
    await waitFor(() => existsSync(storeFile), 10_000, 'local store file');
    const store = openEventStore(storeFile, { readonly: true });
    try {
      await waitFor(() => store.count() >= expected.size, 10_000, `${expected.size} stored events`);
    } finally {
      store.close();
    }

    const tail = await runToExit('cli', ['events', 'tail', '--limit', '100'], { DATA_DIR: temp.dir });
    expect(tail).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    const records = tail.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toHaveLength(expected.size);
    expect(new Set(records.map((r) => r['event_id'])).size).toBe(expected.size);
    for (const { record } of expected.values()) expect(records).toContainEqual(expect.objectContaining(record));

    const ios = iosLater();
    const appId = ios.clientContext.services.mobile_analytics.app_id;
    const filtered = await runToExit('cli', ['events', 'tail', '--limit', '100', '--app', appId], { DATA_DIR: temp.dir });
    expect(filtered.code).toBe(0);
    const appRecords = filtered.stdout.trim().split('\n').map((line) => JSON.parse(line) as { application: { app_id: string } });
    const appCount = [...expected.values()].filter((e) => e.appId === appId).length;
    expect(appCount).toBeGreaterThan(0);
    expect(appCount).toBeLessThan(expected.size);
    expect(appRecords).toHaveLength(appCount);
    expect(appRecords.every((r) => r.application.app_id === appId)).toBe(true);
  });
});

describe('configuration errors', () => {
  it('a port already in use stops start-up with exit code 1 and one log line saying so', async () => {
    const temp = makeTempDir();
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      const result = await runToExit('service', [], { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: temp.dir });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('');
      const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines).toContainEqual(expect.objectContaining({ level: 'error', message: 'cannot listen', port, error: 'EADDRINUSE' }));
    } finally {
      taken.close();
      temp.remove();
    }
  });

  it('stop start-up with exit code 1 and one message that lists every problem', async () => {
    const temp = makeTempDir();
    try {
      const result = await runToExit('service', [], { PORT: 'abc', SINK: 'bogus', ACK_MODE: 'x', FORWARD_MAX_RPS: '0', DATA_DIR: temp.dir });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.match(/Invalid configuration/g)).toHaveLength(1);
      for (const name of ['PORT', 'SINK', 'ACK_MODE', 'FORWARD_MAX_RPS']) expect(result.stderr).toMatch(new RegExp(`^\\s+${name}: `, 'm'));
      expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
      expect(existsSync(eventStorePath(temp.dir))).toBe(false);
    } finally {
      temp.remove();
    }
  });
});
