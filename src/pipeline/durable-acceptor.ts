import { RetryLaterError } from '../errors';
import type { SpoolAppender } from '../spool/spool-appender';
import { requestRow } from '../spool/spool-payload';
import type { Acceptor } from './acceptor';

/** The spool holds `SPOOL_MAX_EVENTS`; clients are told to retry later. */
class SpoolFullError extends RetryLaterError {
  constructor(max: number) {
    super(`The spool is full (${max} events); retry later.`);
  }
}

/**
 * Durable ack mode: the request is acknowledged once it is committed to the spool; the delivery
 * side maps and delivers it later. `onStored` tells it which rows it may lease.
 */
export function createDurableAcceptor(appender: SpoolAppender, onStored: (lastSeq: number) => void): Acceptor {
  return {
    admit() {
      if (appender.isFull()) throw new SpoolFullError(appender.maxEvents);
    },
    async accept(request) {
      if ((await appender.append(requestRow(request))) === 'full') throw new SpoolFullError(appender.maxEvents);
      onStored(appender.lastAppendedSeq());
    },
  };
}
