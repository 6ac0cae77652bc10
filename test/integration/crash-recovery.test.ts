import { durablePinpointEnv, startProxyProcess } from '../support/proxy-process';
import { sendLegacy, taggedEvent, waitFor, type SenderKind } from '../support/legacy-sender';
import { startPinpointStandIn, type PinpointStandIn } from '../support/pinpoint-stand-in';
import { makeTempDir } from '../support/temp-dir';

/**
 * kill -9 under load: the service runs as a child process (the built `dist/main.js`), concurrent
 * clients send for a while, the process is killed mid-stream and restarted on the same DATA_DIR.
 * Every event that got a 202 must reach Pinpoint; delivery is at least once, with stable ids.
 */
describe('crash recovery (kill -9 under load)', () => {
  let standIn: PinpointStandIn;
  let temp: ReturnType<typeof makeTempDir>;

  beforeAll(async () => {
    standIn = await startPinpointStandIn();
    temp = makeTempDir();
  });
  afterAll(async () => {
    await standIn.close();
    temp.remove();
  });

  it('delivers every acknowledged event after a restart', async () => {
    const env = durablePinpointEnv(standIn.url, temp.dir);
    // Slow delivery (2 calls/s) so that plenty is still spooled when the process dies.
    const first = await startProxyProcess({ ...env, FORWARD_MAX_RPS: '2' });
    const killFirst = (): boolean => first.child.kill('SIGKILL');
    const acked = new Set<string>();
    let sending = true;
    const kinds: SenderKind[] = ['android', 'ios', 'js'];
    const sender = async (n: number): Promise<void> => {
      for (let i = 0; sending; i++) {
        const clientId = `device-${n}-${i % 5}`;
        const events = Array.from({ length: 10 }, (_, j) => taggedEvent(`s${n}-r${i}-e${j}`, clientId));
        try {
          const answer = await sendLegacy(first.url, { kind: kinds[n % 3] as SenderKind, clientId, events });
          if (answer.status === 202) for (const e of events) acked.add((e['attributes'] as { tag: string }).tag);
        } catch {
          return;
        }
      }
    };
    const senders = Array.from({ length: 8 }, (_, n) => sender(n));
    try {
      await waitFor(() => acked.size >= 3000, 30_000, '3000 acknowledged events');
    } finally {
      killFirst();
      sending = false;
    }
    expect(await first.exited).toBe('SIGKILL');
    await Promise.all(senders);
    const deliveredBeforeRestart = standIn.delivered().length;
    expect(deliveredBeforeRestart).toBeLessThan(acked.size);

    const second = await startProxyProcess({ ...env, FORWARD_MAX_RPS: '100' });
    try {
      const deliveredTags = (): Set<string> => new Set(standIn.delivered().map((e) => e.event.Attributes?.['tag'] ?? ''));
      await waitFor(() => [...acked].every((tag) => deliveredTags().has(tag)), 60_000, 'every acknowledged event delivered');
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
    expect(standIn.rejectedRequests).toEqual([]);
    const idsByTag = new Map<string, Set<string>>();
    for (const e of standIn.delivered()) {
      const tag = e.event.Attributes?.['tag'] ?? '';
      idsByTag.set(tag, (idsByTag.get(tag) ?? new Set()).add(e.eventId));
    }
    // A redelivered event carries the same id (deterministic ids survive the spool).
    for (const ids of idsByTag.values()) expect(ids.size).toBe(1);
    // At least once: only leases in flight at the kill (≤ 4 workers × 100 events) may repeat.
    const duplicates = standIn.delivered().length - idsByTag.size;
    expect(duplicates).toBeLessThanOrEqual(400);
  });
});
