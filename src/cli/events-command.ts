import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Config } from '../config';
import { eventStorePath, openEventStore } from '../local-store/event-store';
import type { Output } from './spool-command';

/**
 * `ma2pinpoint events tail [--app ID] [--limit N] [--follow]`: prints the newest events of the
 * local store as JSON lines (event-stream records), oldest first; `--follow` keeps printing new
 * ones. Returns the exit code, or a promise of it when following.
 */
export async function runEventsCommand(args: string[], config: Config, io: Output, signal?: AbortSignal): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      app: { type: 'string' },
      limit: { type: 'string', default: '20' },
      follow: { type: 'boolean', short: 'f', default: false },
    },
  });
  if (sub !== 'tail') {
    io.err('Usage: ma2pinpoint events tail [--app ID] [--limit N] [--follow]');
    return 2;
  }
  const file = eventStorePath(config.spool.dataDir);
  if (!existsSync(file)) {
    io.err(`No local store at ${file} (is SINK=local, and has the service received events?)`);
    return 1;
  }
  const store = openEventStore(file, { readonly: true });
  try {
    const appFilter = values.app ? { appId: values.app } : {};
    let page = store.tail({ ...appFilter, limit: Number(values.limit) || 20 });
    for (;;) {
      for (const record of page.records) io.out(JSON.stringify(record));
      if (!values.follow || signal?.aborted) return 0;
      await new Promise((resolve) => setTimeout(resolve, 500));
      page = store.tail({ ...appFilter, limit: 1000, afterId: page.lastId });
    }
  } finally {
    store.close();
  }
}
