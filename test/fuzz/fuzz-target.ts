import http from 'node:http';
import type { Config } from '../../src/config';
import { loadConfig } from '../../src/config';
import { startInProcessProxy, type InProcessProxy } from '../support/in-process-proxy';
import { makeTempDir } from '../support/temp-dir';

/** Requests a fuzzer has in flight at once. */
export const FUZZ_CONCURRENCY = 16;

/** The service both fuzzers drive: durable, the local sink, delivering at once (so the end check waits least). */
const ENV = { ACK_MODE: 'durable', SINK: 'local', FORWARD_LINGER_MS: '0' };

/** What a fuzz test sends to, and reads back from. */
export interface FuzzTarget {
  proxy: InProcessProxy;
  /** Keep-alive connections, `FUZZ_CONCURRENCY` at most. */
  agent: http.Agent;
  /** The service's `DATA_DIR` (its `spool.db`, `events.db`, `endpoints.db`). */
  dataDir: string;
  /** The service's configuration, as its oracle must read the limits. */
  config: Config;
}

/**
 * Registers the hooks of a fuzz test file: one in-process service in a temporary `DATA_DIR` and
 * an agent, started before its tests and closed after them. The fields are set once `beforeAll` ran.
 */
export function useFuzzTarget(prefix: string): FuzzTarget {
  const target = {} as FuzzTarget;
  let temp: ReturnType<typeof makeTempDir> | undefined;
  beforeAll(async () => {
    temp = makeTempDir(prefix);
    target.dataDir = temp.dir;
    target.config = loadConfig({ ...ENV, DATA_DIR: temp.dir });
    target.proxy = await startInProcessProxy({ ...ENV, DATA_DIR: temp.dir });
    target.agent = new http.Agent({ keepAlive: true, maxSockets: FUZZ_CONCURRENCY });
  });
  afterAll(async () => {
    target.agent?.destroy();
    await target.proxy?.close();
    temp?.remove();
  });
  return target;
}
