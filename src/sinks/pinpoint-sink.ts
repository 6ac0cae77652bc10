import { PinpointClient, PutEventsCommand, type EventsResponse } from '@aws-sdk/client-pinpoint';
import { createLogThrottle } from '../log-throttle';
import type { Logger } from '../logger';
import type { EventEnvelope } from '../mapping/event-envelope';
import { toPutEventsCalls, type PutEventsCall } from '../mapping/put-events-calls';
import { fitForPinpoint, PINPOINT_LIMITS, wasFitted } from '../mapping/pinpoint-limits';
import type { DeliveryObserver } from './delivery-observer';
import { allFailed, deliveredAll, mergeResults, type DeliveryResult, type EventSink } from './event-sink';
import type { QuotaPacer } from './quota-pacer';
import { SinkError, classifySdkError } from './sink-error';

/** What the Pinpoint sink needs; the composition root builds the client. */
export interface PinpointSinkOptions {
  client: PinpointClient;
  logger: Logger;
  /** Paces PutEvents calls (durable mode); upstream mode has none, its clients are waiting. */
  pacer?: QuotaPacer;
  /** At most one `legacy data fitted to Pinpoint limits` line per this many ms (the rest are counted into the next); default 10 s. */
  fitLogIntervalMs?: number;
  /** Told how many events of each `deliver` call were fitted (the service's metrics). */
  observer?: DeliveryObserver;
}

/** The Pinpoint sink, and its running count of events fitted to Pinpoint's limits. */
export interface PinpointSink extends EventSink {
  /** Events fitted to Pinpoint's per-event limits since the sink was created (an event sent again is counted again). */
  fittedEvents(): number;
}

const FIT_LOG_MESSAGE = 'legacy data fitted to Pinpoint limits';
const DEFAULT_FIT_LOG_INTERVAL_MS = 10_000;

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

/**
 * Delivers events with Pinpoint `PutEvents`: one call per application and ≤100 events / ~4 MB,
 * each paced by `pacer`. Events arrive as sent; each is fitted to Pinpoint's per-event limits
 * (`fitForPinpoint`) on a copy, never on the envelope handed in (the forwarder may deliver it to
 * another sink too). Every fitted event is counted, told to the observer and logged at warn,
 * rate-limited.
 */
export function createPinpointSink(options: PinpointSinkOptions): PinpointSink {
  const { client, logger, pacer } = options;
  const fitLog = createLogThrottle(logger, 'warn', FIT_LOG_MESSAGE, options.fitLogIntervalMs ?? DEFAULT_FIT_LOG_INTERVAL_MS);
  const fit = (envelope: EventEnvelope): EventEnvelope => {
    const { envelope: fitted, adjustments } = fitForPinpoint(envelope);
    if (wasFitted(adjustments)) {
      const { applicationId: appId, eventId, event } = envelope;
      fitLog.note({ appId, eventType: event.EventType, eventId, ...adjustments });
    }
    return fitted;
  };
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
      const fittedBefore = fitLog.total();
      const fitted = envelopes.map(fit);
      const fittedNow = fitLog.total() - fittedBefore;
      if (fittedNow > 0) options.observer?.eventsFitted('pinpoint', fittedNow);
      const results = await Promise.all(toPutEventsCalls(fitted).map(send));
      return results.reduce(mergeResults, deliveredAll());
    },
    fittedEvents: () => fitLog.total(),
    async close() {
      fitLog.flush();
      client.destroy();
    },
  };
}
