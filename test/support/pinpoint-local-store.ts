import { existsSync } from 'node:fs';
import { eventStorePath, openEventStore } from '../../src/local-store/event-store';
import type { EventStreamRecord } from '../../src/mapping/event-stream-record';

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
