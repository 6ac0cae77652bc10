import type { ValidatedRequest } from '../mapping/map-legacy-request';
import type { PinpointEventsInput } from '../mapping/map-pinpoint-request';
import { NONE_REFUSED, type Acceptor } from '../pipeline/acceptor';

/** The dry run's acceptor: it keeps what the pipeline hands over instead of storing or sending it. */
export interface KeepingAcceptor extends Acceptor {
  /** The legacy request accepted since the last call, taken out. */
  takeLegacy(): ValidatedRequest | undefined;
  /** The Pinpoint PutEvents request accepted since the last call, taken out. */
  takePinpoint(): PinpointEventsInput | undefined;
}

/**
 * An acceptor that admits everything and keeps the last request of each kind it was handed, for
 * the dry run to map as the sinks would: the pipeline runs as in the service, and nothing is
 * stored or sent.
 */
export function createKeepingAcceptor(): KeepingAcceptor {
  let legacy: ValidatedRequest | undefined;
  let pinpoint: PinpointEventsInput | undefined;
  return {
    admit() {},
    accept(request) {
      legacy = request;
      return Promise.resolve();
    },
    acceptPinpoint(input) {
      pinpoint = input;
      return Promise.resolve(NONE_REFUSED);
    },
    takeLegacy() {
      const kept = legacy;
      legacy = undefined;
      return kept;
    },
    takePinpoint() {
      const kept = pinpoint;
      pinpoint = undefined;
      return kept;
    },
  };
}
