import { existsSync } from 'node:fs';
import type { Config } from '../config';
import { eventStorePath, openEventStore } from '../local-store/event-store';
import type { Output } from './output';

/** What `ma2pinpoint events tail` was asked for. */
export interface EventsTailOptions {
  /** Only this application's events. */
  readonly app?: string;
  /** How many of the newest events to print first. */
  readonly limit: number;
  /** Keep printing new events until `signal` aborts (or the process ends). */
  readonly follow: boolean;
}

/** How often `--follow` looks for new events. */
const FOLLOW_POLL_MS = 500;

/**
 * `ma2pinpoint events tail`: prints the newest events of the local store as JSON lines
 * (event-stream records), oldest first; `follow` keeps printing new ones. Returns the exit code.
 */
export async function runEventsTail(options: EventsTailOptions, config: Config, io: Output, signal?: AbortSignal): Promise<number> {
  const file = eventStorePath(config.spool.dataDir);
  if (!existsSync(file)) {
    io.err(`No local store at ${file} (is SINK=local, and has the service received events?)`);
    return 1;
  }
  const store = openEventStore(file, { readonly: true });
  try {
    const appFilter = options.app !== undefined ? { appId: options.app } : {};
    let page = store.tail({ ...appFilter, limit: options.limit });
    for (;;) {
      for (const record of page.records) io.out(JSON.stringify(record));
      if (!options.follow || signal?.aborted) return 0;
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
      page = store.tail({ ...appFilter, limit: 1000, afterId: page.lastId });
    }
  } finally {
    store.close();
  }
}
