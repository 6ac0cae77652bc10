import { RetryLaterError } from '../errors';
import type { SpoolAppender, SpoolRefusal } from '../spool/spool-appender';
import { pinpointRequestRow, requestRow, type SpoolRow } from '../spool/spool-payload';
import { NONE_REFUSED, type Acceptor } from './acceptor';

/** The spool takes no request now: full, or its file cannot be written. Clients are told to retry later. */
class SpoolRefusedError extends RetryLaterError {
  constructor(
    readonly refusal: SpoolRefusal,
    appender: SpoolAppender,
    options?: { cause?: unknown },
  ) {
    const { maxEvents, maxBytes } = appender.limits;
    super(
      refusal === 'full'
        ? `The spool is full (at most ${maxEvents} events, ${maxBytes} bytes); retry later.`
        : 'The spool cannot be written now; retry later.',
      options,
    );
  }

  /** `spool_full` or `spool_unwritable`: the client's answer is the same, the operator's remedy is not. */
  override get reason(): string {
    return `spool_${this.refusal}`;
  }
}

/**
 * Durable ack mode: the request is acknowledged once it is committed to the spool; the delivery
 * side maps and delivers it later. `onStored` tells it which rows it may lease. A Pinpoint
 * PutEvents request is stored the same way (same group commit, its events counted against the
 * spool's capacity), its endpoints' stored profiles snapshotted into the row.
 */
export function createDurableAcceptor(appender: SpoolAppender, onStored: (lastSeq: number) => void): Acceptor {
  const store = async (row: SpoolRow): Promise<void> => {
    let result;
    try {
      result = await appender.append(row);
    } catch (err: unknown) {
      throw new SpoolRefusedError('unwritable', appender, { cause: err });
    }
    if (result === 'full') throw new SpoolRefusedError('full', appender);
    onStored(appender.lastAppendedSeq());
  };
  return {
    admit() {
      const refusal = appender.refusal();
      if (refusal) throw new SpoolRefusedError(refusal, appender);
    },
    accept: (request) => store(requestRow(request)),
    async acceptPinpoint(input) {
      const row = pinpointRequestRow(input);
      if (row.eventCount > 0) await store(row);
      return NONE_REFUSED;
    },
  };
}
