import { BadRequestError, ForbiddenError, PayloadTooLargeError, RetryLaterError, type ProxyError } from '../errors';
import type { Logger } from '../logger';
import type { EventSink } from '../sinks/event-sink';
import type { SinkError } from '../sinks/sink-error';
import { NONE_REFUSED, type Acceptor, type RefusedByDestination } from './acceptor';
import type { EventEnvelope } from '../mapping/event-envelope';
import { mapPinpointRequest } from '../mapping/map-pinpoint-request';
import type { RequestMapper } from '../mapping/request-mapper';

/** Translates the destination's refusal of a whole call into the legacy answer. */
function toProxyError(error: SinkError): ProxyError {
  switch (error.kind) {
    case 'forbidden':
      return new ForbiddenError(error.message, { cause: error });
    case 'too-large':
      return new PayloadTooLargeError(error.message);
    case 'invalid':
      return new BadRequestError(error.message, { cause: error });
    case 'not-found':
    case 'throttled':
    case 'transient':
      return new RetryLaterError(`The destination is unavailable (${error.code}); retry later.`, { cause: error });
  }
}

/**
 * Upstream ack mode: forward synchronously and answer what the destination said. Events the
 * destination refuses one by one are logged and the request still succeeds (a legacy device
 * cannot fix them; a Pinpoint caller gets them back in their own `EventsResponse` entries); if any
 * event could not be delivered, the whole request gets the failure's answer.
 */
export function createUpstreamAcceptor(sink: EventSink, mapRequest: RequestMapper, logger: Logger): Acceptor {
  const deliver = async (envelopes: EventEnvelope[]): Promise<RefusedByDestination> => {
    if (envelopes.length === 0) return NONE_REFUSED;
    const result = await sink.deliver(envelopes);
    for (const rejected of result.rejected) {
      logger.warn('event rejected by destination', { sink: sink.name, eventId: rejected.eventId, reason: rejected.message });
    }
    const failure = result.failed[0];
    if (failure) throw toProxyError(failure.error);
    return new Map(result.rejected.map((rejected) => [rejected.eventId, rejected.message]));
  };
  return {
    admit() {},
    async accept(request) {
      await deliver(mapRequest(request));
    },
    // A PutEvents request's app id is already a Pinpoint project id: no app id map applies. The
    // events the destination refused one by one go back to the caller in their entries.
    acceptPinpoint: (input) => deliver(mapPinpointRequest(input)),
  };
}
