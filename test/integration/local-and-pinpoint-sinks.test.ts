import path from 'node:path';
import { PinpointClient } from '@aws-sdk/client-pinpoint';
import { eventStorePath, openEventStore } from '../../src/local-store/event-store';
import { silentLogger } from '../../src/logger';
import { createLocalSink } from '../../src/sinks/local-sink';
import { createPinpointSink } from '../../src/sinks/pinpoint-sink';
import { deviceEnvelopes } from '../support/legacy-requests';
import { STAND_IN_CREDENTIALS, startPinpointStandIn } from '../support/pinpoint-stand-in';
import { describeSinkContract } from '../support/sink-contract';
import { makeTempDir } from '../support/temp-dir';

describeSinkContract('local', async () => {
  const temp = makeTempDir();
  const file = eventStorePath(temp.dir);
  const sink = createLocalSink(openEventStore(file));
  const reader = openEventStore(file, { readonly: true });
  return {
    sink,
    readBack: async () => reader.tail({ limit: 100_000 }).records.map((record) => ({ eventId: record.event_id, record })),
    close: async () => {
      reader.close();
      await sink.close().catch(() => undefined);
      temp.remove();
    },
  };
});

describeSinkContract('pinpoint', async () => {
  const standIn = await startPinpointStandIn();
  const client = new PinpointClient({ region: 'us-east-1', endpoint: standIn.url, credentials: { ...STAND_IN_CREDENTIALS } });
  return {
    sink: createPinpointSink({ client, logger: silentLogger }),
    readBack: async () => standIn.delivered().map((e) => ({ eventId: e.eventId, record: e.event })),
    close: async () => {
      client.destroy();
      await standIn.close();
    },
  };
});

describe('local store', () => {
  it('stores a redelivered event once, with the columns KPI queries use', async () => {
    const temp = makeTempDir();
    const store = openEventStore(path.join(temp.dir, 'events.db'));
    const sink = createLocalSink(store);
    const envelopes = deviceEnvelopes('device-9', 3);
    await sink.deliver(envelopes);
    await sink.deliver(envelopes);
    expect(store.count()).toBe(3);
    const [first] = store.tail({ limit: 1, appId: envelopes[0]!.applicationId }).records;
    expect(first).toEqual(expect.objectContaining({ event_version: '3.0', client: { client_id: 'device-9' } }));
    expect(store.tail({ limit: 10, appId: 'another-app' }).records).toEqual([]);
    await sink.close();
    temp.remove();
  });
});
