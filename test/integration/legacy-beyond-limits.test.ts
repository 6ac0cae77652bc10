import { eventStorePath, openEventStore } from '../../src/local-store/event-store';
import { LONG_ATTRIBUTE, reportedEvent, reportedEventFittedNames } from '../support/beyond-limits';
import { createCaptureLogger } from '../support/capture-logger';
import { pinpointStandInEnv, startInProcessProxy } from '../support/in-process-proxy';
import { sendLegacy, waitFor } from '../support/legacy-sender';
import { startPinpointStandIn, type PinpointStandIn } from '../support/pinpoint-stand-in';
import { makeTempDir } from '../support/temp-dir';

const FIT_LOG = 'legacy data fitted to Pinpoint limits';
const APP_ID = 'app-beyond-limits';

/** Legacy data beyond Pinpoint's per-event limits: kept whole for the local store, fitted only for Pinpoint. */
describe('legacy data beyond Pinpoint limits, through the service', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(() => {
    temp.remove();
  });

  it('SINK=local stores the event as sent: 45 attributes, the 1 000-character value and the metric', async () => {
    const proxy = await startInProcessProxy({ SINK: 'local', DATA_DIR: temp.dir, FORWARD_LINGER_MS: '0' });
    try {
      const answer = await sendLegacy(proxy.url, { kind: 'js', clientId: 'device-1', appId: APP_ID, events: [{ ...reportedEvent() }] });
      expect(answer.status).toBe(202);
      const store = openEventStore(eventStorePath(temp.dir), { readonly: true });
      try {
        await waitFor(() => store.count() === 1, 10_000, 'the event in events.db');
        const [record] = store.tail({ limit: 10 }).records;
        expect(record?.application.app_id).toBe(APP_ID);
        expect(record?.attributes).toEqual(reportedEvent().attributes);
        expect(Object.keys(record?.attributes ?? {})).toHaveLength(45);
        expect(record?.attributes[LONG_ATTRIBUTE]).toBe('x'.repeat(999) + 'y');
        expect(record?.metrics).toEqual({ score: 7 });
      } finally {
        store.close();
      }
    } finally {
      await proxy.close();
    }
  });

  describe.each([['durable'], ['upstream']])('SINK=pinpoint, ACK_MODE=%s', (ackMode) => {
    let standIn: PinpointStandIn;
    beforeEach(async () => {
      standIn = await startPinpointStandIn();
    });
    afterEach(async () => {
      await standIn.close();
    });

    it('sends the event fitted (40 entries, reserved names first, values ≤ 200) and logs which event was fitted', async () => {
      const logger = createCaptureLogger();
      const proxy = await startInProcessProxy({ ...pinpointStandInEnv(standIn), ACK_MODE: ackMode, DATA_DIR: temp.dir, FORWARD_LINGER_MS: '0' }, logger);
      try {
        const answer = await sendLegacy(proxy.url, { kind: 'js', clientId: 'device-1', appId: APP_ID, events: [{ ...reportedEvent() }] });
        expect(answer.status).toBe(202);
        await waitFor(() => standIn.delivered().length === 1, 10_000, 'the event at the stand-in');
      } finally {
        await proxy.close();
      }
      expect(standIn.rejectedRequests).toEqual([]);
      const [delivered] = standIn.delivered();
      const attributes = delivered?.event.Attributes ?? {};
      expect(Object.keys(attributes)).toEqual(reportedEventFittedNames());
      expect(Object.keys(delivered?.event.Metrics ?? {})).toHaveLength(0);
      for (const value of Object.values(attributes)) expect(value.length).toBeLessThanOrEqual(200);
      expect(attributes[LONG_ATTRIBUTE]).toBe('x'.repeat(200));
      const fitted = logger.withMessage(FIT_LOG);
      expect(fitted).toEqual([
        {
          level: 'warn',
          message: FIT_LOG,
          fields: expect.objectContaining({
            appId: APP_ID,
            eventType: 'level_complete',
            eventId: delivered?.eventId,
            droppedEntries: 6,
            truncatedValues: 1,
          }),
        },
      ]);
    });
  });
});
