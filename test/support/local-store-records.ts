import { existsSync } from 'node:fs';
import { eventStorePath, openEventStore } from '../../src/local-store/event-store';
import type { EventStreamRecord } from '../../src/mapping/event-stream-record';
import { startInProcessProxy, type InProcessProxy } from './in-process-proxy';
import { waitFor } from './legacy-sender';
import { startKinesalite, type Kinesalite } from './kinesalite';
import { makeTempDir } from './temp-dir';

/** More rows than any test here stores: one read returns the whole store. */
const ALL_ROWS = 1_000_000;

/** Every record in `DATA_DIR`'s local store (`events.db`), read-only, oldest first; none when the file is not there yet. */
export function storedRecords(dataDir: string, appId?: string): EventStreamRecord[] {
  const file = eventStorePath(dataDir);
  if (!existsSync(file)) return [];
  const store = openEventStore(file, { readonly: true });
  try {
    return store.tail({ limit: ALL_ROWS, ...(appId === undefined ? {} : { appId }) }).records;
  } finally {
    store.close();
  }
}

/** Records by event id without `arrival_timestamp`, which is when an instance received the request. */
export function withoutArrival(records: readonly EventStreamRecord[]): Map<string, Omit<EventStreamRecord, 'arrival_timestamp'>> {
  return new Map(records.map(({ arrival_timestamp: _arrival, ...rest }) => [rest.event_id, rest]));
}

/** Waits until a durable instance has delivered everything it accepted (its spool is empty). */
export async function delivered(instance: InProcessProxy): Promise<void> {
  await waitFor(() => instance.deps.spool?.storedEvents() === 0, 20_000, `the spool to be delivered (${String(instance.deps.spool?.storedEvents())} stored)`);
}

/** The service durable with the local store and Kinesis (on kinesalite) as its sinks, and where to read both. */
export interface LocalAndKinesisSuite {
  proxy: InProcessProxy;
  kinesalite: Kinesalite;
  /** The service's `DATA_DIR` (read `storedRecords(dataDir)`). */
  dataDir: string;
  stream: string;
}

/**
 * Registers the hooks of a test file (or `describe` block) that sends to one in-process service
 * delivering to the local store and to a kinesalite stream of its own: both start before its
 * tests, close after them. The fields are set once `beforeAll` ran.
 */
export function useLocalAndKinesisProxy(stream: string): LocalAndKinesisSuite {
  const suite = { stream } as LocalAndKinesisSuite;
  let temp: ReturnType<typeof makeTempDir> | undefined;
  beforeAll(async () => {
    temp = makeTempDir();
    suite.dataDir = temp.dir;
    suite.kinesalite = await startKinesalite();
    await suite.kinesalite.createStream(stream, 2);
    suite.proxy = await startInProcessProxy({ SINK: 'local,kinesis', KINESIS_STREAM: stream, KINESIS_ENDPOINT: suite.kinesalite.endpoint, DATA_DIR: temp.dir, FORWARD_LINGER_MS: '20' });
  });
  afterAll(async () => {
    await suite.proxy?.close();
    await suite.kinesalite?.close();
    temp?.remove();
  });
  return suite;
}
