import { requestRow } from '../spool/spool-payload';
import { SpoolFullError, type Spool } from '../spool/spool';
import type { Acceptor } from './acceptor';

/**
 * Durable ack mode: the request is acknowledged once it is committed to the spool; the
 * forwarder maps and delivers it later. `onStored` wakes the forwarder.
 */
export function createDurableAcceptor(spool: Spool, onStored: () => void): Acceptor {
  return {
    admit() {
      if (spool.isFull()) throw new SpoolFullError(spool.maxEvents);
    },
    async accept(request) {
      await spool.append(requestRow(request));
      onStored();
    },
  };
}
