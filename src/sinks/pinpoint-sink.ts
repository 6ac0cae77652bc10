import { PinpointClient, PutEventsCommand, type EventsResponse } from '@aws-sdk/client-pinpoint';
import type { Logger } from '../logger';
import type { EventEnvelope } from '../mapping/event-envelope';
import { toPutEventsCalls, type PutEventsCall } from '../mapping/put-events-calls';
import { PINPOINT_LIMITS } from '../mapping/pinpoint-limits';
import { allFailed, deliveredAll, mergeResults, type DeliveryResult, type EventSink } from './event-sink';
import type { QuotaPacer } from './quota-pacer';
import { SinkError, classifySdkError } from './sink-error';

/** What the Pinpoint sink needs; the composition root builds the client. */
export interface PinpointSinkOptions {
  client: PinpointClient;
  logger: Logger;
  /** Paces PutEvents calls (durable mode); upstream mode has none, its clients are waiting. */
  pacer?: QuotaPacer;
}

/**
 * Reads the per-event verdicts inside a 202: 202 is accepted, 400 is refused for good (the
 * device cannot fix it), anything else is retried. Events without a verdict count as accepted.
 */
function readResults(response: EventsResponse, result: DeliveryResult): void {
  for (const endpoint of Object.values(response.Results ?? {})) {
    for (const [eventId, item] of Object.entries(endpoint.EventsItemResponse ?? {})) {
      const status = item.StatusCode ?? 202;
      if (status === 202 || status === 200) continue;
      const message = item.Message ?? `StatusCode ${status}`;
      if (status === 400) result.rejected.push({ eventId, message });
      else result.failed.push({ eventId, error: new SinkError('transient', message, `Event${status}`) });
    }
  }
}

/** Delivers events with Pinpoint `PutEvents`: one call per application and ≤100 events / ~4 MB, each paced by `pacer`. */
export function createPinpointSink(options: PinpointSinkOptions): EventSink {
  const { client, logger, pacer } = options;
  const putEvents = (call: PutEventsCall) => client.send(new PutEventsCommand({ ApplicationId: call.applicationId, EventsRequest: call.request }));
  const send = async (call: PutEventsCall): Promise<DeliveryResult> => {
    try {
      const response = await (pacer ? pacer.run(() => putEvents(call)) : putEvents(call));
      const result = deliveredAll();
      readResults(response.EventsResponse ?? {}, result);
      return result;
    } catch (err: unknown) {
      const error = classifySdkError(err);
      logger.warn('pinpoint PutEvents failed', { kind: error.kind, code: error.code, reason: error.message, events: call.eventIds.length });
      return allFailed(call.eventIds, error);
    }
  };
  return {
    name: 'pinpoint',
    maxBatchEvents: PINPOINT_LIMITS.eventsPerCall,
    async deliver(envelopes: readonly EventEnvelope[]): Promise<DeliveryResult> {
      const results = await Promise.all(toPutEventsCalls(envelopes).map(send));
      return results.reduce(mergeResults, deliveredAll());
    },
    async close() {
      client.destroy();
    },
  };
}
