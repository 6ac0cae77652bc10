import type { Spool } from '../spool/spool';
import type { Acceptor } from './acceptor';

/**
 * Durable ack mode: the request is acknowledged once its events are committed to the spool;
 * the forwarder delivers them later. `onStored` wakes the forwarder.
 */
export function createDurableAcceptor(spool: Spool, onStored: () => void): Acceptor {
  return {
    async accept(mapped) {
      await spool.append(mapped.envelopes);
      onStored();
    },
  };
}
