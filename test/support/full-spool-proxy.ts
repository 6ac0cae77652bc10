import { pinpointStandInEnv, startInProcessProxy, type InProcessProxy } from './in-process-proxy';
import { startPinpointStandIn, type PinpointStandIn } from './pinpoint-stand-in';
import { makeTempDir } from './temp-dir';

/** A durable service whose spool fills, because the Pinpoint behind it is down until `bringUp`. */
export interface FullSpoolSuite {
  proxy: InProcessProxy;
  standIn: PinpointStandIn;
  /** Pinpoint answers again (it answered 500 to every call until now): the spool drains. */
  bringUp(): void;
}

/**
 * Registers the hooks of a `describe` block that fills a spool of `maxEvents` events: a Pinpoint
 * stand-in answering 500 until `bringUp`, and a durable service delivering only to it, both started
 * before the block's tests and closed after them. The fields are set once `beforeAll` ran.
 */
export function useFullSpoolProxy(maxEvents: number): FullSpoolSuite {
  let down = true;
  const suite = {
    bringUp: () => {
      down = false;
    },
  } as FullSpoolSuite;
  let temp: ReturnType<typeof makeTempDir> | undefined;
  beforeAll(async () => {
    temp = makeTempDir();
    suite.standIn = await startPinpointStandIn({ behavior: () => (down ? { status: 500 } : undefined) });
    suite.proxy = await startInProcessProxy({ ...pinpointStandInEnv(suite.standIn), DATA_DIR: temp.dir, SPOOL_MAX_EVENTS: String(maxEvents), FORWARD_LINGER_MS: '20' });
  });
  afterAll(async () => {
    await suite.proxy?.close();
    await suite.standIn?.close();
    temp?.remove();
  });
  return suite;
}
